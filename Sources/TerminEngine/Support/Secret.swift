import Foundation

/// Secrets and ids the engine hands out.
enum Secret {
    /// `bits` random bits (a multiple of 64) from the system's cryptographic source, as lowercase hex digits.
    static func hex(bits: Int) -> String {
        precondition(bits > 0 && bits % 64 == 0, "whole 64-bit words")
        var generator = SystemRandomNumberGenerator()
        return (0..<bits / 64).map { _ in
            let text = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }.joined()
    }

    /// `count` random bytes from the system's cryptographic source.
    static func bytes(count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// A new random id (UUID, lowercase).
    static func newID() -> String { UUID().uuidString.lowercased() }
}
