import Foundation
import TerminCore
import TerminJSON

/// Random strings and documents, built both as Foundation's `JSONSerialization` takes them and as `JSONValue`.
enum RandomJSON {
    /// Characters that need escaping, that are multi-byte in UTF-8, or that sort differently in UTF-16.
    static let alphabet: [String] = ["a", "Z", "ü", "€", "😀", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{1F}", " ", "é", "\u{8}",
                                     "\u{C}", "\u{7F}", "\u{2028}", "\u{FF61}", "_", "0"]

    static func string(_ generator: inout SeededRandom, lengthMax: Int = 6) -> String {
        String((0..<Int.random(in: 0...lengthMax, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined())
    }

    /// A random value as Foundation's `JSONSerialization` takes it, and as `JSONReader` should give it back.
    static func value(_ generator: inout SeededRandom, depth: Int = 0) -> (Any, JSONValue) {
        switch Int.random(in: 0..<(depth >= 3 ? 4 : 6), using: &generator) {
        case 0: return (NSNull(), .null)
        case 1: let flag = Bool.random(using: &generator); return (flag, .bool(flag))
        case 2: let number = Int.random(in: -1_000_000...1_000_000, using: &generator); return (number, .number(String(number)))
        case 3: let text = string(&generator); return (text, .string(text))
        case 4:
            let elements = (0..<Int.random(in: 0...4, using: &generator)).map { _ in value(&generator, depth: depth + 1) }
            return (elements.map(\.0), .array(elements.map(\.1)))
        default:
            var foundation: [String: Any] = [:], members: [JSONValue.Member] = []
            for index in 0..<Int.random(in: 0...4, using: &generator) {
                let key = "k\(index)" + string(&generator)
                let (any, value) = value(&generator, depth: depth + 1)
                foundation[key] = any
                members.append(.init(key: key, value: value))
            }
            return (foundation, .object(members))
        }
    }

    /// Objects compare as sets of members: `JSONSerialization` writes keys in its own order.
    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { member in
                y.contains { $0.key == member.key && same($0.value, member.value) }
            }
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        default: return a == b
        }
    }

    /// Whether a document has a comma before `]` or `}`: RFC 8259 does not allow it and `JSONReader` refuses it,
    /// but this toolchain's `JSONDecoder` takes it, and `JSONSerialization` takes it before `]`.
    static func hasTrailingComma(_ bytes: [UInt8]) -> Bool {
        let significant = bytes.filter { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        return zip(significant, significant.dropFirst()).contains { $0 == UInt8(ascii: ",") && ($1 == UInt8(ascii: "]") || $1 == UInt8(ascii: "}")) }
    }
}
