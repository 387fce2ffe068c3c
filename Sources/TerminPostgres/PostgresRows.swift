/// The rows of a result, each value as PostgreSQL's text form or `nil` for NULL.
public struct PostgresRows: Sendable {
    public let columns: [String]
    public let rows: [[String?]]

    public var count: Int { rows.count }
    public var isEmpty: Bool { rows.isEmpty }

    /// The value of the first column of the first row.
    public var scalar: String? { rows.first?.first ?? nil }
}

extension Array where Element == String? {
    /// The non-NULL text of column `index`; a programming error when NULL.
    public func text(_ index: Int) -> String {
        guard let value = self[index] else { preconditionFailure("column \(index) is NULL") }
        return value
    }

    /// Column `index` as an integer; a programming error when NULL or not a number.
    public func int(_ index: Int) -> Int {
        guard let value = Int(text(index)) else { preconditionFailure("column \(index) is not an integer") }
        return value
    }

    public func bool(_ index: Int) -> Bool { text(index) == "t" }
}
