import Foundation
import Testing
import TerminCore
import TerminJSON
import TerminStore
import TerminTestSupport
@testable import TerminAPI

/// The API's own body and answer types through `JSONValueDecoder` and `JSONValueEncoder`, held to Foundation's
/// `JSONDecoder` and `JSONEncoder`: the same values or the same error (case and coding path, so the same problem and
/// field), the same bytes.
@Suite struct CodableBodyTests {
    static let service = #"{"id":1063441,"quantity":2}"#
    static let window = #"{"from":"2026-12-01T08:00:00+01:00","to":"2026-12-01T12:00:00+01:00"}"#

    /// Each body type with documents right and wrong in every way a client gets them wrong.
    static let holds = [
        #"{"office":102522,"start":"2026-12-01T08:00:00+01:00","services":[\#(service)],"channel":"online","needs":["wheelchair"]}"#,
        #"{"office":102522,"start":"2026-12-01T08:00:00+01:00","services":[{"id":1}]}"#,
        #"{"start":"x","services":[]}"#, #"{"office":"102522","start":"x","services":[]}"#, #"{"office":1.0,"start":"x","services":[]}"#,
        #"{"office":1.5,"start":"x","services":[]}"#, #"{"office":1,"start":null,"services":[]}"#, #"{"office":1,"start":"x"}"#,
        #"{"office":1,"start":"x","services":[{"quantity":2}]}"#, #"{"office":1,"start":"x","services":[{"id":1,"quantity":"2"}]}"#,
        #"{"office":1,"start":"x","services":[{"id":1},null]}"#, #"{"office":1,"start":"x","services":{}}"#,
        #"{"office":1,"start":"x","services":[],"needs":[1]}"#, #"{"office":1,"start":"x","services":[],"channel":7}"#,
        #"[]"#, #"null"#, #"{"office":1"#, #"{"office":1e400}"#,
    ]
    static let tickets = [#"{"services":[\#(service)]}"#, #"{"services":[]}"#, #"{}"#, #"{"services":[{"id":null}]}"#, #"{"services":"x"}"#]
    static let checkIns = [#"{"booking":"b","code":"c"}"#, #"{"booking":"b"}"#, #"{"code":"c"}"#, #"{"booking":1}"#, #"{"booking":"b","code":false}"#]
    static let redirects = [#"{"desk":3}"#, #"{"office":102522}"#, #"{}"#, #"{"desk":"3"}"#, #"{"desk":3.5}"#, #"{"desk":null,"office":null}"#]
    static let requests = [
        #"{"services":[\#(service)],"offices":[102522],"windows":[\#(window)],"contact":{"name":"A","email":"a@b.de"}}"#,
        #"{"services":[\#(service)],"near":{"lat":48.137,"lon":11.575,"km":5},"windows":[\#(window)],"needs":["wheelchair"]}"#,
        #"{"services":[\#(service)],"near":{"lat":"48","lon":11,"km":5},"windows":[\#(window)]}"#,
        #"{"services":[\#(service)],"near":{"lat":48,"km":5},"windows":[\#(window)]}"#,
        #"{"services":[\#(service)],"windows":[{"from":"x"}]}"#, #"{"services":[\#(service)],"windows":[\#(window),{"to":1,"from":"x"}]}"#,
        #"{"services":[\#(service)],"windows":[]," offices":[1]}"#, #"{"services":[\#(service)],"windows":[],"contact":{"name":1}}"#,
        #"{"services":[\#(service)],"windows":[],"contact":null}"#, #"{"windows":[]}"#,
    ]
    static let rounds = [
        #"{"name":"R","offices":[1],"services":[2],"first_date":"2026-12-01","last_date":"2026-12-02","opens_at":"a","closes_at":"b"}"#,
        #"{"name":"R","offices":[1],"services":[2],"first_date":"2026-12-01","last_date":"2026-12-02","opens_at":"a"}"#,
        #"{"name":"R","offices":[1,"2"],"services":[2],"first_date":"2026-12-01","last_date":"2026-12-02","opens_at":"a","closes_at":"b"}"#,
        #"{"name":["R"],"offices":[],"services":[],"first_date":"","last_date":"","opens_at":"","closes_at":""}"#,
    ]

    static func same<T: Decodable>(_ type: T.Type, _ documents: [String]) {
        for document in documents {
            let (ours, foundation) = DecodingOutcome.both(type, Array(document.utf8))
            #expect(ours.agrees(with: foundation), "\(T.self): \(document)")
        }
    }

    @Test func bodiesDecodeAsWithFoundation() {
        Self.same(HoldRequestJSON.self, Self.holds)
        Self.same(TicketRequestJSON.self, Self.tickets)
        Self.same(CheckInRequestJSON.self, Self.checkIns)
        Self.same(RedirectRequestJSON.self, Self.redirects)
        Self.same(FlexibleRequestJSON.self, Self.requests)
        Self.same(TerminAPI.RoundDefinitionJSON.self, Self.rounds)
    }

    static var foundation: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func sameBytes<T: Encodable>(_ value: T) throws {
        let ours = try JSONBody.encoder.encode(value)
        #expect(ours == Array(try foundation.encode(value)), "\(String(decoding: ours, as: UTF8.self))")
    }

    /// Every service and office of Munich's catalogue (names with umlauts and slashes, coordinates as `Double`s).
    @Test func catalogueAnswersEncodeAsWithFoundation() throws {
        let munich = try MunichCatalog.load()
        let catalog = munich.catalog
        for service in munich.services { try Self.sameBytes(ServiceJSON(service)) }
        for office in munich.offices {
            try Self.sameBytes(OfficeJSON(office, offers: Array((catalog.offers[office.id] ?? [:]).values)))
        }
    }

    @Test func counterAndRoundAnswersEncodeAsWithFoundation() throws {
        let date = LocalDate(year: 2026, month: 12, day: 1)!
        let at = Instant(secondsSinceEpoch: 1_796_108_400)
        let tickets = [
            QueueTicket(id: "t-1", officeID: 102522, date: date, kind: .walkIn, number: 7, services: [ServiceRequest(serviceID: 1, quantity: 2)],
                        appointmentID: nil, appointmentStart: nil, state: .waiting, deskNumber: nil, targetDesk: nil, calls: 0,
                        arrivedAt: at, calledAt: nil, servingAt: nil, finishedAt: nil, estimatedWaitMinutes: nil, redirectedTo: nil),
            QueueTicket(id: "t-2", officeID: 102522, date: date, kind: .appointment, number: 999, services: [],
                        appointmentID: "a/1", appointmentStart: at, state: .called, deskNumber: 3, targetDesk: 4, calls: 2,
                        arrivedAt: at, calledAt: at.adding(seconds: 60), servingAt: nil, finishedAt: nil, estimatedWaitMinutes: 12,
                        redirectedTo: "\"x\"\\"),
        ]
        for ticket in tickets {
            try Self.sameBytes(TicketJSON(ticket))
            try Self.sameBytes(TicketJSON(ticket, waitingAhead: 0))
        }
        try Self.sameBytes(TicketListJSON(office: 102522, tickets: tickets.map { TicketJSON($0) }))
        try Self.sameBytes(TicketListJSON(office: 1, tickets: []))
        try Self.sameBytes(AuditJSON(office: 1, date: "2026-12-01", entries: []))
        let round = ReleaseRound(id: 3, name: "Dezember / Pässe", officeIDs: [102522, 1], serviceIDs: [2, 1], firstDate: date,
                                 lastDate: date, opensAt: at, closesAt: at.adding(seconds: 3600), commitment: [1, 2, 255], closedAt: nil)
        let roundJSON = RoundJSON(round, now: at)
        try Self.sameBytes(roundJSON)
        try Self.sameBytes(["rounds": [roundJSON, roundJSON]])
        try Self.sameBytes(["rounds": [RoundJSON]()])
        try Self.sameBytes(CollectedJSON(id: "r", code: "c", round: roundJSON))
        try Self.sameBytes(RequestStateJSON(id: "r", state: "unserved", round: roundJSON, lottery_rank: 4, carried_to: nil, booking: nil))
    }

    /// The served OpenAPI document holds every path and schema of its texts; every problem status of every operation
    /// is a named response listing its problem types, and the statuses every route may answer are there (400 and 503
    /// everywhere, 429 where budgets apply, 413 and 415 with a body). Written again, it is the same bytes.
    @Test func theOpenAPIDocumentMergesItsTextsAndNamesEveryProblem() throws {
        func object(_ text: String) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        }
        let served = try object(String(decoding: OpenAPIDocument.bytes, as: UTF8.self))
        let paths = try #require(served["paths"] as? [String: [String: Any]])
        let components = try #require(served["components"] as? [String: Any])
        let schemas = try #require(components["schemas"] as? [String: Any])
        let responses = try #require(components["responses"] as? [String: [String: Any]])
        let main = try object(OpenAPIDocument.text)
        var textPaths = Set((main["paths"] as? [String: Any] ?? [:]).keys)
        var textSchemas = Set(((main["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]).keys)
        for text in OpenAPIDocument.parts {
            let part = try object(text)
            textPaths.formUnion((part["paths"] as? [String: Any] ?? [:]).keys)
            textSchemas.formUnion((part["schemas"] as? [String: Any] ?? [:]).keys)
        }
        #expect(Set(paths.keys) == textPaths)
        #expect(Set(schemas.keys) == textSchemas)
        for (path, item) in paths {
            for (method, value) in item where method != "parameters" {
                let operation = try #require(value as? [String: Any])
                let statuses = try #require(operation["responses"] as? [String: Any])
                var required = [400, 503] + (OpenAPIDocument.unlimitedPaths.contains(path) ? [] : [429])
                if operation["requestBody"] != nil { required += [413, 415] }
                for status in required { #expect(statuses[String(status)] != nil, "\(method) \(path) lists \(status)") }
                for (status, response) in statuses where Int(status)! >= 400 {
                    let reference = try #require((response as? [String: Any])?["$ref"] as? String)
                    let name = try #require(reference.split(separator: "/").last.map(String.init))
                    #expect(OpenAPIDocument.problemStatuses.first { $0.name == name }?.status == Int(status), "\(path) \(status)")
                    #expect((responses[name]?["description"] as? String)?.contains("Types: ") == true)
                }
            }
        }
        #expect(try JSONReader.parse(OpenAPIDocument.bytes).bytes == OpenAPIDocument.bytes)
    }
}
