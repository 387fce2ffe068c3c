import Foundation
import Testing
import TerminAPI
import TerminCore
import TerminEngine
import TerminHTTP
import TerminTestSupport

/// Per-identity caps: live bookings per citizen, the cancellation cool-down, one open round request per service;
/// the citizen named by the portal's pseudonym or the normalised contact e-mail, stored only as a keyed hash.
@Suite struct IdentityCapsTests {
    static let office = TestServer.orleansplatz
    static let service = TestServer.personalausweis

    /// Caps of two live bookings and a 5-minute cool-down (shorter than a hold lasts).
    static var capped: BookingEngine.Configuration {
        var configuration = BookingEngine.Configuration()
        configuration.identityLimits = IdentityLimits(liveBookingsMax: 2, cancelCooldownSeconds: 300)
        return configuration
    }

    static func booking(_ start: String, email: String?, service: Int = service) -> String {
        let contact = email.map { #","contact":{"email":"\#($0)"}"# } ?? ""
        return #"{"office":\#(office),"start":"\#(start)","services":[{"id":\#(service)}]\#(contact)}"#
    }

    /// Free Personalausweis starts at Orleansplatz on the full hour, from Tuesday on: no two overlap, so any of them
    /// can be booked whatever else of them is.
    static func freeStarts(_ client: TestHTTPClient) throws -> [String] {
        let answer = try client.send("GET", "/v1/availability?office=\(office)&service=\(service)&from=2026-12-01&to=2026-12-11")
        let offices = try #require(answer.json["offices"] as? [[String: Any]])
        let days = try #require(offices.first?["days"] as? [[String: Any]])
        return days.flatMap { ($0["starts"] as? [String]) ?? [] }.filter { $0.dropFirst(13).hasPrefix(":00:00") }
    }

    @Test func aCitizenHoldsAtMostTheCappedNumberOfLiveBookings() throws {
        let app = try TestServer(engine: Self.capped)
        let client = try app.client()
        let starts = try Self.freeStarts(client)
        // Sub-addresses and case are one mailbox.
        #expect(try client.send("POST", "/v1/bookings", body: Self.booking(starts[0], email: "Anna+work@Example.org")).status == 201)
        #expect(try client.send("POST", "/v1/bookings", body: Self.booking(starts[1], email: "anna@example.org")).status == 201)
        let third = try client.send("POST", "/v1/bookings", body: Self.booking(starts[2], email: " ANNA@example.org"))
        #expect(third.status == 409)
        #expect(third.json["type"] as? String == "urn:termin:problem:booking-limit")
        #expect(third.json["field"] as? String == "contact.email")
        // The refused booking's time is free again, for someone else.
        #expect(try client.send("POST", "/v1/bookings", body: Self.booking(starts[2], email: "bernd@example.org")).status == 201)
        // Online bookings name their citizen; clerks booking at the counter are not capped.
        let anonymous = try client.send("POST", "/v1/bookings", body: Self.booking(starts[3], email: nil))
        #expect(anonymous.status == 422 && anonymous.json["field"] as? String == "contact.email")
        let clerk = try app.staffToken(.clerk)
        let staffBooking = #"{"office":\#(Self.office),"start":"\#(starts[3])","channel":"staff","services":[{"id":\#(Self.service)}]}"#
        #expect(try client.send("POST", "/v1/bookings", headers: ["Authorization": "Bearer \(clerk)"], body: staffBooking).status == 201)
        // Only hashes are stored: the address is in the contact column, never in the identity.
        let hashes = try app.scalar("SELECT count(DISTINCT identity_hash) FROM appointment WHERE identity_hash IS NOT NULL")
        #expect(hashes == "2")
        let leaked = try app.scalar("SELECT count(*) FROM appointment WHERE position(convert_to('anna', 'UTF8') IN identity_hash) > 0")
        #expect(leaked == "0")
    }

    @Test func aCancellationCoolsDownThatServiceOnly() throws {
        let app = try TestServer(engine: Self.capped)
        let client = try app.client()
        let starts = try Self.freeStarts(client)
        let first = try client.send("POST", "/v1/bookings", body: Self.booking(starts[0], email: "carla@example.org"))
        let id = try #require(first.json["id"] as? String), code = try #require(first.json["code"] as? String)
        #expect(try client.send("DELETE", "/v1/bookings/\(id)", headers: ["Authorization": "Booking \(code)"]).status == 200)
        // The same service: 429 until 5 minutes after the cancellation, with the seconds left.
        let again = try client.send("POST", "/v1/bookings", body: Self.booking(starts[1], email: "carla@example.org"))
        #expect(again.status == 429)
        #expect(again.json["type"] as? String == "urn:termin:problem:cancel-cool-down")
        #expect(again.json["field"] as? String == "services[0]")
        #expect(again.header("Retry-After") == "300")
        // Another service is not cooling down.
        #expect(try client.send("POST", "/v1/bookings", body: Self.booking(
            starts[1], email: "carla@example.org", service: TestServer.reisepass)).status == 201)
        // Confirming a hold is checked too, and a refused confirmation leaves the hold as it was.
        let hold = try client.send("POST", "/v1/holds", body: TestServer.holdBody(start: starts[2]))
        let holdID = try #require(hold.json["id"] as? String)
        let nameless = try client.send("POST", "/v1/bookings", body: #"{"hold":"\#(holdID)"}"#)
        #expect(nameless.status == 422 && nameless.json["field"] as? String == "contact.email")
        let confirm = #"{"hold":"\#(holdID)","contact":{"email":"carla@example.org"}}"#
        let cooling = try client.send("POST", "/v1/bookings", body: confirm)
        #expect(cooling.status == 429 && cooling.json["field"] as? String == "hold", "\(cooling.text)")
        #expect(try app.scalar("SELECT status FROM appointment WHERE id = $1", [holdID]) == "held")
        app.clock.advance(seconds: 300)
        #expect(try client.send("POST", "/v1/bookings", body: confirm).status == 201)
    }

    /// A booking the office cancels (a clerk, say for staff who fell ill) starts no cool-down: its citizen books that
    /// service again at once.
    @Test func aCancellationByStaffStartsNoCoolDown() throws {
        let app = try TestServer(engine: Self.capped)
        let client = try app.client()
        let starts = try Self.freeStarts(client)
        let booked = try client.send("POST", "/v1/bookings", body: Self.booking(starts[0], email: "dora@example.org"))
        let id = try #require(booked.json["id"] as? String)
        let clerk = try app.staffToken(.clerk)
        #expect(try client.send("DELETE", "/v1/bookings/\(id)", headers: ["Authorization": "Bearer \(clerk)"]).status == 200)
        #expect(try client.send("POST", "/v1/bookings", body: Self.booking(starts[1], email: "dora@example.org")).status == 201)
    }

    @Test func concurrentBookingsOfOneCitizenOnTwoInstancesNeverPassTheCap() throws {
        let app = try TestServer(engine: Self.capped)
        let other = try TestServer(conninfo: app.conninfo, engine: Self.capped)
        let starts = Array(try Self.freeStarts(try app.client()).prefix(40))
        #expect(starts.count == 40)
        let ports = [app.server.port, other.server.port]
        // 40 distinct times at once, half through each instance, all for one citizen.
        let statuses = try TestThreads.run(count: starts.count) { index in
            try TestHTTPClient(port: ports[index % 2]).send("POST", "/v1/bookings", body: Self.booking(
                starts[index], email: "dora@example.org")).status
        }
        #expect(statuses.filter { $0 == 201 }.count == 2)
        #expect(statuses.filter { $0 == 409 }.count == 38)
        #expect(try app.scalar("SELECT count(*) FROM appointment WHERE status = 'confirmed'") == "2")
        // Every refused time went back to the ledgers: other citizens book the 38 of them.
        let booked = Set(try app.pool.withConnection { db in
            try db.query("SELECT extract(epoch FROM lower(span))::bigint FROM appointment").rows.map { Int64($0[0]!)! }
        })
        var rebooked = 0
        for (index, start) in starts.enumerated() where !booked.contains(BerlinTime.parse(start)!.secondsSinceEpoch) {
            let status = try TestHTTPClient(port: ports[index % 2]).send("POST", "/v1/bookings", body: Self.booking(
                start, email: "citizen-\(index)@example.org")).status
            if status == 201 { rebooked += 1 }
        }
        #expect(rebooked == 38)
    }

    @Test func aPseudonymCountsOnlyFromTheTrustedPortal() throws {
        let trusted = Protection(trustedProxies: [ClientAddress(text: "127.0.0.1")!])
        let app = try TestServer(protection: trusted, engine: Self.capped)
        let client = try app.client()
        let starts = try Self.freeStarts(client)
        let header = ["Citizen-Pseudonym": "bayernid:4711"]
        // The pseudonym wins over the e-mail: different addresses, one citizen.
        for (index, email) in ["e1@example.org", "e2@example.org"].enumerated() {
            #expect(try client.send("POST", "/v1/bookings", headers: header, body: Self.booking(starts[index], email: email)).status == 201)
        }
        let third = try client.send("POST", "/v1/bookings", headers: header, body: Self.booking(starts[2], email: "e3@example.org"))
        #expect(third.status == 409 && third.json["field"] as? String == "Citizen-Pseudonym")
        #expect(try client.send("POST", "/v1/bookings", headers: ["Citizen-Pseudonym": ""],
                                body: Self.booking(starts[2], email: "e3@example.org")).status == 400)

        // Anyone else sending one is refused, not believed.
        let untrusting = try TestServer(conninfo: try TestDatabase.create(), engine: Self.capped)
        let refused = try untrusting.client().send("POST", "/v1/bookings", headers: header,
                                                    body: Self.booking(starts[0], email: "e1@example.org"))
        #expect(refused.status == 403 && refused.json["field"] as? String == "Citizen-Pseudonym")
    }

    @Test func aCitizenHasOneOpenRoundRequestPerService() throws {
        let app = try TestServer(engine: Self.capped)
        let client = try app.client()
        let lead = try app.staffToken(.lead, name: "Lead")
        #expect(try client.send("POST", "/v1/rounds", headers: RoundTests.bearer(lead), body: RoundTests.roundBody()).status == 201)
        func request(_ email: String) throws -> TestHTTPClient.Response {
            try client.send("POST", "/v1/requests", body: #"""
                {"services":[{"id":\#(Self.service)}],"offices":[\#(Self.office)],"contact":{"email":"\#(email)"},
                 "windows":[{"from":"\#(RoundTests.roundDay)T08:00:00+01:00","to":"\#(RoundTests.roundDay)T12:00:00+01:00"}]}
                """#)
        }
        #expect(try request("erik@example.org").status == 202)
        let second = try request("Erik+again@example.org")
        #expect(second.status == 409)
        #expect(second.json["type"] as? String == "urn:termin:problem:request-open")
        #expect(second.json["field"] as? String == "services[0]")
        #expect(try app.scalar("SELECT count(*) FROM round_request") == "1", "the refused request left no row")
        #expect(try request("frida@example.org").status == 202)
        // The close settles both: their claims go, their bookings count against their caps.
        app.clock.advance(seconds: 3 * 3600)
        #expect(try app.assembly.rounds.closeDue().count == 1)
        #expect(try app.scalar("SELECT count(*) FROM open_request_claim") == "0")
        #expect(try app.scalar("SELECT count(*) FROM appointment WHERE identity_hash IS NOT NULL AND status = 'confirmed'") == "2")
    }

    /// A seat from a session's waiting list is an online booking of the entry's citizen, within their caps: one at the
    /// cap is taken off the list, and the seat goes to the next waiting in the same pass.
    @Test func aSeatFromTheWaitingListIsWithinTheCaps() throws {
        let app = try TestServer(engine: Self.capped)
        let client = try app.client()
        let starts = try Self.freeStarts(client)
        for start in starts.prefix(2) {
            #expect(try client.send("POST", "/v1/bookings", body: Self.booking(start, email: "anna@example.org")).status == 201)
        }
        let session = try #require(try GroupSessionTests.sessions(client).first?["id"] as? Int)
        var seats: [TestHTTPClient.Response] = []
        for index in 0..<8 { seats.append(try client.send("POST", "/v1/sessions/\(session)/seats", body: GroupSessionTests.seatBody("s\(index)@example.org"))) }
        try #require(seats.allSatisfy { $0.status == 201 })
        let anna = try client.send("POST", "/v1/sessions/\(session)/waitlist", body: GroupSessionTests.seatBody("anna@example.org"))
        let bernd = try client.send("POST", "/v1/sessions/\(session)/waitlist", body: GroupSessionTests.seatBody("bernd@example.org"))
        try #require(anna.status == 201 && bernd.status == 201, "\(anna.text) \(bernd.text)")
        #expect(try client.send("DELETE", "/v1/bookings/\(seats[0].json["id"] as! String)",
                                headers: ["Authorization": "Booking \(seats[0].json["code"] as! String)"]).status == 200)
        _ = try app.engine.offerFreedTime(everywhere: false)   // one pass: the seat passes to the next at once
        func state(_ joined: TestHTTPClient.Response) throws -> String? {
            try client.send("GET", "/v1/sessions/\(session)/waitlist/\(joined.json["id"] as! String)",
                            headers: ["Authorization": "Booking \(joined.json["code"] as! String)"]).json["state"] as? String
        }
        #expect(try state(anna) == "left" && state(bernd) == "seated")
        #expect(try app.scalar("SELECT count(*) FROM appointment WHERE contact_email = 'anna@example.org' AND status = 'confirmed'") == "2")
        #expect(try app.scalar("""
            SELECT count(*) FROM appointment WHERE contact_email = 'bernd@example.org' AND identity_hash IS NOT NULL
            """) == "1")
    }

    /// A portal that lost the answer to a hold's confirmation sends it again with its Idempotency-Key: it hears the
    /// booking it made, whose own count is no reason to refuse it; a different request under the key is still refused.
    @Test func aConfirmationSentAgainWithItsKeyIsAnsweredAtTheCap() throws {
        let app = try TestServer(engine: Self.capped)
        let client = try app.client()
        let starts = try Self.freeStarts(client)
        #expect(try client.send("POST", "/v1/bookings", body: Self.booking(starts[0], email: "anna@example.org")).status == 201)
        let hold = try client.send("POST", "/v1/holds", body: #"{"office":\#(Self.office),"start":"\#(starts[1])","services":[{"id":\#(Self.service)}]}"#)
        let holdID = try #require(hold.json["id"] as? String, "\(hold.text)")
        let confirm = #"{"hold":"\#(holdID)","contact":{"email":"anna@example.org"}}"#
        let first = try client.send("POST", "/v1/bookings", headers: ["Idempotency-Key": "k1"], body: confirm)
        #expect(first.status == 201, "\(first.text)")
        let again = try client.send("POST", "/v1/bookings", headers: ["Idempotency-Key": "k1"], body: confirm)
        #expect(again.status == 201 && again.json["id"] as? String == holdID && again.json["code"] as? String == first.json["code"] as? String,
                "\(again.status) \(again.text)")
        let other = try client.send("POST", "/v1/bookings", headers: ["Idempotency-Key": "k1"],
                                    body: #"{"hold":"\#(holdID)","contact":{"email":"bernd@example.org"}}"#)
        #expect(other.status == 422 && other.json["field"] as? String == "Idempotency-Key", "\(other.status) \(other.text)")
        #expect(try app.scalar("SELECT count(*) FROM appointment WHERE status = 'confirmed'") == "2")
    }

    /// Capped, a hold's confirmation reads the hold as it checks the caps: a hold id that is no UUID names no hold (422;
    /// it was a 503 that made the writer write its whole batch plan by plan).
    @Test func aHoldIdThatIsNoUUIDIsUnknownWithCapsOn() throws {
        let app = try TestServer(engine: Self.capped)
        let client = try app.client()
        let confirmed = try client.send("POST", "/v1/bookings", body: #"{"hold":"x","contact":{"email":"a@example.org"}}"#)
        #expect(confirmed.status == 422 && confirmed.json["field"] as? String == "hold", "\(confirmed.status) \(confirmed.text)")
    }
}
