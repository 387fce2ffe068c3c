/// Reads a planner's own series: `period,value` rows, where `period` is `YYYY-MM`, `YYYY-MM-DD` or
/// `YYYY-MM-DDTHH` (one resolution per file) and `value` a finite number of at least 0. An optional first line
/// `period,value` is a header; blank lines and a trailing `\r` are ignored; periods may come in any order but each
/// once. Every error names the line and column (1-based), as a planner's editor shows them.
public enum CSVSeriesReader {
    /// Rows read at most.
    public static let rowsMax = 1_000_000

    /// A fault in the file, at a line and column.
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public let line: Int
        /// 1 for the period, 2 for the value; `nil` when the line as a whole is at fault.
        public let column: Int?
        public let message: String
        public var description: String {
            "line \(line)" + (column.map { ", column \($0)" } ?? "") + ": " + message
        }
    }

    /// The observations of `text`, all of one resolution.
    public static func read(_ text: String) throws(Failure) -> (resolution: Resolution, observations: [Period: Double]) {
        var observations: [Period: Double] = [:]
        var resolution: (Resolution, line: Int)?
        var lineNumber = 0
        // "\r\n" is one Character in Swift, so both endings separate lines.
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine[...]
            if line.allSatisfy({ $0 == " " }) { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: " ") }
            if observations.isEmpty, resolution == nil, fields.first?.lowercased() == "period" { continue }
            guard fields.count == 2 else {
                throw Failure(line: lineNumber, column: nil, message: "expected 2 fields (period,value), found \(fields.count)")
            }
            guard let period = Period.parse(fields[0]) else {
                throw Failure(line: lineNumber, column: 1, message: "'\(fields[0])' is not a period (YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH)")
            }
            if let (first, firstLine) = resolution, first != period.resolution {
                throw Failure(line: lineNumber, column: 1, message: "'\(fields[0])' is \(period.resolution), but line \(firstLine) is \(first)")
            }
            resolution = resolution ?? (period.resolution, lineNumber)
            guard let value = Double(fields[1]), value.isFinite, value >= 0 else {
                throw Failure(line: lineNumber, column: 2, message: "'\(fields[1])' is not a number of at least 0")
            }
            guard observations.updateValue(value, forKey: period) == nil else {
                throw Failure(line: lineNumber, column: 1, message: "\(period) occurs twice")
            }
            guard observations.count <= rowsMax else {
                throw Failure(line: lineNumber, column: nil, message: "more than \(rowsMax) rows")
            }
        }
        guard let (found, _) = resolution else { throw Failure(line: 1, column: nil, message: "no rows") }
        return (found, observations)
    }
}

private extension Substring {
    func trimmingCharacters(in character: Character) -> String {
        var text = self[...]
        while text.first == character { text = text.dropFirst() }
        while text.last == character { text = text.dropLast() }
        return String(text)
    }
}
