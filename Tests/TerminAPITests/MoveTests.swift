import Foundation
import Testing
import TerminCore
import TerminEngine
import TerminTestSupport
@testable import TerminAPI

/// `POST /v1/bookings/{id}/move`: the booking keeps its id and code, takes the new time and gives the old one back in
/// one transaction, under the same rules as a booking; a refused move leaves it as it was.
@Suite struct MoveTests {
    static let desks = 20   // Orleansplatz's desks for a Personalausweis

    /// Books `start` (Tuesday, HH:MM) directly; returns id and code.
    static func book(_ client: TestHTTPClient, _ time: String, email: String? = nil) throws -> (id: String, code: String) {
        let contact = email.map { #","contact":{"email":"\#($0)"}"# } ?? ""
        let body = #"{"office":102522,"start":"\#(TestServer.tuesday(time))","services":[{"id":1063441}]\#(contact)}"#
        let answer = try client.send("POST", "/v1/bookings", body: body)
        try #require(answer.status == 201, "\(answer.status) \(answer.text)")
        return (answer.json["id"] as! String, answer.json["code"] as! String)
    }

    static func move(_ client: TestHTTPClient, _ booking: (id: String, code: String), to time: String,
                     office: Int? = nil, authorization: String? = nil) throws -> TestHTTPClient.Response {
        let officeField = office.map { #""office":\#($0),"# } ?? ""
        return try client.send("POST", "/v1/bookings/\(booking.id)/move",
                               headers: ["Authorization": authorization ?? "Booking \(booking.code)"],
                               body: #"{\#(officeField)"start":"\#(TestServer.tuesday(time))"}"#)
    }

    /// Live appointments at Orleansplatz covering `time` on Tuesday, in the database.
    static func liveAt(_ app: TestServer, _ time: String) throws -> Int {
        Int(try app.scalar("""
            SELECT count(*) FROM appointment WHERE status IN ('held', 'confirmed') AND span @> $1::timestamptz
            """, [TestServer.tuesday(time)]) ?? "")!
    }

    static func starts(_ client: TestHTTPClient, office: Int = TestServer.orleansplatz) throws -> Set<String> {
        let answer = try client.send("GET", "/v1/availability?office=\(office)&service=1063441&from=2026-12-01&to=2026-12-01")
        return Set(answer.availabilityDays.first?.starts ?? [])
    }

    @Test func aCitizenMovesABookingKeepingItsIdCodeAndCalendarUID() throws {
        let app = try TestServer()
        let client = try app.client()
        let booking = try Self.book(client, "09:00")
        // Fill 09:00 up, so that whether the moved-away time is offered again shows.
        for _ in 1..<Self.desks { _ = try Self.book(client, "09:00") }
        #expect(!(try Self.starts(client).contains(TestServer.tuesday("09:00"))))

        let moved = try Self.move(client, booking, to: "10:00")
        #expect(moved.status == 200, "\(moved.text)")
        #expect(moved.json["id"] as? String == booking.id && moved.json["code"] == nil)
        #expect(moved.json["start"] as? String == TestServer.tuesday("10:00") && moved.json["end"] as? String == TestServer.tuesday("10:15"))
        #expect(moved.json["status"] as? String == "confirmed")
        let read = try client.send("GET", "/v1/bookings/\(booking.id)", headers: ["Authorization": "Booking \(booking.code)"])
        #expect(read.status == 200 && read.json["start"] as? String == TestServer.tuesday("10:00"))
        // The old time is free again, in the database and in the ledger; the new one is held.
        #expect(try Self.liveAt(app, "09:00") == Self.desks - 1 && Self.liveAt(app, "10:00") == 1)
        #expect(try Self.starts(client).contains(TestServer.tuesday("09:00")))
        #expect(try app.scalar("SELECT count(*) FROM desk_time WHERE appointment_id = $1", [booking.id]) == "3")
        #expect(try app.scalar("SELECT count(*) FROM appointment") == String(Self.desks))
        // The calendar keeps its UID and raises SEQUENCE.
        let calendar = try client.send("GET", "/v1/bookings/\(booking.id)/calendar.ics", headers: ["Authorization": "Booking \(booking.code)"])
        #expect(calendar.text.contains("UID:\(booking.id)@termin\r\nSEQUENCE:1\r\n"))
        #expect(calendar.text.contains("DTSTART;TZID=Europe/Berlin:20261201T100000"))
        // Moving again raises it again; a move to the time it has changes nothing.
        #expect(try Self.move(client, booking, to: "11:00").status == 200)
        #expect(try Self.move(client, booking, to: "11:00").json["start"] as? String == TestServer.tuesday("11:00"))
        #expect(try app.scalar("SELECT revision FROM appointment WHERE id = $1", [booking.id]) == "2")
    }

    @Test func aBookingMovesToAnotherOffice() throws {
        let app = try TestServer()
        let client = try app.client()
        let offices = try client.send("GET", "/v1/offices?service=1063441").json["offices"] as? [[String: Any]] ?? []
        let other = try #require(offices.compactMap { $0["id"] as? Int }.first { id in
            id != TestServer.orleansplatz && (try? Self.starts(client, office: id).contains(TestServer.tuesday("10:00"))) == true
        })
        let booking = try Self.book(client, "09:00")
        let moved = try Self.move(client, booking, to: "10:00", office: other)
        #expect(moved.status == 200 && moved.json["office"] as? Int == other, "\(moved.text)")
        #expect(try app.scalar("SELECT office_id FROM appointment WHERE id = $1", [booking.id]) == String(other))
        #expect(try Self.liveAt(app, "09:00") == 0)
    }

    @Test func aRefusedMoveLeavesTheBookingAsItWas() throws {
        let app = try TestServer()
        let client = try app.client()
        let booking = try Self.book(client, "09:00")
        for _ in 0..<Self.desks { _ = try Self.book(client, "11:00") }
        func unchanged() throws -> Bool {
            try app.scalar("SELECT to_char(lower(span) AT TIME ZONE 'Europe/Berlin', 'HH24:MI') || status || revision FROM appointment WHERE id = $1",
                           [booking.id]) == "09:00confirmed0"
        }
        let taken = try Self.move(client, booking, to: "11:00")
        #expect(taken.status == 409 && (taken.json["type"] as? String)?.hasSuffix("slot-taken") == true, "\(taken.text)")
        let closed = try Self.move(client, booking, to: "22:00")
        #expect(closed.status == 422 && closed.json["field"] as? String == "start", "\(closed.text)")
        let wrongCode = try Self.move(client, (booking.id, String(repeating: "0", count: 32)), to: "10:00")
        #expect(wrongCode.status == 404)
        let badStart = try client.send("POST", "/v1/bookings/\(booking.id)/move", headers: ["Authorization": "Booking \(booking.code)"],
                                       body: #"{"start":"tomorrow"}"#)
        #expect(badStart.status == 422 && badStart.json["field"] as? String == "start")
        let noStart = try client.send("POST", "/v1/bookings/\(booking.id)/move", headers: ["Authorization": "Booking \(booking.code)"],
                                      body: #"{"office":102522}"#)
        #expect(noStart.status == 422 && noStart.json["field"] as? String == "start")
        // An office that does not offer the booking's service: the body's office is named, not the booking's services.
        let notOffered = try Self.move(client, booking, to: "10:00", office: 10546)
        #expect(notOffered.status == 422 && notOffered.json["field"] as? String == "office", "\(notOffered.text)")
        #expect(try unchanged())
        #expect(try Self.liveAt(app, "10:00") == 0)   // no reservation leaked into the database
        #expect(try Self.starts(client).contains(TestServer.tuesday("10:00")))   // nor kept in the ledger

        // Past the cut-off a citizen cannot move, naming it; staff can, and the audit log says who.
        app.clock.advance(seconds: 22 * 3_600 + 1_800)   // Tuesday 07:30: 90 minutes before the start
        let late = try Self.move(client, booking, to: "10:00")
        #expect(late.status == 409 && (late.json["type"] as? String)?.hasSuffix("change-cutoff-passed") == true)
        #expect((late.json["detail"] as? String)?.contains("moved online until 120 minutes before its start") == true, "\(late.text)")
        #expect(try unchanged())
        let otherOffice = try app.staffToken(offices: [10489])
        #expect(try Self.move(client, booking, to: "10:00", authorization: "Bearer \(otherOffice)").status == 403)
        let clerk = try app.staffToken()
        let byStaff = try Self.move(client, booking, to: "10:00", authorization: "Bearer \(clerk)")
        #expect(byStaff.status == 200 && byStaff.json["start"] as? String == TestServer.tuesday("10:00"), "\(byStaff.text)")
        #expect(try app.scalar("SELECT actor || ' ' || action FROM audit_log WHERE subject = $1", ["booking:\(booking.id)"]) == "staff booking.move")

        // A cancelled booking cannot be moved.
        let cancelled = try Self.book(client, "12:00")
        #expect(try client.send("DELETE", "/v1/bookings/\(cancelled.id)", headers: ["Authorization": "Booking \(cancelled.code)"]).status == 200)
        let refused = try Self.move(client, cancelled, to: "13:00")
        #expect(refused.status == 409 && (refused.json["type"] as? String)?.hasSuffix("booking-state") == true, "\(refused.text)")
    }

    @Test func movesRacingForTheLastDeskAtATimeHaveOneWinner() throws {
        let app = try TestServer()
        let client = try app.client()
        for _ in 1..<Self.desks { _ = try Self.book(client, "12:00") }
        let racers = try ["08:00", "08:15", "08:30", "08:45", "09:00", "09:15", "09:30", "09:45"].map { try Self.book(client, $0) }
        let port = app.server.port
        let statuses = try TestThreads.run(count: racers.count) { index in
            try Self.move(try TestHTTPClient(port: port), racers[index], to: "12:00").status
        }
        #expect(statuses.filter { $0 == 200 }.count == 1 && statuses.filter { $0 == 409 }.count == racers.count - 1, "\(statuses)")
        #expect(try Self.liveAt(app, "12:00") == Self.desks)
        #expect(try app.scalar("SELECT count(*) FROM appointment WHERE status = 'confirmed'") == String(Self.desks - 1 + racers.count))
        // The winner's old time is free again; every loser still has its own.
        #expect(try app.scalar("SELECT count(*) FROM appointment WHERE revision = 1") == "1")
    }

    @Test func aMoveIsNoNewBookingForTheCitizensCaps() throws {
        var configuration = BookingEngine.Configuration()
        configuration.identityLimits = IdentityLimits(liveBookingsMax: 2, cancelCooldownSeconds: 300)
        let app = try TestServer(engine: configuration)
        let client = try app.client()
        let first = try Self.book(client, "09:00", email: "erika@example.org")
        _ = try Self.book(client, "10:00", email: "erika@example.org")
        #expect(try Self.move(client, first, to: "11:00").status == 200)
        #expect(try Self.move(client, first, to: "12:00").status == 200)
    }

    @Test func theOtherInstanceSeesTheOldTimeFreedAndTheNewOneTaken() throws {
        let a = try TestServer()
        let b = try TestServer(conninfo: a.conninfo)
        let booking = try Self.book(try a.client(), "09:00")
        for _ in 1..<Self.desks { _ = try Self.book(try a.client(), "09:00") }
        for _ in 1..<Self.desks { _ = try Self.book(try a.client(), "10:00") }
        #expect(try TwoInstanceTests.eventually { try Self.starts(b.client()) .contains(TestServer.tuesday("10:00")) && !Self.starts(b.client()).contains(TestServer.tuesday("09:00")) })
        #expect(try Self.move(try a.client(), booking, to: "10:00").status == 200)
        #expect(try TwoInstanceTests.eventually {
            let offered = try Self.starts(b.client())
            return offered.contains(TestServer.tuesday("09:00")) && !offered.contains(TestServer.tuesday("10:00"))
        })
        // Moved back from B: A hears it too.
        #expect(try Self.move(try b.client(), booking, to: "09:00").status == 200)
        #expect(try TwoInstanceTests.eventually {
            let offered = try Self.starts(a.client())
            return !offered.contains(TestServer.tuesday("09:00")) && offered.contains(TestServer.tuesday("10:00"))
        })
    }

    @Test func aServiceWithALongerCutoffBindsMovesAndCancellations() throws {
        let conninfo = try TestDatabase.create()
        // Personalausweis: a day's notice to change, where Orleansplatz asks for two hours.
        _ = try PostgresTestConnection(conninfo).scalar("UPDATE service SET change_cutoff_minutes = 1440 WHERE id = 1063441 RETURNING id")
        let app = try TestServer(conninfo: conninfo)   // Monday 09:00
        let client = try app.client()
        let services = try client.send("GET", "/v1/services").json["services"] as? [[String: Any]] ?? []
        #expect(services.first { $0["id"] as? Int == 1063441 }?["change_cutoff_minutes"] as? Int == 1440)
        let early = try Self.book(client, "10:00")      // Tuesday 10:00: 25 hours ahead
        let late = try Self.book(client, "08:00")       // Tuesday 08:00: 23 hours ahead
        #expect(try Self.move(client, early, to: "10:30").status == 200)
        let refused = try Self.move(client, late, to: "08:30")
        #expect(refused.status == 409 && (refused.json["detail"] as? String)?.contains("1440 minutes") == true, "\(refused.text)")
        let cancel = try client.send("DELETE", "/v1/bookings/\(late.id)", headers: ["Authorization": "Booking \(late.code)"])
        #expect(cancel.status == 409 && (cancel.json["type"] as? String)?.hasSuffix("change-cutoff-passed") == true)
        // A cut-off raised in the database binds a cancellation at once (the database checks it as it cancels), and a
        // move once the catalogue's new revision is announced (the engine checks a move against its catalogue).
        let reisepass = try client.send("POST", "/v1/bookings", body: TestServer.holdBody(start: TestServer.tuesday("08:00"), service: TestServer.reisepass))
        let booking = (id: reisepass.json["id"] as! String, code: reisepass.json["code"] as! String)
        _ = try app.scalar("UPDATE service SET change_cutoff_minutes = 1440 WHERE id = $1 RETURNING id", [String(TestServer.reisepass)])
        #expect(try client.send("DELETE", "/v1/bookings/\(booking.id)", headers: ["Authorization": "Booking \(booking.code)"]).status == 409)
        _ = try app.scalar("SELECT termin_catalog_changed()")
        #expect(try TwoInstanceTests.eventually {
            let services = try client.send("GET", "/v1/services").json["services"] as? [[String: Any]] ?? []
            return services.first { $0["id"] as? Int == TestServer.reisepass }?["change_cutoff_minutes"] as? Int == 1440
        })
        let stale = try Self.move(client, booking, to: "08:30")
        #expect(stale.status == 409 && (stale.json["type"] as? String)?.hasSuffix("change-cutoff-passed") == true, "\(stale.text)")
    }
}

/// A move onto a hold: the citizen holds the new time first (as the portal does while the citizen confirms), and
/// the booking takes the hold's time, the hold used up.
@Suite struct MoveOntoHoldTests {
    static func hold(_ client: TestHTTPClient, _ time: String, service: Int = TestServer.personalausweis) throws -> String {
        let answer = try client.send("POST", "/v1/holds", body: TestServer.holdBody(start: TestServer.tuesday(time), service: service))
        try #require(answer.status == 201, "\(answer.text)")
        return answer.json["id"] as! String
    }

    static func moveOnto(_ client: TestHTTPClient, _ booking: (id: String, code: String), hold: String) throws -> TestHTTPClient.Response {
        try client.send("POST", "/v1/bookings/\(booking.id)/move", headers: ["Authorization": "Booking \(booking.code)"],
                        body: #"{"hold":"\#(hold)"}"#)
    }

    @Test func theBookingTakesTheHoldsTimeAndGivesItsOwnBack() throws {
        let a = try TestServer()
        let b = try TestServer(conninfo: a.conninfo)
        let client = try a.client()
        let booking = try MoveTests.book(client, "09:00")
        for _ in 1..<MoveTests.desks { _ = try MoveTests.book(client, "09:00") }
        for _ in 1..<MoveTests.desks { _ = try MoveTests.book(client, "10:00") }
        let hold = try Self.hold(client, "10:00")
        #expect(try TwoInstanceTests.eventually { !(try MoveTests.starts(b.client()).contains(TestServer.tuesday("10:00"))) })

        let moved = try Self.moveOnto(client, booking, hold: hold)
        #expect(moved.status == 200 && moved.json["start"] as? String == TestServer.tuesday("10:00"), "\(moved.text)")
        #expect(try a.scalar("SELECT count(*) FROM appointment WHERE id = $1", [hold]) == "0")
        #expect(try MoveTests.liveAt(a, "10:00") == MoveTests.desks && MoveTests.liveAt(a, "09:00") == MoveTests.desks - 1)
        // Both instances: 09:00 free again, 10:00 still full (the hold's time went to the booking, not back).
        for app in [a, b] {
            #expect(try TwoInstanceTests.eventually {
                let offered = try MoveTests.starts(app.client())
                return offered.contains(TestServer.tuesday("09:00")) && !offered.contains(TestServer.tuesday("10:00"))
            })
        }
        #expect(try client.send("POST", "/v1/holds", body: TestServer.holdBody(start: TestServer.tuesday("10:00"))).status == 409)
    }

    @Test func aHoldForOtherServicesOrRunOutIsRefusedAndNothingChanges() throws {
        let app = try TestServer()
        let client = try app.client()
        let booking = try MoveTests.book(client, "09:00")
        let other = try Self.hold(client, "11:00", service: TestServer.reisepass)
        let mismatch = try Self.moveOnto(client, booking, hold: other)
        #expect(mismatch.status == 422 && mismatch.json["field"] as? String == "hold", "\(mismatch.text)")
        let unknown = try Self.moveOnto(client, booking, hold: "00000000-0000-4000-8000-000000000000")
        #expect(unknown.status == 422 && (unknown.json["type"] as? String)?.hasSuffix("hold-unknown") == true, "\(unknown.text)")
        let both = try client.send("POST", "/v1/bookings/\(booking.id)/move", headers: ["Authorization": "Booking \(booking.code)"],
                                   body: #"{"hold":"\#(other)","start":"\#(TestServer.tuesday("10:00"))"}"#)
        #expect(both.status == 422 && both.json["field"] as? String == "hold")
        let hold = try Self.hold(client, "10:00")
        app.clock.advance(seconds: 601)
        let expired = try Self.moveOnto(client, booking, hold: hold)
        #expect(expired.status == 410, "\(expired.text)")
        #expect(try app.scalar("SELECT to_char(lower(span) AT TIME ZONE 'Europe/Berlin', 'HH24:MI') || revision FROM appointment WHERE id = $1",
                               [booking.id]) == "09:000")
        #expect(try app.scalar("SELECT status FROM appointment WHERE id = $1", [hold]) == "held")
    }
}
