import TerminJSON

/// Lenient reading of answers in tests and the load generator: `nil` wherever the shape is not what was asked for.
extension JSONValue {
    /// An object's member (the last of that key), `nil` for absent keys and for values that are not objects.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }

    /// An array's element, `nil` out of range and for values that are not arrays.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    public var array: [JSONValue]? {
        guard case .array(let elements) = self else { return nil }
        return elements
    }

    public var string: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    public var int: Int? {
        guard case .number(let text) = self else { return nil }
        return Int(text)
    }
}
