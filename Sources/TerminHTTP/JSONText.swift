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

    private static let hex = Array("0123456789abcdef".utf8)
}
