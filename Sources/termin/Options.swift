/// Command-line options: `--name value`, `--name=value` and bare flags.
struct Options {
    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    private(set) var values: [String: String] = [:]
    private(set) var flags: Set<String> = []
    /// The one argument that is not an option, for commands that take one (`termin bench ledger`).
    private(set) var positional: String?

    /// Parses `arguments`, accepting only the options named in `valued` (taking a value) and `boolean`.
    init(_ arguments: [String], valued: Set<String>, boolean: Set<String> = ["help"], allowsPositional: Bool = false)
        throws(UsageError) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            guard argument.hasPrefix("--") else {
                guard allowsPositional, positional == nil else { throw UsageError(description: "unexpected argument '\(argument)'") }
                positional = argument
                index += 1
                continue
            }
            let body = argument.dropFirst(2)
            if let equals = body.firstIndex(of: "=") {
                let name = String(body[..<equals])
                guard valued.contains(name) else { throw UsageError(description: "unknown option --\(name)") }
                values[name] = String(body[body.index(after: equals)...])
            } else if valued.contains(String(body)) {
                guard index + 1 < arguments.count else { throw UsageError(description: "--\(body) needs a value") }
                values[String(body)] = arguments[index + 1]
                index += 1
            } else if boolean.contains(String(body)) {
                flags.insert(String(body))
            } else {
                throw UsageError(description: "unknown option \(argument)")
            }
            index += 1
        }
    }

    subscript(name: String) -> String? { values[name] }

    /// An integer option within `range`, or its default.
    func integer(_ name: String, default value: Int, range: ClosedRange<Int>) throws(UsageError) -> Int {
        guard let text = values[name] else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw UsageError(description: "--\(name) takes a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}
