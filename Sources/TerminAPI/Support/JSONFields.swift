import TerminJSON

/// A JSON object read field by field, each mistake a 422 naming the field's path (`services[0].id`) in the words
/// `JSONBody.decode` uses for `Decodable` bodies. Unknown members are ignored and `null` reads as absent, as there.
struct JSONFields {
    /// Where this object sits in the body: `""` for the body itself.
    let path: String
    private let members: [JSONValue.Member]

    /// The object `value`, or a 422 at `path` when it is something else.
    init(_ value: JSONValue, path: String) throws(APIFailure) {
        guard case .object(let members) = value else { throw APIFailure.invalid(Self.name(path), "Expected an object.") }
        self.path = path
        self.members = members
    }

    /// The member's value; the last one when a key is sent twice.
    private func value(_ key: String) -> JSONValue? {
        guard let member = members.last(where: { $0.key == key }) else { return nil }
        return member.value == .null ? nil : member.value
    }

    func field(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// An integer member (`2`, `2.0` and `2e0` alike), `nil` when absent.
    func int(_ key: String) throws(APIFailure) -> Int? {
        guard let value = value(key) else { return nil }
        return try Self.int(value, at: field(key))
    }

    /// A string member, `nil` when absent.
    func string(_ key: String) throws(APIFailure) -> String? {
        guard let value = value(key) else { return nil }
        return try Self.string(value, at: field(key))
    }

    /// A member that is an object, `nil` when absent.
    func object(_ key: String) throws(APIFailure) -> JSONFields? {
        guard let value = value(key) else { return nil }
        return try JSONFields(value, path: field(key))
    }

    /// A member that is an array, each element read by `read` with its path (`services[1]`); `nil` when absent.
    func array<Element>(_ key: String, _ read: (JSONValue, String) throws(APIFailure) -> Element) throws(APIFailure) -> [Element]? {
        guard let value = value(key) else { return nil }
        guard case .array(let elements) = value else { throw APIFailure.invalid(field(key), "Expected an array.") }
        var result: [Element] = []
        result.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            let path = "\(field(key))[\(index)]"
            guard element != .null else { throw APIFailure.invalid(path, "Expected a value, found null.") }
            result.append(try read(element, path))
        }
        return result
    }

    /// A member that must be there.
    func required<Value>(_ key: String, _ read: (String) throws(APIFailure) -> Value?) throws(APIFailure) -> Value {
        guard let value = try read(key) else { throw APIFailure.invalid(field(key), "This field is required.") }
        return value
    }

    static func int(_ value: JSONValue, at path: String) throws(APIFailure) -> Int {
        guard case .number(let text) = value else { throw APIFailure.invalid(name(path), "Expected an integer.") }
        if let exact = Int(text) { return exact }
        guard let number = Double(text), number.rounded() == number, let integer = Int(exactly: number) else {
            throw APIFailure.invalid(name(path), "Expected an integer.")
        }
        return integer
    }

    static func string(_ value: JSONValue, at path: String) throws(APIFailure) -> String {
        guard case .string(let text) = value else { throw APIFailure.invalid(name(path), "Expected a string.") }
        return text
    }

    /// The body's own path is named `body`.
    private static func name(_ path: String) -> String { path.isEmpty ? "body" : path }
}
