import Foundation
import TerminCore
import TerminJSON
import Testing

/// `JSONValueEncoder` writes the bytes Foundation's `JSONEncoder` with `[.sortedKeys, .withoutEscapingSlashes]`
/// writes, for random values of every shape the API's answers have.
@Suite struct JSONValueEncoderTests {
    struct Inner: Codable, Equatable {
        let id: Int
        let quantity: Int?
        let label: String?
    }

    struct Answer: Codable, Equatable {
        let id: String
        let count: Int
        let flag: Bool
        let ratio: Double
        let lat: Double?
        let note: String?
        let tags: [String]
        let inner: Inner
        let list: [Inner]
        let maybe: Inner?
        let byKey: [String: Int]
        let matrix: [[Int]]
        let small: Int8
        let unsigned: UInt64
    }

    static let doubles: [Double] = [0, -0.0, 1, -1, 0.5, 0.1, 1.0 / 3, 48.137154, 11.576124, 1e15, 1e16, 1e20, 1e21, 1e-7,
                                    123456789.123, 5e-324, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                                    .leastNormalMagnitude, Double(Int64.max), 9007199254740993]

    static func randomDouble(_ generator: inout SeededRandom) -> Double {
        switch Int.random(in: 0..<3, using: &generator) {
        case 0: return doubles.randomElement(using: &generator)!
        case 1: return Double.random(in: -180...180, using: &generator)
        default: return Double(bitPattern: generator.next() & ~(0x7FF << 52) | (UInt64.random(in: 0x300...0x4FF, using: &generator) << 52))
        }
    }

    static func randomInt(_ generator: inout SeededRandom) -> Int {
        [Int.min, Int.max, 0, -1, Int.random(in: -1_000_000...1_000_000, using: &generator), Int(bitPattern: UInt(generator.next()))]
            .randomElement(using: &generator)!
    }

    static func randomInner(_ generator: inout SeededRandom) -> Inner {
        Inner(id: randomInt(&generator), quantity: Bool.random(using: &generator) ? nil : randomInt(&generator),
              label: Bool.random(using: &generator) ? nil : RandomJSON.string(&generator))
    }

    static func randomAnswer(_ generator: inout SeededRandom) -> Answer {
        var byKey: [String: Int] = [:]
        for _ in 0..<Int.random(in: 0...5, using: &generator) { byKey[RandomJSON.string(&generator)] = randomInt(&generator) }
        return Answer(id: RandomJSON.string(&generator, lengthMax: 12), count: randomInt(&generator), flag: Bool.random(using: &generator),
                      ratio: randomDouble(&generator), lat: Bool.random(using: &generator) ? nil : randomDouble(&generator),
                      note: Bool.random(using: &generator) ? nil : RandomJSON.string(&generator),
                      tags: (0..<Int.random(in: 0...3, using: &generator)).map { _ in RandomJSON.string(&generator) },
                      inner: randomInner(&generator), list: (0..<Int.random(in: 0...3, using: &generator)).map { _ in randomInner(&generator) },
                      maybe: Bool.random(using: &generator) ? nil : randomInner(&generator), byKey: byKey,
                      matrix: [[], [randomInt(&generator)], [1, 2, 3]], small: Int8.random(in: .min ... .max, using: &generator),
                      unsigned: generator.next())
    }

    static var foundation: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    @Test(arguments: 1...20) func writesWhatFoundationWrites(seed: UInt64) throws {
        var generator = SeededRandom(seed: seed)
        let encoder = Self.foundation
        for _ in 0..<50 {
            let answer = Self.randomAnswer(&generator)
            let ours = try JSONValueEncoder().encode(answer)
            #expect(ours == Array(try encoder.encode(answer)), "seed \(seed): \(String(decoding: ours, as: UTF8.self))")
        }
    }

    @Test func writesEdgeValuesAsFoundationDoes() throws {
        let encoder = Self.foundation
        for double in Self.doubles {
            #expect(try JSONValueEncoder().encode([double]) == Array(try encoder.encode([double])), "\(double)")
            #expect(try JSONValueEncoder().encode(Float(double).isFinite ? [Float(double)] : [])
                    == Array(try encoder.encode(Float(double).isFinite ? [Float(double)] : [])), "\(double)")
        }
        #expect(try JSONValueEncoder().encode(Int?.none) == Array("null".utf8))
        #expect(try JSONValueEncoder().encode(["rounds": [Inner]()]) == Array(try encoder.encode(["rounds": [Inner]()])))
        #expect(try JSONValueEncoder().encode([String: Int]()) == Array("{}".utf8))
        #expect(try JSONValueEncoder().encode([3: "c", 10: "a"]) == Array(try encoder.encode([3: "c", 10: "a"])))
        #expect(try JSONValueEncoder().encode("a/b\u{0}\u{7F}\u{2028}😀") == Array(try encoder.encode("a/b\u{0}\u{7F}\u{2028}😀")))
        #expect(throws: EncodingError.self) { try JSONValueEncoder().encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try JSONValueEncoder().encode(["x": Double.infinity]) }
    }

    /// What is written reads back as the value: our encoder and decoder agree with each other, too.
    @Test(arguments: 1...5) func roundTrips(seed: UInt64) throws {
        var generator = SeededRandom(seed: seed)
        for _ in 0..<50 {
            let answer = Self.randomAnswer(&generator)
            #expect(try JSONValueDecoder().decode(Answer.self, from: JSONValueEncoder().encode(answer)) == answer)
        }
    }

    /// A `JSONValue` handed to `JSONEncoder` member by member (its integers as `Int`).
    struct Reference: Encodable {
        struct Key: CodingKey {
            let stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        let value: JSONValue

        func encode(to encoder: any Encoder) throws {
            switch value {
            case .object(let members):
                var container = encoder.container(keyedBy: Key.self)
                for member in members { try container.encode(Reference(value: member.value), forKey: Key(stringValue: member.key)) }
            case .array(let elements):
                var container = encoder.unkeyedContainer()
                for element in elements { try container.encode(Reference(value: element)) }
            case .null: var container = encoder.singleValueContainer(); try container.encodeNil()
            case .bool(let flag): var container = encoder.singleValueContainer(); try container.encode(flag)
            case .number(let text): var container = encoder.singleValueContainer(); try container.encode(Int(text)!)
            case .string(let text): var container = encoder.singleValueContainer(); try container.encode(text)
            }
        }
    }

    /// A `JSONValue` is written with its members sorted as `JSONEncoder` sorts keys (`JSONSerialization` sorts
    /// `k10` after `k2`, numerically; `JSONEncoder` and we before it).
    @Test(arguments: 1...10) func writesValuesWithSortedKeys(seed: UInt64) throws {
        var generator = SeededRandom(seed: seed)
        let encoder = Self.foundation
        for _ in 0..<50 {
            let (any, value) = RandomJSON.value(&generator)
            #expect(value.bytes == Array(try encoder.encode(Reference(value: value))), "seed \(seed): \(String(decoding: value.bytes, as: UTF8.self))")
            let foundation = try JSONSerialization.jsonObject(with: Data(value.bytes), options: [.fragmentsAllowed])
            #expect((foundation as? NSObject) == (any as? NSObject), "the same value as Foundation reads it")
        }
        #expect(JSONValue.double(1.0).bytes == Array("1".utf8) && JSONValue.double(0.25).bytes == Array("0.25".utf8))
        #expect(JSONValue.object(["b": .int(1), "a": .null]).bytes == Array(#"{"a":null,"b":1}"#.utf8))
    }
}
