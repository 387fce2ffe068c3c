import Foundation
import TerminCore
import TerminJSON
import TerminTestSupport
import Testing

/// `JSONValueDecoder` against Foundation's `JSONDecoder`: equal values, or errors of the same case at the same coding
/// path, for tables of documents and for documents broken at random.
@Suite struct JSONValueDecoderTests {
    struct Item: Decodable {
        let id: Int
        let quantity: Int?
    }

    struct Point: Decodable {
        let lat: Double
        let lon: Double
    }

    struct Body: Decodable {
        let office: Int
        let start: String
        let services: [Item]
        let channel: String?
        let needs: [String]?
        let near: Point?
        let urgent: Bool?
        let matrix: [[Int]]?
    }

    static let valid = #"{"office":102522,"start":"2026-12-01T08:00:00+01:00","services":[{"id":1063441,"quantity":2},{"id":7}],"#
        + #""channel":"online","needs":["wheelchair"],"near":{"lat":48.1,"lon":11.5},"urgent":true,"matrix":[[1],[]]}"#

    /// Documents and what is wrong with them; each is decoded by both and must come out the same.
    static let documents: [String] = [
        valid,
        #"{"office":1,"start":"s","services":[]}"#,
        #"{"start":"s","services":[]}"#,                                     // keyNotFound office
        #"{"office":1,"start":"s","services":[{"quantity":1}]}"#,            // keyNotFound services[0].id
        #"{"office":"1","start":"s","services":[]}"#,                        // typeMismatch office
        #"{"office":true,"start":"s","services":[]}"#,
        #"{"office":1,"start":2,"services":[]}"#,
        #"{"office":1,"start":"s","services":{}}"#,                          // an object for an array
        #"{"office":1,"start":"s","services":[1]}"#,                         // a number for an object
        #"{"office":1,"start":"s","services":[{"id":"x"}]}"#,
        #"{"office":1,"start":"s","services":[{"id":1},null]}"#,             // valueNotFound services[1]
        #"{"office":null,"start":"s","services":[]}"#,                       // valueNotFound office
        #"{"office":1,"start":"s","services":null}"#,
        #"{"office":1,"start":"s","services":[],"needs":[null]}"#,
        #"{"office":1,"start":"s","services":[],"needs":null,"channel":null,"near":null}"#,
        #"{"office":1,"start":"s","services":[],"near":{"lat":1}}"#,
        #"{"office":1,"start":"s","services":[],"near":{"lat":"1","lon":2}}"#,
        #"{"office":1,"start":"s","services":[],"near":{"lat":1e-400,"lon":2}}"#,
        #"{"office":1,"start":"s","services":[],"urgent":1}"#,
        #"{"office":1,"start":"s","services":[],"matrix":[[1,"a"]]}"#,
        #"{"office":1.0,"start":"s","services":[]}"#,                        // a whole number with a point
        #"{"office":1e2,"start":"s","services":[]}"#,
        #"{"office":-0,"start":"s","services":[]}"#,
        #"{"office":1.5,"start":"s","services":[]}"#,                        // refused, naming office
        #"{"office":1e30,"start":"s","services":[]}"#,
        #"{"office":9223372036854775808,"start":"s","services":[]}"#,
        #"{"office":-9223372036854775808,"start":"s","services":[]}"#,
        #"{"office":9007199254740993.0,"start":"s","services":[]}"#,
        #"{"office":1.0000000000000000001,"start":"s","services":[]}"#,
        #"{"office":1,"office":"x","start":"s","services":[]}"#,            // the first of a key sent twice
        #"{"office":"x","office":1,"start":"s","services":[]}"#,
        #"{"office":1,"start":"a\/b\u00e9\ud83d\ude00","services":[]}"#,
        #"[]"#, #"null"#, #"1"#, #""x""#,
        #"{"office":1,"start":"s","services":[]"#,                           // not JSON
        #"{"office":1,"start":"s","services":[] "x"}"#,
        "",
    ]

    @Test(arguments: Self.documents) func decodesAsFoundationDoes(document: String) {
        let (ours, foundation) = DecodingOutcome.both(Body.self, Array(document.utf8))
        #expect(ours.agrees(with: foundation), "\(document)")
    }

    /// The one difference: `JSONDecoder` takes a comma before `}` or `]`, which RFC 8259 does not allow and
    /// `JSONReader` refuses (`RandomJSON.hasTrailingComma`).
    @Test(arguments: [#"{"office":1,"start":"s","services":[],}"#, #"{"office":1,"start":"s","services":[{"id":1},]}"#])
    func refusesTrailingCommasThatFoundationTakes(document: String) {
        let (ours, foundation) = DecodingOutcome.both(Body.self, Array(document.utf8))
        #expect(ours == .dataCorrupted(path: ""))
        guard case .value = foundation else { Issue.record("JSONDecoder now refuses \(document): drop this difference"); return }
    }

    /// Numbers as every integer width and as floating point, as Foundation reads them.
    @Test func readsNumbersAsFoundationDoes() {
        let numbers = ["0", "-0", "1", "-1", "127", "128", "-128", "-129", "255", "256", "1.0", "-1.0", "1e2", "1E+2", "100e-2", "0.5e1",
                       "1.5", "1e30", "1e-400", "-0.0", "2147483648", "4294967296", "9223372036854775807", "9223372036854775808",
                       "-9223372036854775808", "18446744073709551615", "18446744073709551616", "9007199254740993.0",
                       "9007199254740993e0", "123456789012345678e1", "9223372036854775807.0", "1.0000000000000000001",
                       "0.1", "2.5e-324", "1.7976931348623157e308", "3.4028235e38", "3.5e38", "1e-50"]
        for number in numbers {
            let bytes = Array("[\(number)]".utf8)
            func same<T: Decodable>(_ type: T.Type) {
                let (ours, foundation) = DecodingOutcome.both(type, bytes)
                #expect(ours.agrees(with: foundation), "\(number) as \(type)")
            }
            same([Int].self); same([Int8].self); same([Int16].self); same([Int32].self); same([Int64].self)
            same([UInt].self); same([UInt8].self); same([UInt16].self); same([UInt32].self); same([UInt64].self)
            same([Double].self); same([Float].self)
        }
    }

    /// Valid documents broken at random come out of both decoders the same (mostly as not JSON, at times as a value
    /// of the wrong kind or a key lost).
    @Test(arguments: 1...10) func brokenDocumentsFailAsInFoundation(seed: UInt64) {
        var generator = SeededRandom(seed: seed)
        let significant = Array(#"{}[]":,\/"0123456789.eE+-tfnlu "#.utf8) + [0x01, 0x0A, 0xC3, 0xFF]
        for _ in 0..<200 {
            var bytes = Array(Self.valid.utf8)
            let at = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<3, using: &generator) {
            case 0: bytes[at] = significant.randomElement(using: &generator)!
            case 1: bytes.remove(at: at)
            default: bytes.insert(significant.randomElement(using: &generator)!, at: at)
            }
            let (ours, foundation) = DecodingOutcome.both(Body.self, bytes)
            if RandomJSON.hasTrailingComma(bytes) {
                #expect(ours == .dataCorrupted(path: ""), "seed \(seed): \(String(decoding: bytes, as: UTF8.self))")
            } else {
                #expect(ours.agrees(with: foundation), "seed \(seed): \(String(decoding: bytes, as: UTF8.self))")
            }
        }
    }
}
