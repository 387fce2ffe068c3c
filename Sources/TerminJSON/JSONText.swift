/// JSON text written straight into bytes, for the answers and log lines rendered without Foundation's encoder. The
/// escaping is `JSONEncoder`'s with `.withoutEscapingSlashes`, so bytes written either way are the same.
public enum JSONText {
    /// A string's content without its quotes: printable ASCII and other UTF-8 copied as they are (the usual case), `"`
    /// and `\` and control characters escaped.
    public static func escaped(_ text: String, into bytes: inout [UInt8]) {
        let utf8 = text.utf8
        if utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            bytes += utf8
            return
        }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += #"\""#.utf8
            case UInt8(ascii: "\\"): bytes += #"\\"#.utf8
            case 0x08: bytes += #"\b"#.utf8
            case 0x0C: bytes += #"\f"#.utf8
            case 0x0A: bytes += #"\n"#.utf8
            case 0x0D: bytes += #"\r"#.utf8
            case 0x09: bytes += #"\t"#.utf8
            case ..<0x20:
                bytes += #"\u00"#.utf8
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
    }

    /// A string with its quotes.
    public static func quoted(_ text: String, into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        escaped(text, into: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// An integer in decimal, zero-padded to `width` digits (`width` 1: as `JSONEncoder` writes it).
    public static func digits(_ value: Int, width: Int = 1, into bytes: inout [UInt8]) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            // The magnitude of Int.min does not fit an Int; its digits are written from its text.
            guard value != .min else { bytes += String(value).utf8.dropFirst(); return }
            digits(-value, width: width, into: &bytes)
            return
        }
        var count = 1, power = 1
        while value / power >= 10 {
            power *= 10
            count += 1
        }
        for _ in count..<max(width, count) { bytes.append(UInt8(ascii: "0")) }
        var rest = value
        while power > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / power))
            rest %= power
            power /= 10
        }
    }

    /// A floating-point number as `JSONEncoder` writes it: Swift's shortest round-tripping `description`
    /// (`0.1`, `1e+20`, `5e-324`) without a trailing `.0` (`1`, `-0`). `value` must be finite.
    public static func floatingPoint<Number: BinaryFloatingPoint & LosslessStringConvertible>(_ value: Number) -> String {
        precondition(value.isFinite, "JSON has no NaN or infinity")
        let text = value.description
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    private static let hex = Array("0123456789abcdef".utf8)
}

/// One JSON object written member by member into bytes. Members go in the order given: callers give them sorted, as
/// `JSONEncoder` with `.sortedKeys` writes them. Keys are literals that need no escaping; a `nil` value leaves its
/// member out, as `Encodable`'s synthesized `encodeIfPresent` does.
public struct JSONObjectWriter {
    private var bytes: [UInt8]
    private var empty = true

    public init(capacity: Int = 256) {
        bytes = [UInt8(ascii: "{")]
        bytes.reserveCapacity(capacity)
    }

    public mutating func string(_ key: String, _ value: String?) {
        guard let value else { return }
        self.key(key)
        JSONText.quoted(value, into: &bytes)
    }

    public mutating func int(_ key: String, _ value: Int?) {
        guard let value else { return }
        self.key(key)
        JSONText.digits(value, into: &bytes)
    }

    /// A member whose value is JSON already written (a nested object's `finish()`).
    public mutating func json(_ key: String, _ value: [UInt8]) {
        self.key(key)
        bytes += value
    }

    /// A member whose value is an array of JSON values already written.
    public mutating func array(_ key: String, _ elements: [[UInt8]]) {
        self.key(key)
        bytes.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += element
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// The object's bytes, closed.
    public consuming func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    private mutating func key(_ key: String) {
        assert(key.utf8.allSatisfy { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }, "keys need no escaping")
        if !empty { bytes.append(UInt8(ascii: ",")) }
        empty = false
        bytes.append(UInt8(ascii: "\""))
        bytes += key.utf8
        bytes += #"":"#.utf8
    }
}
