import Foundation
import Testing
import TerminCore
import TerminTestSupport
@testable import TerminAPI

@Suite struct BookingFlowTests {
    /// The portal's whole path: availability, hold, book, read, calendar, cancel; the time is free again after.
    @Test func holdBookReadDownloadAndCancel() throws {
        let app = try TestServer()
        let client = try app.client()
        let availability = try client.send("GET", "/v1/availability?office=102522&service=1063441&from=2026-12-01&to=2026-12-01")
        #expect(availability.status == 200)
        let starts = availability.availabilityDays.first?.starts ?? []
        #expect(starts.first == TestServer.tuesday("07:00"))

        let hold = try client.send("POST", "/v1/holds", body: TestServer.holdBody(start: TestServer.tuesday("07:00")))
        #expect(hold.status == 201)
        #expect(hold.json["end"] as? String == TestServer.tuesday("07:15"))
        #expect(hold.json["expires_at"] as? String == "2026-11-30T09:10:00+01:00")
        let holdID = try #require(hold.json["id"] as? String)

        let booking = try client.send("POST", "/v1/bookings",
                                      body: #"{"hold":"\#(holdID)","contact":{"name":"Erika Mustermann","email":"erika@example.org"}}"#)
        #expect(booking.status == 201)
        let id = try #require(booking.json["id"] as? String)
        let code = try #require(booking.json["code"] as? String)
        #expect(code.count == 32)
        #expect(try app.scalar("SELECT status FROM appointment WHERE id = $1", [id]) == "confirmed")
        #expect(try app.scalar("SELECT count(*) FROM appointment WHERE code_hash = sha256(convert_to($1, 'UTF8'))", [code]) == "1")
        #expect(try app.scalar("SELECT count(*) FROM appointment WHERE code_hash = convert_to($1, 'UTF8')", [code]) == "0")

        let read = try client.send("GET", "/v1/bookings/\(id)", headers: ["Authorization": "Booking \(code)"])
        #expect(read.status == 200 && read.json["status"] as? String == "confirmed" && read.json["code"] == nil)
        #expect((read.json["contact"] as? [String: Any])?["email"] as? String == "erika@example.org")

        let ics = try client.send("GET", "/v1/bookings/\(id)/calendar.ics", headers: ["Authorization": "Booking \(code)"])
        #expect(ics.status == 200 && ics.header("Content-Type") == "text/calendar; charset=utf-8")
        #expect(ics.text.contains("\r\nDTSTART;TZID=Europe/Berlin:20261201T070000\r\n"))
        #expect(ics.text.contains("\r\nDTEND;TZID=Europe/Berlin:20261201T071500\r\n"))
        #expect(ics.text.contains("TZID:Europe/Berlin") && ics.text.hasPrefix("BEGIN:VCALENDAR\r\n"))
        #expect(ics.text.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 75 })

        let cancelled = try client.send("DELETE", "/v1/bookings/\(id)", headers: ["Authorization": "Booking \(code)"])
        #expect(cancelled.status == 200 && cancelled.json["status"] as? String == "cancelled")
        #expect(try client.send("DELETE", "/v1/bookings/\(id)", headers: ["Authorization": "Booking \(code)"]).status == 200)
        // The time is offered and bookable again.
        let again = try client.send("POST", "/v1/bookings", body: TestServer.holdBody(start: TestServer.tuesday("07:00")))
        #expect(again.status == 201)
    }

    /// A wrong code answers as a booking that does not exist; no code at all is a 401 whatever the id (so it tells
    /// nothing either).
    @Test func aWrongCodeLooksLikeNoBookingAndNoCodeIsUnauthorized() throws {
        let app = try TestServer()
        let client = try app.client()
        let booking = try client.send("POST", "/v1/bookings", body: TestServer.holdBody(start: TestServer.tuesday("08:00")))
        let id = try #require(booking.json["id"] as? String)
        let wrong = try client.send("GET", "/v1/bookings/\(id)", headers: ["Authorization": "Booking nope"])
        #expect(wrong.status == 404 && wrong.header("Content-Type") == "application/problem+json")
        for target in ["/v1/bookings/\(id)", "/v1/bookings/00000000-0000-0000-0000-000000000000"] {
            for headers in [[:], ["Authorization": "Bearer x"]] as [[String: String]] {
                let missing = try client.send("GET", target, headers: headers)
                #expect(missing.status == 401 && missing.json["type"] as? String == "urn:termin:problem:booking-code-required")
                #expect(missing.header("WWW-Authenticate") == "Booking realm=\"termin\"")
            }
        }
        #expect(try client.send("GET", "/v1/bookings/not-a-uuid", headers: ["Authorization": "Booking x"]).status == 404)
        #expect(try client.send("DELETE", "/v1/bookings/\(id)", headers: ["Authorization": "Booking nope"]).status == 404)
        #expect(try app.scalar("SELECT status FROM appointment WHERE id = $1", [id]) == "confirmed")
    }

    /// 50 clients race for one time at once; exactly one wins, and the database holds exactly one booking.
    @Test(arguments: ["/v1/bookings", "/v1/holds"])
    func fiftyConcurrentRequestsForOneSlotHaveOneWinner(path: String) throws {
        let app = try TestServer()
        // Leave a single desk free at 10:00 for the Personalausweis: occupy the other 19 first.
        let start = TestServer.tuesday("10:00")
        let setup = try app.client()
        for _ in 0..<19 {
            #expect(try setup.send("POST", "/v1/bookings", body: TestServer.holdBody(start: start)).status == 201)
        }
        let clients = try (0..<50).map { _ in try app.client() }
        let body = TestServer.holdBody(start: start)
        let request = Array("POST \(path) HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
        for client in clients { try client.sendRaw(request) }
        var statuses: [Int: Int] = [:]
        for client in clients { statuses[try client.readResponse().status, default: 0] += 1 }
        #expect(statuses == [201: 1, 409: 49])
        let live = try app.scalar("""
            SELECT count(*) FROM appointment WHERE status IN ('held', 'confirmed') AND span @> $1::timestamptz
            """, [start])
        #expect(live == "20")
    }

    @Test func anIdempotentRetryReturnsTheSameBooking() throws {
        let app = try TestServer()
        let client = try app.client()
        let body = TestServer.holdBody(start: TestServer.tuesday("09:00"))
        let first = try client.send("POST", "/v1/bookings", headers: ["Idempotency-Key": "portal-42"], body: body)
        let second = try client.send("POST", "/v1/bookings", headers: ["Idempotency-Key": "portal-42"], body: body)
        #expect(first.status == 201 && second.status == 201)
        #expect(first.json["id"] as? String == second.json["id"] as? String)
        #expect(first.json["code"] as? String == second.json["code"] as? String)
        let other = try client.send("POST", "/v1/bookings", headers: ["Idempotency-Key": "portal-42"],
                                    body: TestServer.holdBody(start: TestServer.tuesday("09:30")))
        #expect(other.status == 422 && other.json["field"] as? String == "Idempotency-Key")
        #expect(try app.scalar("SELECT count(*) FROM appointment") == "1")
    }

    /// A citizen cancels until two hours before the start (the office's cut-off); later the answer says until when.
    @Test func aCancellationPastTheOfficesCutoffIsRefusedNamingIt() throws {
        let app = try TestServer()
        let client = try app.client()
        let booked = try client.send("POST", "/v1/bookings", body: TestServer.holdBody(start: TestServer.tuesday("09:00")))
        let id = try #require(booked.json["id"] as? String), code = try #require(booked.json["code"] as? String)
        app.clock.advance(seconds: 22 * 3_600 + 1_800)   // Tuesday 07:30: 90 minutes before the start
        let refused = try client.send("DELETE", "/v1/bookings/\(id)", headers: ["Authorization": "Booking \(code)"])
        #expect(refused.status == 409 && refused.json["field"] as? String == "id")
        #expect((refused.json["type"] as? String)?.hasSuffix("change-cutoff-passed") == true)
        #expect((refused.json["detail"] as? String)?.contains("cancelled online until 120 minutes before its start") == true, "\(refused.json)")
        #expect(try app.scalar("SELECT status FROM appointment WHERE id = $1", [id]) == "confirmed")
        #expect(try client.send("GET", "/v1/offices/102522").json["change_cutoff_minutes"] as? Int == 120)
    }

    /// A clerk cancels for a citizen on the phone: past the cut-off too, only at the clerk's offices, and audited.
    @Test func staffCancelPastTheCutoffAtTheirOfficesAndTheAuditLogSaysWho() throws {
        let app = try TestServer()
        let client = try app.client()
        let booked = try client.send("POST", "/v1/bookings", body: TestServer.holdBody(start: TestServer.tuesday("09:00")))
        let id = try #require(booked.json["id"] as? String)
        app.clock.advance(seconds: 22 * 3_600 + 1_800)   // Tuesday 07:30: past the citizen's cut-off
        let elsewhere = try app.staffToken(offices: [10489])
        #expect(try client.send("DELETE", "/v1/bookings/\(id)", headers: ["Authorization": "Bearer \(elsewhere)"]).status == 403)
        let planner = try app.staffToken(.planner, offices: [], name: "Planner")
        #expect(try client.send("DELETE", "/v1/bookings/\(id)", headers: ["Authorization": "Bearer \(planner)"]).status == 403)
        #expect(try client.send("DELETE", "/v1/bookings/\(id)", headers: ["Authorization": "Bearer nonsense"]).status == 401)
        #expect(try app.scalar("SELECT status FROM appointment WHERE id = $1", [id]) == "confirmed")
        let clerk = try app.staffToken()
        let cancelled = try client.send("DELETE", "/v1/bookings/\(id)", headers: ["Authorization": "Bearer \(clerk)"])
        #expect(cancelled.status == 200 && cancelled.json["status"] as? String == "cancelled", "\(cancelled.text)")
        #expect(try app.scalar("SELECT actor || ' ' || action FROM audit_log WHERE subject = $1", ["booking:\(id)"]) == "staff booking.cancel")
        #expect(try client.send("DELETE", "/v1/bookings/00000000-0000-4000-8000-000000000000",
                                headers: ["Authorization": "Bearer \(clerk)"]).status == 404)
    }

    @Test func concurrentRepeatsOfOneIdempotencyKeyBookOnce() throws {
        let app = try TestServer()
        let port = app.server.port
        let body = TestServer.holdBody(start: TestServer.tuesday("10:00"))
        // 24 copies of one request at once (a portal retrying hard): the key is stored in the booking's batch, so the
        // copies race in the ledger (20 desks) and in the writer; exactly one booking stands.
        let answers = try TestThreads.run(count: 24) { _ in
            try TestHTTPClient(port: port).send("POST", "/v1/bookings", headers: ["Idempotency-Key": "retry-storm"], body: body)
        }
        let booked = answers.filter { $0.status == 201 }
        #expect(!booked.isEmpty)
        #expect(answers.allSatisfy { $0.status == 201 || $0.status == 409 }, "\(answers.map(\.status))")
        #expect(Set(booked.compactMap { $0.json["id"] as? String }).count == 1)
        #expect(Set(booked.compactMap { $0.json["code"] as? String }).count == 1)
        #expect(try app.scalar("SELECT count(*) FROM appointment") == "1")
        // Afterwards every repeat is answered the first answer.
        let again = try app.client().send("POST", "/v1/bookings", headers: ["Idempotency-Key": "retry-storm"], body: body)
        #expect(again.status == 201 && again.json["id"] as? String == booked[0].json["id"] as? String)
    }

    @Test func anExpiredHoldCannotBeBookedAndItsTimeComesBack() throws {
        let app = try TestServer()
        let client = try app.client()
        // Only one desk left at 11:00.
        for _ in 0..<19 {
            _ = try client.send("POST", "/v1/bookings", body: TestServer.holdBody(start: TestServer.tuesday("11:00")))
        }
        let hold = try client.send("POST", "/v1/holds", body: TestServer.holdBody(start: TestServer.tuesday("11:00")))
        let holdID = try #require(hold.json["id"] as? String)
        #expect(try client.send("POST", "/v1/holds", body: TestServer.holdBody(start: TestServer.tuesday("11:00"))).status == 409)
        app.clock.advance(seconds: 601)
        #expect(try app.engine.sweep() == 1)
        let late = try client.send("POST", "/v1/bookings", body: #"{"hold":"\#(holdID)"}"#)
        #expect(late.status == 410 && late.json["field"] as? String == "hold")
        #expect(try app.scalar("SELECT status FROM appointment WHERE id = $1", [holdID]) == "expired")
        #expect(try client.send("POST", "/v1/holds", body: TestServer.holdBody(start: TestServer.tuesday("11:00"))).status == 201)
    }

    @Test func aHoldIsBookedOnlyOnce() throws {
        let app = try TestServer()
        let client = try app.client()
        let hold = try client.send("POST", "/v1/holds", body: TestServer.holdBody(start: TestServer.tuesday("09:15")))
        let holdID = try #require(hold.json["id"] as? String)
        #expect(try client.send("POST", "/v1/bookings", body: #"{"hold":"\#(holdID)"}"#).status == 201)
        let twice = try client.send("POST", "/v1/bookings", body: #"{"hold":"\#(holdID)"}"#)
        #expect(twice.status == 409 && twice.json["field"] as? String == "hold")
        let unknown = try client.send("POST", "/v1/bookings", body: #"{"hold":"00000000-0000-0000-0000-000000000000"}"#)
        #expect(unknown.status == 422 && unknown.json["field"] as? String == "hold")
    }

    /// A restarted engine rebuilds its ledger from the database: booked time stays taken, holds stay held.
    @Test func aNewEngineSeesWhatTheOldOneBooked() throws {
        let first = try TestServer()
        let client = try first.client()
        for _ in 0..<20 {
            #expect(try client.send("POST", "/v1/bookings", body: TestServer.holdBody(start: TestServer.tuesday("08:30"))).status == 201)
        }
        let second = try TestServer(conninfo: first.conninfo)
        let response = try second.client().send("POST", "/v1/holds", body: TestServer.holdBody(start: TestServer.tuesday("08:30")))
        #expect(response.status == 409)
    }

    /// Bookings after the spring change carry the summer offset and the same wall-clock time in the calendar.
    @Test func bookingsAcrossTheDaylightSavingChange() throws {
        let app = try TestServer(now: BerlinTime.parse("2026-03-25T09:00:00+01:00")!)
        let client = try app.client()
        let booking = try client.send("POST", "/v1/bookings", body: TestServer.holdBody(start: "2026-03-30T08:00:00+02:00"))
        #expect(booking.status == 201)
        #expect(booking.json["start"] as? String == "2026-03-30T08:00:00+02:00")
        #expect(try app.scalar("SELECT lower(span) AT TIME ZONE 'UTC' FROM appointment") == "2026-03-30 06:00:00")
        let id = try #require(booking.json["id"] as? String), code = try #require(booking.json["code"] as? String)
        let ics = try client.send("GET", "/v1/bookings/\(id)/calendar.ics", headers: ["Authorization": "Booking \(code)"])
        #expect(ics.text.contains("DTSTART;TZID=Europe/Berlin:20260330T080000"))
        // Friday before the change opens at 07:00 CET, Monday after it at 07:00 CEST.
        let days = try client.send("GET", "/v1/availability?office=102522&service=1063441&from=2026-03-27&to=2026-03-30")
        let text = days.text
        #expect(text.contains("2026-03-27T07:00:00+01:00") && text.contains("2026-03-30T07:00:00+02:00"))
    }

    @Test func staffChannelsNeedAStaffTokenForTheOffice() throws {
        let app = try TestServer()
        let client = try app.client()
        let clerk = try app.staffToken(.clerk)
        let elsewhere = try app.staffToken(.clerk, offices: [10489])
        let planner = try app.staffToken(.planner, offices: [])
        let body = #"{"office":102522,"start":"2026-12-01T09:45:00+01:00","channel":"walk_in","services":[{"id":1063441}]}"#
        let refused = try client.send("POST", "/v1/bookings", body: body)
        #expect(refused.status == 401 && refused.json["field"] as? String == "Authorization")
        #expect(refused.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        #expect(try client.send("POST", "/v1/bookings", headers: ["Authorization": "Bearer wrong"], body: body).status == 401)
        #expect(try client.send("POST", "/v1/bookings", headers: ["Authorization": "Bearer \(elsewhere)"], body: body).status == 403)
        #expect(try client.send("POST", "/v1/bookings", headers: ["Authorization": "Bearer \(planner)"], body: body).status == 403)
        let accepted = try client.send("POST", "/v1/bookings", headers: ["Authorization": "Bearer \(clerk)"], body: body)
        #expect(accepted.status == 201 && accepted.json["channel"] as? String == "walk_in")
        // Staff may book at short notice, online may not.
        let soon = #"{"office":102522,"start":"2026-11-30T09:10:00+01:00","channel":"staff","services":[{"id":1063441}]}"#
        #expect(try client.send("POST", "/v1/bookings", headers: ["Authorization": "Bearer \(clerk)"], body: soon).status == 201)
        // A revoked token is refused at once.
        let id = try #require(try app.assembly.staff.accounts().first { $0.member.officeIDs == [10489] }?.member.id)
        #expect(try app.assembly.staff.revoke(id: id))
        #expect(try client.send("POST", "/v1/bookings", headers: ["Authorization": "Bearer \(elsewhere)"], body: body).status == 401)
    }

    /// Data protection: a booking's contact data is erased 30 days after its day; the booking itself stays.
    @Test func contactDataIsErasedAfterTheRetentionPeriod() throws {
        let app = try TestServer()
        let client = try app.client()
        let body = #"{"office":102522,"start":"\#(TestServer.tuesday("09:30"))","services":[{"id":1063441}],"contact":{"name":"Erika","email":"e@example.org"}}"#
        let booking = try client.send("POST", "/v1/bookings", body: body)
        let id = try #require(booking.json["id"] as? String)
        app.clock.advance(seconds: 30 * 86_400)   // 2026-12-30: 29 days after the appointment
        try app.engine.sweep()
        #expect(try app.scalar("SELECT contact_email FROM appointment WHERE id = $1", [id]) == "e@example.org")
        app.clock.advance(seconds: 2 * 86_400)    // 31 days after
        try app.engine.sweep()
        #expect(try app.scalar("SELECT count(*) FROM appointment WHERE id = $1 AND contact_name IS NULL AND contact_email IS NULL", [id]) == "1")
        #expect(try app.scalar("SELECT status FROM appointment WHERE id = $1", [id]) == "confirmed")
    }
}
