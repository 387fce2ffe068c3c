import Foundation
import Testing
import TerminCore
import TerminHTTP
import TerminJSON
@testable import TerminAPI

/// The JSON read and written by hand on the hot paths (`JSONFields`, `BookingJSON.json`, `ProblemDetails.encoded`)
/// against Foundation: the same values read, the same bytes written. `JSONReader` itself is tested in TerminJSONTests.
@Suite struct HandWrittenJSONTests {
    static let alphabet: [String] = ["a", "Z", "ü", "€", "😀", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{1F}", " ", "é", "\u{8}", "\u{C}"]

    static func randomString(_ generator: inout SeededRandom) -> String {
        String((0..<Int.random(in: 0...6, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined())
    }

    /// `JSONFields` reads an integer as `JSONDecoder` does: `2.0e0` is 2, a fraction or an overflow is refused.
    @Test func readsIntegers() throws {
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

    /// `JSONEncoder` with the answers' options, the reference the hand-written bytes are held to.
    static var foundation: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The 201 written directly is byte for byte what `JSONEncoder` (and so `JSONBody.encoder`) writes, whatever the
    /// contact holds.
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
                #expect(answer.json == Array(try Self.foundation.encode(answer)), "\(String(decoding: answer.json, as: UTF8.self))")
                #expect(answer.json == (try JSONBody.encoder.encode(answer)))
            }
        }
    }

    /// Problems written directly are byte for byte what `JSONEncoder` (sorted keys, unescaped slashes) writes.
    @Test func aProblemIsWhatFoundationWrites() throws {
        let encoder = Self.foundation
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
