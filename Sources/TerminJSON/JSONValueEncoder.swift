/// An `Encoder` that writes JSON text: the bytes Foundation's `JSONEncoder` with `[.sortedKeys,
/// .withoutEscapingSlashes]` writes for strings, integers, booleans, finite floating-point numbers, optionals (a `nil`
/// member left out by `encodeIfPresent`, as synthesized `Encodable` does), arrays, dictionaries with `String` keys
/// and nested types. A key encoded twice in one object keeps its last value, as there.
///
/// Foundation's own types get no special strategy (no `Date`, `Data`, `URL` or `Decimal` rules; they encode as their
/// `Encodable` conformance says): TerminJSON imports no Foundation, and no answer has them.
public struct JSONValueEncoder: Sendable {
    public init() {}

    /// The JSON text of `value`.
    ///
    /// - Throws: `EncodingError.invalidValue` for a NaN or infinite number, or a value that encodes nothing.
    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        try encodeValue(value).bytes
    }

    /// `value` as a `JSONValue` (numbers held as `JSONEncoder` writes them), for callers that add to it.
    ///
    /// - Throws: as `encode(_:)`.
    public func encodeValue<T: Encodable>(_ value: T) throws -> JSONValue {
        let root = JSONEncodingNode()
        try JSONValueEncoding(root, codingPath: []).encodeValue(value)
        guard let json = root.value else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values."))
        }
        return json
    }
}

/// The value being built at one place of the tree: a class, so that the containers handed out write into it.
final class JSONEncodingNode {
    enum Content {
        case unset
        case value(JSONValue)
        case object([String: JSONEncodingNode])
        case array([JSONEncodingNode])
    }

    var content = Content.unset

    /// What was encoded; `nil` when nothing was. A nested value that encoded nothing is an empty object.
    var value: JSONValue? {
        switch content {
        case .unset: return nil
        case .value(let value): return value
        case .object(let members):
            return .object(members.map { JSONValue.Member(key: $0.key, value: $0.value.value ?? .object([])) })
        case .array(let elements): return .array(elements.map { $0.value ?? .object([]) })
        }
    }

    /// The node of the member `key`, made an object first (a value written before is replaced, as in `JSONEncoder`).
    func member(_ key: String) -> JSONEncodingNode {
        var members: [String: JSONEncodingNode] = [:]
        if case .object(let existing) = content { members = existing }
        let node = JSONEncodingNode()
        members[key] = node
        content = .object(members)
        return node
    }

    /// A new last element, this made an array first.
    func append() -> JSONEncodingNode {
        var elements: [JSONEncodingNode] = []
        if case .array(let existing) = content { elements = existing }
        let node = JSONEncodingNode()
        elements.append(node)
        content = .array(elements)
        return node
    }

    /// Makes this an object (keeping members already there), for a keyed container.
    func becomeObject() {
        if case .object = content { return }
        content = .object([:])
    }

    /// Makes this an array (keeping elements already there), for an unkeyed container.
    func becomeArray() {
        if case .array = content { return }
        content = .array([])
    }

    /// The number of elements so far (an unkeyed container's `count`).
    var count: Int {
        switch content {
        case .object(let members): members.count
        case .array(let elements): elements.count
        default: 0
        }
    }
}

/// Encoding into one node at its coding path: the `Encoder` and its single-value container.
struct JSONValueEncoding: Encoder, SingleValueEncodingContainer {
    let node: JSONEncodingNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ node: JSONEncodingNode, codingPath: [any CodingKey]) {
        self.node = node
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.becomeObject()
        return KeyedEncodingContainer(JSONKeyedEncoding<Key>(node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.becomeArray()
        return JSONUnkeyedEncoding(node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    /// `value` into this node: the primitives directly, everything else through its `encode(to:)`.
    func encodeValue<T: Encodable>(_ value: T) throws {
        switch value {
        case let flag as Bool: node.content = .value(.bool(flag))
        case let text as String: node.content = .value(.string(text))
        case let integer as Int: node.content = .value(.int(integer))
        case let number as Double: try encodeFloatingPoint(number)
        default: try value.encode(to: self)
        }
    }

    private func encodeFloatingPoint<T: BinaryFloatingPoint & LosslessStringConvertible>(_ value: T) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath,
                                                          debugDescription: "Unable to encode \(T.self).\(value) directly in JSON."))
        }
        node.content = .value(.number(JSONText.floatingPoint(value)))
    }

    private func encodeInteger<T: FixedWidthInteger>(_ value: T) { node.content = .value(.number(String(value))) }

    func encodeNil() { node.content = .value(.null) }
    func encode(_ value: Bool) { node.content = .value(.bool(value)) }
    func encode(_ value: String) { node.content = .value(.string(value)) }
    func encode(_ value: Double) throws { try encodeFloatingPoint(value) }
    func encode(_ value: Float) throws { try encodeFloatingPoint(value) }
    func encode(_ value: Int) { encodeInteger(value) }
    func encode(_ value: Int8) { encodeInteger(value) }
    func encode(_ value: Int16) { encodeInteger(value) }
    func encode(_ value: Int32) { encodeInteger(value) }
    func encode(_ value: Int64) { encodeInteger(value) }
    func encode(_ value: UInt) { encodeInteger(value) }
    func encode(_ value: UInt8) { encodeInteger(value) }
    func encode(_ value: UInt16) { encodeInteger(value) }
    func encode(_ value: UInt32) { encodeInteger(value) }
    func encode(_ value: UInt64) { encodeInteger(value) }
    func encode<T: Encodable>(_ value: T) throws { try encodeValue(value) }
}
