/// A JSON value (RFC 8259) as `JSONReader` reads it from a request body.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    /// A number as sent, checked against the grammar; `JSONFields` reads integers from it exactly.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in the order sent.
    case object([Member])

    public struct Member: Equatable, Sendable {
        public let key: String
        public let value: JSONValue
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }
}

/// Reads a JSON document from bytes in one pass: the hot API routes' reader (and the load tests' client's) (a booking body in about a microsecond, where
/// Foundation's `JSONDecoder` with `Decodable` took about ten). Strict RFC 8259: one value, optional whitespace
/// around it, strings in valid UTF-8 without raw control characters, `\u` escapes with surrogates in pairs, numbers
/// within a Double's range.
public struct JSONReader {
    /// Deepest nesting of arrays and objects accepted (a body far deeper is an attack, not a request).
    public static let depthMax = 64

    /// Why a document is not JSON, with the byte offset where reading stopped.
    public struct Malformed: Error, Equatable {
        public let offset: Int
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// The value of a whole document.
    public static func parse(_ bytes: [UInt8]) throws(Malformed) -> JSONValue {
        let result: Result<JSONValue, Malformed> = bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer)
            do throws(Malformed) {
                reader.skipWhitespace()
                let value = try reader.value()
                reader.skipWhitespace()
                guard reader.index == buffer.count else { throw reader.malformed }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private var malformed: Malformed { Malformed(offset: index) }

    private mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    private mutating func value() throws(Malformed) -> JSONValue {
        guard index < bytes.count else { throw malformed }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try number())
        }
    }

    private mutating func literal(_ word: StaticString) throws(Malformed) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw malformed }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw malformed }
        index += count
    }

    private mutating func enter() throws(Malformed) {
        depth += 1
        guard depth <= Self.depthMax else { throw malformed }
        index += 1
        skipWhitespace()
    }

    private mutating func object() throws(Malformed) -> JSONValue {
        try enter()
        var members: [JSONValue.Member] = []
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(members)
        }
        while true {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw malformed }
            let key = try string()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw malformed }
            index += 1
            skipWhitespace()
            members.append(JSONValue.Member(key: key, value: try value()))
            skipWhitespace()
            guard index < bytes.count else { throw malformed }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                skipWhitespace()
            } else if bytes[index] == UInt8(ascii: "}") {
                index += 1
                depth -= 1
                return .object(members)
            } else {
                throw malformed
            }
        }
    }

    private mutating func array() throws(Malformed) -> JSONValue {
        try enter()
        var elements: [JSONValue] = []
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            elements.append(try value())
            skipWhitespace()
            guard index < bytes.count else { throw malformed }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                skipWhitespace()
            } else if bytes[index] == UInt8(ascii: "]") {
                index += 1
                depth -= 1
                return .array(elements)
            } else {
                throw malformed
            }
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func number() throws(Malformed) -> String {
        let start = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw malformed }
        if bytes[index] == UInt8(ascii: "0") { index += 1 } else { skipDigits() }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw malformed }
            skipDigits()
        }
        let hasExponent = index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E"))
        if hasExponent {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw malformed }
            skipDigits()
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        // A number beyond a Double's range (`1e999`, or 400 digits) is refused, as Foundation refuses it; only those
        // with an exponent or very many digits can be, so the others skip the conversion.
        if hasExponent || index - start > 300 {
            guard Double(text)?.isFinite == true else { throw Malformed(offset: start) }
        }
        return text
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func skipDigits() {
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }

    /// A string's value; `index` is at its opening quote.
    private mutating func string() throws(Malformed) -> String {
        index += 1
        let start = index
        // The common case: no escapes, so the bytes between the quotes are the string.
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\"), bytes[index] >= 0x20 {
            index += 1
        }
        guard index < bytes.count else { throw malformed }
        if bytes[index] == UInt8(ascii: "\"") {
            let text = try validated(UnsafeBufferPointer(rebasing: bytes[start..<index]), at: start)
            index += 1
            return text
        }
        var unescaped = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while true {
            guard index < bytes.count, bytes[index] >= 0x20 else { throw malformed }
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") { break }
            guard byte == UInt8(ascii: "\\") else {
                unescaped.append(byte)
                continue
            }
            guard index < bytes.count else { throw malformed }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): unescaped.append(escape)
            case UInt8(ascii: "b"): unescaped.append(0x08)
            case UInt8(ascii: "f"): unescaped.append(0x0C)
            case UInt8(ascii: "n"): unescaped.append(0x0A)
            case UInt8(ascii: "r"): unescaped.append(0x0D)
            case UInt8(ascii: "t"): unescaped.append(0x09)
            case UInt8(ascii: "u"): unescaped.append(contentsOf: String(try unicodeEscape()).utf8)
            default: throw malformed
            }
        }
        return try unescaped.withUnsafeBufferPointer { buffer throws(Malformed) in try validated(buffer, at: start) }
    }

    /// The scalar of a `\u` escape and its four hex digits (`\u00e9`, or a surrogate pair `\uD83D\uDE00`); `index` is after
    /// the `u`.
    private mutating func unicodeEscape() throws(Malformed) -> Character {
        let first = try hexQuad()
        if (0xD800..<0xDC00).contains(first) {
            guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { throw malformed }
            index += 2
            let second = try hexQuad()
            guard (0xDC00..<0xE000).contains(second),
                  let scalar = Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)) else { throw malformed }
            return Character(scalar)
        }
        guard let scalar = Unicode.Scalar(first) else { throw malformed }   // a lone low surrogate
        return Character(scalar)
    }

    private mutating func hexQuad() throws(Malformed) -> UInt32 {
        guard bytes.count - index >= 4 else { throw malformed }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw malformed
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private func validated(_ utf8: UnsafeBufferPointer<UInt8>, at offset: Int) throws(Malformed) -> String {
        guard let text = String(validating: utf8, as: UTF8.self) else { throw Malformed(offset: offset) }
        return text
    }
}
