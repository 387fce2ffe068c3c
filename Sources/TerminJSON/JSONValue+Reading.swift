/// Lenient reading of a value (answers in tests and the load generator, a proof-of-work solution): `nil` wherever the
/// shape is not what was asked for. Strict reading with a problem per field is `JSONFields` (TerminAPI) or
/// `JSONValueDecoder`.
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

    /// An array's elements, `nil` for values that are not arrays.
    public var array: [JSONValue]? {
        guard case .array(let elements) = self else { return nil }
        return elements
    }

    /// A string's text, `nil` for values that are not strings.
    public var string: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    /// A number written as a plain integer (`12`, not `12.0`) that fits an `Int`; `nil` otherwise.
    public var int: Int? {
        guard case .number(let text) = self else { return nil }
        return Int(text)
    }
}
