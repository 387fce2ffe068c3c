/// A `Decoder` over `JSONValue`: `Decodable` bodies read with `JSONReader` instead of Foundation's `JSONDecoder`, with
/// the same results and the same `DecodingError`s (case, coding path and, for the common ones, the words):
///
/// - a missing key: `keyNotFound(key, path of the object)`;
/// - a value of the wrong kind: `typeMismatch(type, path)`, `[String: Any].self` for an object and `[Any].self` for an
///   array expected;
/// - `null` where a value is needed: `valueNotFound(type, path)`;
/// - bytes that are not JSON, or a number that does not fit the type asked for (`1.5` or `1e30` as an `Int`):
///   `dataCorrupted` with an empty path, as `JSONDecoder` reports both.
///
/// Objects with a key sent twice read the first (as `JSONDecoder`); numbers read as `JSONDecoder` reads them (see
/// `JSONNumber`). Foundation's own types get no special strategy here (no `Date`, `Data`, `URL` or `Decimal` rules):
/// TerminJSON imports no Foundation, and no body has them.
public struct JSONValueDecoder: Sendable {
    public init() {}

    /// Decodes a whole document.
    ///
    /// - Throws: `DecodingError` as described on the type.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let value: JSONValue
        do {
            value = try JSONReader.parse(bytes)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "The given data was not valid JSON.",
                                                    underlyingError: error))
        }
        return try decode(type, from: value)
    }

    /// Decodes a value already read.
    ///
    /// - Throws: `DecodingError` as described on the type.
    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try JSONValueDecoding(value, codingPath: []).decodeValue(type)
    }
}

/// One value being decoded, at its coding path. A class, as `Decoder`s usually are: containers refer back to it.
final class JSONValueDecoding: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ value: JSONValue, codingPath: [any CodingKey]) {
        self.value = value
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        switch value {
        case .object(let members): return KeyedDecodingContainer(JSONKeyedDecoding<Key>(members, codingPath: codingPath))
        case .null:
            throw DecodingError.valueNotFound([String: Any].self, .init(
                codingPath: codingPath, debugDescription: "Cannot get keyed decoding container -- found null value instead"))
        default: throw mismatch([String: Any].self)
        }
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch value {
        case .array(let elements): return JSONUnkeyedDecoding(elements, codingPath: codingPath)
        case .null:
            throw DecodingError.valueNotFound([Any].self, .init(
                codingPath: codingPath, debugDescription: "Cannot get unkeyed decoding container -- found null value instead"))
        default: throw mismatch([Any].self)
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    /// `type` from this value: the primitives directly, everything else through its `init(from:)`.
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case is Bool.Type: return try decode(Bool.self) as! T
        case is String.Type: return try decode(String.self) as! T
        case is Double.Type: return try decode(Double.self) as! T
        case is Int.Type: return try decode(Int.self) as! T
        default: return try T(from: self)
        }
    }

    /// The `typeMismatch` for `type`, in `JSONDecoder`'s words.
    func mismatch(_ type: Any.Type) -> DecodingError {
        let found = switch value {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "a string"
        case .array: "an array"
        case .object: "a dictionary"
        }
        return .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "Expected to decode \(type) but found \(found) instead."))
    }

    /// Throws `valueNotFound` when the value is `null`.
    func notNull(_ type: Any.Type) throws {
        guard value == .null else { return }
        throw DecodingError.valueNotFound(type, .init(codingPath: codingPath,
                                                       debugDescription: "Cannot get value of type \(type) -- found null value instead"))
    }

    func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        try notNull(type)
        guard case .number(let text) = value else { throw mismatch(type) }
        guard let integer = JSONNumber.integer(text, as: type) else { throw JSONNumber.unrepresentable(text, as: type, at: codingPath) }
        return integer
    }

    func floatingPoint<T: BinaryFloatingPoint & LosslessStringConvertible>(_ type: T.Type) throws -> T {
        try notNull(type)
        guard case .number(let text) = value else { throw mismatch(type) }
        guard let number = JSONNumber.floatingPoint(text, as: type) else { throw JSONNumber.unrepresentable(text, as: type, at: codingPath) }
        return number
    }
}

extension JSONValueDecoding: SingleValueDecodingContainer {
    func decodeNil() -> Bool { value == .null }

    func decode(_ type: Bool.Type) throws -> Bool {
        try notNull(type)
        guard case .bool(let flag) = value else { throw mismatch(type) }
        return flag
    }

    func decode(_ type: String.Type) throws -> String {
        try notNull(type)
        guard case .string(let text) = value else { throw mismatch(type) }
        return text
    }

    func decode(_ type: Double.Type) throws -> Double { try floatingPoint(type) }
    func decode(_ type: Float.Type) throws -> Float { try floatingPoint(type) }
    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeValue(type) }
}
