/// Writing a `JSONValue` as JSON text: members sorted by key and strings escaped as `JSONEncoder` with
/// `[.sortedKeys, .withoutEscapingSlashes]` writes them, numbers as they are held (`JSONReader` keeps them as sent;
/// `int(_:)` and `double(_:)` hold them as `JSONEncoder` writes them), no whitespace.
extension JSONValue {
    /// A number holding `value` in decimal.
    public static func int(_ value: Int) -> JSONValue { .number(String(value)) }

    /// A number holding `value` as `JSONEncoder` writes a `Double` (`0.5`, `1` for 1.0, `1e+20`). `value` must be
    /// finite: JSON has no NaN or infinity.
    public static func double(_ value: Double) -> JSONValue {
        precondition(value.isFinite, "JSON has no NaN or infinity")
        return .number(JSONText.floatingPoint(value))
    }

    /// An object from members given in any order (they are sorted when written).
    public static func object(_ members: KeyValuePairs<String, JSONValue>) -> JSONValue {
        .object(members.map { Member(key: $0.key, value: $0.value) })
    }

    /// The value's JSON text.
    public var bytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        write(into: &bytes)
        return bytes
    }

    /// Appends the value's JSON text to `bytes`. Members with the same key are all written, in the order held
    /// (the sort is stable); nesting is as deep as the value (a value `JSONReader` read is at most `depthMax` deep).
    public func write(into bytes: inout [UInt8]) {
        switch self {
        case .null: bytes += "null".utf8
        case .bool(let flag): bytes += (flag ? "true" : "false").utf8
        case .number(let text): bytes += text.utf8
        case .string(let text): JSONText.quoted(text, into: &bytes)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                element.write(into: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (index, member) in Self.sorted(members).enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                JSONText.quoted(member.key, into: &bytes)
                bytes.append(UInt8(ascii: ":"))
                member.value.write(into: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Members in `JSONEncoder`'s `.sortedKeys` order (`String`'s `<`: Unicode scalar order for the keys we use), stable.
    static func sorted(_ members: [Member]) -> [Member] {
        if zip(members, members.dropFirst()).allSatisfy({ $0.key < $1.key }) { return members }
        return members.enumerated().sorted { a, b in
            a.element.key != b.element.key ? a.element.key < b.element.key : a.offset < b.offset
        }.map(\.element)
    }
}
