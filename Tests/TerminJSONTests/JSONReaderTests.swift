import Foundation
import TerminCore
import TerminJSON
import Testing

/// `JSONReader` against Foundation: the same documents accepted, with the same values; the depth limit held.
@Suite struct JSONReaderTests {
    @Test(arguments: 1...20) func readsWhatFoundationWrites(seed: UInt64) throws {
        var generator = SeededRandom(seed: seed)
        for _ in 0..<50 {
            let (any, expected) = RandomJSON.value(&generator)
            let data = try JSONSerialization.data(withJSONObject: any, options: [.fragmentsAllowed])
            let read = try JSONReader.parse(Array(data))
            #expect(RandomJSON.same(read, expected), "seed \(seed): \(String(decoding: data, as: UTF8.self))")
        }
    }

    /// Documents broken at random (a byte replaced, dropped or put in) are accepted exactly when Foundation accepts
    /// them (but for a trailing comma, which only we refuse). Would fail if the reader took a missing comma, a raw
    /// control character, a bad escape or trailing text.
    @Test(arguments: 1...20) func acceptsWhatFoundationAccepts(seed: UInt64) throws {
        var generator = SeededRandom(seed: seed)
        let significant = Array(#"{}[]":,\/"0123456789.eE+-tfnlu "#.utf8) + [0x01, 0x0A, 0xC3, 0xFF]
        var rejected = 0
        for _ in 0..<200 {
            let (any, _) = RandomJSON.value(&generator)
            var bytes = Array(try JSONSerialization.data(withJSONObject: any, options: [.fragmentsAllowed]))
            for _ in 0..<Int.random(in: 1...2, using: &generator) {
                let at = Int.random(in: 0...bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0 where at < bytes.count: bytes[at] = significant.randomElement(using: &generator)!
                case 1 where at < bytes.count: bytes.remove(at: at)
                default: bytes.insert(significant.randomElement(using: &generator)!, at: at)
                }
            }
            let foundation = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            let ours = try? JSONReader.parse(bytes)
            if RandomJSON.hasTrailingComma(bytes) {
                // Refused by RFC 8259 and by us; this toolchain's JSONSerialization takes `[1,]`.
                #expect(ours == nil, "seed \(seed): \(String(decoding: bytes, as: UTF8.self))")
                rejected += 1
                continue
            }
            #expect((foundation == nil) == (ours == nil), "seed \(seed): \(String(decoding: bytes, as: UTF8.self)) \(bytes)")
            if foundation == nil { rejected += 1 }
        }
        #expect(rejected > 20, "the mutations break documents")
    }

    @Test func refusesWhatIsNotJSON() {
        let nested = String(repeating: "[", count: JSONReader.depthMax + 1) + String(repeating: "]", count: JSONReader.depthMax + 1)
        for text in ["", " ", "{", "{\"a\":1,}", "[1,]", "01", "1.", "-", "\"\\x\"", "\"\\ud800\"", "\"\\udc00\"", "tru", "nul",
                     "{\"a\" 1}", "[1 2]", "\"a\u{1}\"", "1 2", nested] {
            #expect(throws: JSONReader.Malformed.self, "\(text)") { try JSONReader.parse(Array(text.utf8)) }
        }
        #expect(throws: JSONReader.Malformed.self) { try JSONReader.parse([0x22, 0xFF, 0x22]) }
        // Beyond a Double's range, with or without an exponent, as Foundation has it.
        for text in ["1e999", "-2E+400", String(repeating: "9", count: 400)] {
            #expect(throws: JSONReader.Malformed.self, "\(text)") { try JSONReader.parse(Array(text.utf8)) }
            #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) == nil)
        }
        #expect((try? JSONReader.parse(Array(("0." + String(repeating: "1", count: 400)).utf8))) != nil)
        let deepest = String(repeating: "[", count: JSONReader.depthMax) + String(repeating: "]", count: JSONReader.depthMax)
        #expect((try? JSONReader.parse(Array(deepest.utf8))) != nil)
    }

    @Test func readsEscapesAndNumbers() throws {
        #expect(try JSONReader.parse(Array(#" "a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00" "#.utf8)) == .string("a\"\\/\u{8}\u{C}\n\r\té😀"))
        #expect(try JSONReader.parse(Array("[-0, 1.5e-3, 2E+2, 10]".utf8))
                == .array([.number("-0"), .number("1.5e-3"), .number("2E+2"), .number("10")]))
    }
}
