import Foundation
import Testing
import TerminCore
import TerminHTTP
@testable import TerminAPI

/// The JSON read and written by hand on the hot paths (`JSONReader`, `BookingJSON.json`, `ProblemDetails.encoded`)
/// against Foundation: the same documents accepted with the same values, the same bytes written.
@Suite struct HandWrittenJSONTests {
    static let alphabet: [String] = ["a", "Z", "ü", "€", "😀", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{1F}", " ", "é", "\u{8}", "\u{C}"]

    static func randomString(_ generator: inout SeededRandom) -> String {
        String((0..<Int.random(in: 0...6, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined())
    }

    /// A random value as Foundation's `JSONSerialization` takes it, and as `JSONReader` should give it back.
    static func randomValue(_ generator: inout SeededRandom, depth: Int = 0) -> (Any, JSONValue) {
        switch Int.random(in: 0..<(depth >= 3 ? 4 : 6), using: &generator) {
        case 0: return (NSNull(), .null)
        case 1: let flag = Bool.random(using: &generator); return (flag, .bool(flag))
        case 2: let number = Int.random(in: -1_000_000...1_000_000, using: &generator); return (number, .number(String(number)))
        case 3: let text = randomString(&generator); return (text, .string(text))
        case 4:
            let elements = (0..<Int.random(in: 0...4, using: &generator)).map { _ in randomValue(&generator, depth: depth + 1) }
            return (elements.map(\.0), .array(elements.map(\.1)))
        default:
            var foundation: [String: Any] = [:], members: [JSONValue.Member] = []
            for index in 0..<Int.random(in: 0...4, using: &generator) {
                let key = "k\(index)" + randomString(&generator)
                let (any, value) = randomValue(&generator, depth: depth + 1)
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

    @Test(arguments: 1...20) func readsWhatFoundationWrites(seed: UInt64) throws {
        var generator = SeededRandom(seed: seed)
        for _ in 0..<50 {
            let (any, expected) = Self.randomValue(&generator)
            let data = try JSONSerialization.data(withJSONObject: any, options: [.fragmentsAllowed])
            let read = try JSONReader.parse(Array(data))
            #expect(Self.same(read, expected), "seed \(seed): \(String(decoding: data, as: UTF8.self))")
        }
    }

    /// Documents broken at random (a byte replaced, dropped or put in) are accepted exactly when Foundation accepts
    /// them, and then read as Foundation reads them. Would fail if the reader took a missing comma, a raw control
    /// character, a bad escape or trailing text.
    @Test(arguments: 1...20) func acceptsWhatFoundationAccepts(seed: UInt64) throws {
        var generator = SeededRandom(seed: seed)
        let significant = Array(#"{}[]":,\/"0123456789.eE+-tfnlu "#.utf8) + [0x01, 0x0A, 0xC3, 0xFF]
        var rejected = 0
        for _ in 0..<200 {
            let (any, _) = Self.randomValue(&generator)
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
        #expect(try JSONFields.int(.number("2.0e0"), at: "x") == 2)
        #expect(throws: APIFailure.self) { try JSONFields.int(.number("1.5"), at: "x") }
        #expect(throws: APIFailure.self) { try JSONFields.int(.number("1e30"), at: "x") }
    }

    @Test func aBookingBodyReadsAsFoundationDecodedIt() throws {
        let body = #"{"office":102522,"start":"2026-12-01T08:00:00+01:00","services":[{"id":1063441,"quantity":2},{"id":7}],"#
            + #""channel":"online","needs":["wheelchair"],"contact":{"name":"A \"B\"","email":null},"unknown":[1,{}]}"#
        let read = try BookingRequestJSON(JSONFields(JSONReader.parse(Array(body.utf8)), path: ""))
        #expect(read.office == 102522 && read.start == "2026-12-01T08:00:00+01:00" && read.hold == nil)
        #expect(read.services == [ServiceQuantityJSON(id: 1063441, quantity: 2), ServiceQuantityJSON(id: 7, quantity: nil)])
        #expect(read.channel == "online" && read.needs == ["wheelchair"])
        #expect(read.contact?.name == "A \"B\"" && read.contact?.email == nil)
    }

    /// The 201 written directly is byte for byte what `JSONBody.encoder` writes, whatever the contact holds.
    @Test func aBookingAnswerIsWhatFoundationWrites() throws {
        let start = Instant(secondsSinceEpoch: 1_796_108_400)
        let run = SlotRun(officeID: 102522, deskID: 3, date: LocalDate(year: 2026, month: 12, day: 1)!, startUnit: 0, units: 3)
        var generator = SeededRandom(seed: 7)
        let contacts: [Appointment.Contact?] = [nil, .init(name: nil, email: nil), .init(name: "Ana", email: nil),
                                                .init(name: nil, email: "a@b.de")]
            + (0..<30).map { _ in .init(name: Self.randomString(&generator), email: Self.randomString(&generator) + "/x@y.de") }
        for (index, contact) in contacts.enumerated() {
            let record = Appointment(id: "0b6f1c2e-\(index)", run: run, channel: .online, status: .confirmed, start: start,
                                     end: start.adding(seconds: 900),
                                     services: [ServiceRequest(serviceID: 1063441, quantity: 1), ServiceRequest(serviceID: -5, quantity: 12)],
                                     expiresAt: nil, contact: contact)
            for code in [nil, "K7-\\\"x"] {
                let answer = BookingJSON(record, code: code)
                #expect(answer.json == Array(try JSONBody.encoder.encode(answer)), "\(String(decoding: answer.json, as: UTF8.self))")
            }
        }
    }

    /// Problems written directly are byte for byte what `JSONEncoder` (sorted keys, unescaped slashes) writes.
    @Test func aProblemIsWhatFoundationWrites() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var generator = SeededRandom(seed: 11)
        for index in 0..<40 {
            let problem = ProblemDetails(type: "https://termin.example/problems/" + Self.randomString(&generator),
                                         title: Self.randomString(&generator), status: 400 + index,
                                         detail: Self.randomString(&generator) + "/" + Self.randomString(&generator),
                                         field: index % 3 == 0 ? nil : "services[\(index)]." + Self.randomString(&generator))
            #expect(problem.encoded() == Array(try encoder.encode(problem)), "\(String(decoding: problem.encoded(), as: UTF8.self))")
        }
    }

    @Test func problemSlugsAndTitlesComeFromTheCodes() {
        #expect(APIFailure.slug("slotTaken") == "slot-taken" && APIFailure.title("slot-taken") == "Slot taken")
        #expect(APIFailure.slug("outsideOpeningHours") == "outside-opening-hours")
        #expect(APIFailure.title("outside-opening-hours") == "Outside opening hours")
        #expect(APIFailure.slug("") == "" && APIFailure.title("") == "")
    }
}
