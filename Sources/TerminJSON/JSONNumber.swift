/// Numbers read from their JSON text as Foundation's `JSONDecoder` reads them (swift-foundation's
/// `unwrapFixedWidthInteger` and `unwrapFloatingPoint`), so that `JSONValueDecoder` accepts and refuses the same (it
/// names the field of a number it refuses, where Foundation names none).
public enum JSONNumber {
    /// `text` (a number `JSONReader` accepted) as an integer of type `T`, `nil` when it is not one or does not fit:
    /// plain digits exactly (`-0` is 0); otherwise (`2.0`, `1e2`, `0.5e1`) the `Double` it reads as when that is a
    /// whole number below 2^53 in magnitude (so `1.0000000000000000001` is 1, as there), else the exact decimal
    /// value when it is a whole number that fits (`9007199254740993.0`).
    public static func integer<T: FixedWidthInteger>(_ text: String, as type: T.Type = T.self) -> T? {
        if let exact = T(text) { return exact }
        guard let double = Double(text) else { return nil }
        guard let value = T(exactly: double) else { return nil }
        if double.magnitude < 0x1p53 { return value }
        return exactInteger(text)
    }

    /// `text` as a floating-point number of type `T`, `nil` when it is out of `T`'s range: infinite, or rounded to
    /// zero from a number that is not zero (`1e-400`).
    public static func floatingPoint<T: BinaryFloatingPoint & LosslessStringConvertible>(_ text: String, as type: T.Type = T.self) -> T? {
        guard let number = T(text), number.isFinite else { return nil }
        if number == 0 {
            // Digits after the exponent mark do not count: `0e5` is a true zero.
            for byte in text.utf8 {
                if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { break }
                if byte >= UInt8(ascii: "1") && byte <= UInt8(ascii: "9") { return nil }
            }
        }
        return number
    }

    /// The error for a number that does not fit `type`, at the field that holds it (`JSONDecoder` reports the same
    /// case for the whole document, with an empty coding path, so that a client could not tell which field it was).
    static func unrepresentable(_ text: String, as type: Any.Type, at codingPath: [any CodingKey]) -> DecodingError {
        .dataCorrupted(.init(codingPath: codingPath, debugDescription: "The number \(text) does not fit: expected \(expected(type)).",
                             underlyingError: NotRepresentable(text: text)))
    }

    private static func expected(_ type: Any.Type) -> String {
        switch type {
        case let integer as any FixedWidthInteger.Type: "a whole number from \(integer.min) to \(integer.max)"
        default: "a number within range"
        }
    }

    /// Why: the number as sent.
    public struct NotRepresentable: Error {
        public let text: String
    }

    /// The whole number `text` stands for exactly (`-1.230e3` is -1230), `nil` when it has a fraction or does not
    /// fit `T`. Only reached for magnitudes of 2^53 and more, so at most a few dozen digits matter.
    private static func exactInteger<T: FixedWidthInteger>(_ text: String) -> T? {
        var utf8 = Substring(text).utf8[...]
        let negative = utf8.first == UInt8(ascii: "-")
        if negative { utf8 = utf8.dropFirst() }
        var digits: [UInt8] = []
        var exponent = 0
        var afterPoint = false
        while let byte = utf8.first, byte != UInt8(ascii: "e"), byte != UInt8(ascii: "E") {
            utf8 = utf8.dropFirst()
            if byte == UInt8(ascii: ".") { afterPoint = true; continue }
            digits.append(byte - UInt8(ascii: "0"))
            if afterPoint { exponent -= 1 }
        }
        if !utf8.isEmpty {
            guard let written = Int(String(decoding: Array(utf8.dropFirst()), as: UTF8.self)), written.magnitude < 1_000 else { return nil }
            exponent += written
        }
        // Trailing zeros move into the exponent; what stays below the point must be nothing.
        while exponent < 0, digits.last == 0 {
            digits.removeLast()
            exponent += 1
        }
        guard exponent >= 0 else { return nil }
        var value: T = 0
        for digit in digits + Array(repeating: 0, count: exponent) {
            let (shifted, overflowShift) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowAdd) = negative ? shifted.subtractingReportingOverflow(T(digit))
                                               : shifted.addingReportingOverflow(T(digit))
            guard !overflowShift, !overflowAdd else { return nil }
            value = next
        }
        return value
    }
}
