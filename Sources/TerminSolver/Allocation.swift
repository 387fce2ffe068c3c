/// An allocation: which requests get which desk and start. Requests left out are unserved.
public struct Allocation: Sendable, Equatable {
    public struct Assignment: Sendable, Equatable {
        public let request: String
        public let desk: String
        public let start: LocalMinute
        public init(request: String, desk: String, start: LocalMinute) {
            self.request = request
            self.desk = desk
            self.start = start
        }
    }

    public var assignments: [Assignment]
    public init(assignments: [Assignment]) { self.assignments = assignments }

    /// The exchange format's JSON (`{"assignments":[{"request","desk","start"}]}`), with `extra` figures beside.
    public func json(extra: [(key: String, value: Int)] = []) -> String {
        var text = "{\"assignments\":["
        for (index, assignment) in assignments.enumerated() {
            if index > 0 { text += ",\n" }
            text += "{\"request\":\(Self.quoted(assignment.request)),\"desk\":\(Self.quoted(assignment.desk)),"
                + "\"start\":\"\(assignment.start)\"}"
        }
        text += "]"
        for (key, value) in extra { text += ",\(Self.quoted(key)):\(value)" }
        return text + "}\n"
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += unicodeEscape(scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// `\u001f` for a control character.
    private static func unicodeEscape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}
