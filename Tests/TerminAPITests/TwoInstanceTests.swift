import Foundation
import Testing
import TerminCore
import TerminTestSupport
@testable import TerminAPI

/// Two engines on one database: the database arbitrates, and each hears of the other's bookings.
@Suite struct TwoInstanceTests {
    /// Starts offered by `app` on Tuesday for a Personalausweis.
    static func starts(_ app: TestServer) throws -> Set<String> {
        let response = try app.client().send("GET", "/v1/availability?office=102522&service=1063441&from=2026-12-01&to=2026-12-01")
        return Set(response.availabilityDays.first?.starts ?? [])
    }

    /// Waits (at most 15 s: the whole suite shares two cores) until `condition` holds: notifications arrive asynchronously.
    static func eventually(_ condition: () throws -> Bool) rethrows -> Bool {
        try Wait.until("a ledger notification to arrive", seconds: 15, condition)
    }

    @Test func eachInstanceSeesTheOthersBookingsAndCancellations() throws {
        let a = try TestServer()
        let b = try TestServer(conninfo: a.conninfo)
        let time = TestServer.tuesday("09:00")
        #expect(try Self.starts(b).contains(time))
        // A fills every desk at 09:00.
        var bookings: [(String, String)] = []
        for _ in 0..<20 {
            let response = try a.client().send("POST", "/v1/bookings", body: TestServer.holdBody(start: time))
            #expect(response.status == 201)
            bookings.append((response.json["id"] as! String, response.json["code"] as! String))
        }
        #expect(try Self.eventually { !(try Self.starts(b).contains(time)) })
        #expect(try b.client().send("POST", "/v1/holds", body: TestServer.holdBody(start: time)).status == 409)
        // B cancels one of A's bookings; both offer the time again.
        let (id, code) = bookings[0]
        #expect(try b.client().send("DELETE", "/v1/bookings/\(id)", headers: ["Authorization": "Booking \(code)"]).status == 200)
        #expect(try Self.starts(b).contains(time))
        #expect(try Self.eventually { try Self.starts(a).contains(time) })
        // And the freed desk can be booked exactly once, from either side.
        #expect(try a.client().send("POST", "/v1/bookings", body: TestServer.holdBody(start: time)).status == 201)
        #expect(try Self.eventually { !(try Self.starts(b).contains(time)) })
    }

    /// A round defined on one instance suspends first come first served on the other at once: it is announced, not
    /// left for the other's next look at the database (which these tests never make: no round loop runs in them).
    @Test func aRoundDefinedOnOneInstanceHoldsOnTheOther() throws {
        let a = try TestServer()
        let b = try TestServer(conninfo: a.conninfo)
        let lead = try a.staffToken(.lead, name: "Lead")
        let created = try a.client().send("POST", "/v1/rounds", headers: RoundTests.bearer(lead), body: RoundTests.roundBody())
        #expect(created.status == 201)
        let day = try #require(LocalDate(iso: RoundTests.roundDay))
        #expect(try Self.eventually { b.engine.rounds.round(covering: RoundTests.office, date: day, serviceIDs: [RoundTests.service]) != nil })
        let direct = try b.client().send("POST", "/v1/holds", body: TestServer.holdBody(start: "\(RoundTests.roundDay)T08:00:00+01:00"))
        #expect(direct.status == 409 && direct.json["type"] as? String == "urn:termin:problem:allocated-by-round")
    }

    /// Clients race for the last desk at one time through both instances at once: one wins in the database.
    @Test func aRaceAcrossInstancesHasOneWinner() throws {
        let a = try TestServer()
        let b = try TestServer(conninfo: a.conninfo)
        let time = TestServer.tuesday("10:30")
        for _ in 0..<19 { #expect(try a.client().send("POST", "/v1/bookings", body: TestServer.holdBody(start: time)).status == 201) }
        // B may or may not have heard of A's bookings yet: the race is decided either way.
        let body = TestServer.holdBody(start: time)
        let request = Array("POST /v1/bookings HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
        let clients = try (0..<40).map { try ($0 % 2 == 0 ? a : b).client() }
        for client in clients { try client.sendRaw(request) }
        var statuses: [Int: Int] = [:]
        for client in clients { statuses[try client.readResponse().status, default: 0] += 1 }
        #expect(statuses == [201: 1, 409: 39])
        #expect(try a.scalar("SELECT count(*) FROM appointment WHERE status = 'confirmed' AND span @> $1::timestamptz", [time]) == "20")
        // Afterwards both agree that the time is gone.
        #expect(try Self.eventually {
            let inA = try Self.starts(a).contains(time)
            let inB = try Self.starts(b).contains(time)
            return !inA && !inB
        })
    }

    /// A change made behind the engines' backs (an operator's SQL) reaches the ledgers too.
    @Test func anOperatorsCancellationReachesTheLedger() throws {
        let a = try TestServer()
        let time = TestServer.tuesday("11:00")
        for _ in 0..<20 { #expect(try a.client().send("POST", "/v1/bookings", body: TestServer.holdBody(start: time)).status == 201) }
        #expect(!(try Self.starts(a).contains(time)))
        _ = try a.scalar("""
            UPDATE appointment SET status = 'cancelled', cancelled_at = now()
            WHERE id = (SELECT id FROM appointment WHERE span @> $1::timestamptz LIMIT 1)
            """, [time])
        #expect(try Self.eventually { try Self.starts(a).contains(time) })
    }

    /// The notification connection dies (its backend killed) and a booking is cancelled while nobody listens: once
    /// listening again, the engine resynchronises with the database and offers the time again (before, it under-offered
    /// until restarted).
    @Test func aLostListenerResynchronisesAndOffersWhatWasFreedMeanwhile() throws {
        let a = try TestServer()
        let time = TestServer.tuesday("11:30")
        for _ in 0..<20 { #expect(try a.client().send("POST", "/v1/bookings", body: TestServer.holdBody(start: time)).status == 201) }
        #expect(!(try Self.starts(a).contains(time)))
        let killed = try a.scalar("""
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
            WHERE datname = current_database() AND query = 'LISTEN termin_ledger'
            """)
        #expect(killed == "1")
        try Wait.required("the listener's backend to be gone") {
            try a.scalar("SELECT count(*) FROM pg_stat_activity WHERE query = 'LISTEN termin_ledger' AND datname = current_database()") == "0"
        }
        // Nobody listens now (the engine waits a second before listening again): this notification is lost.
        _ = try a.scalar("""
            UPDATE appointment SET status = 'cancelled', cancelled_at = now()
            WHERE id = (SELECT id FROM appointment WHERE span @> $1::timestamptz LIMIT 1)
            """, [time])
        #expect(try Wait.until("the time to be offered again", seconds: 15) { try Self.starts(a).contains(time) })
        // The count follows the ledger's change by a moment.
        #expect(try Wait.until("the resynchronisation to be counted", seconds: 5) {
            String(decoding: try a.client().send("GET", "/metrics").body, as: UTF8.self)
                .contains("termin_ledger_resynchronisations_total 1")
        })
    }
}
