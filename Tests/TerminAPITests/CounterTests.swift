import Foundation
import Synchronization
import Testing
import TerminCore
import TerminTestSupport

/// The walk-in counters through the API: roles, tickets and their transitions, appointments and no-shows, concurrent
/// calls, a restart, the call stream and the audit log.
@Suite struct CounterTests {
    static let office = TestServer.orleansplatz
    static let tickets = "/v1/offices/\(TestServer.orleansplatz)/tickets"
    static let walkIn = #"{"services":[{"id":1063441}]}"#

    static func bearer(_ token: String) -> [String: String] { ["Authorization": "Bearer \(token)"] }

    static func draw(_ client: TestHTTPClient) throws -> [String: Any] {
        let drawn = try client.send("POST", tickets, body: walkIn)
        #expect(drawn.status == 201)
        return drawn.json
    }

    static func callNext(_ client: TestHTTPClient, desk: Int, _ token: String) throws -> TestHTTPClient.Response {
        try client.send("POST", "/v1/offices/\(office)/desks/\(desk)/call-next", headers: bearer(token))
    }

    static func act(_ client: TestHTTPClient, _ action: String, _ id: Any?, _ token: String, body: String? = nil) throws -> TestHTTPClient.Response {
        try client.send("POST", "\(tickets)/\(id as! String)/\(action)", headers: bearer(token), body: body)
    }

    @Test func rolesAreScopedToOffices() throws {
        let app = try TestServer()
        let client = try app.client()
        let clerk = try app.staffToken(.clerk), lead = try app.staffToken(.lead, name: "Lead")
        let elsewhere = try app.staffToken(.clerk, offices: [10489]), planner = try app.staffToken(.planner, offices: [])
        let admin = try app.staffToken(.admin, offices: [], name: "Admin")
        #expect(try client.send("GET", Self.tickets).status == 401)
        #expect(try client.send("GET", Self.tickets, headers: ["Authorization": "Bearer nope"]).status == 401)
        #expect(try client.send("GET", Self.tickets, headers: Self.bearer(clerk)).status == 200)
        #expect(try client.send("GET", Self.tickets, headers: Self.bearer(admin)).status == 200)
        let wrongOffice = try client.send("GET", Self.tickets, headers: Self.bearer(elsewhere))
        #expect(wrongOffice.status == 403 && wrongOffice.json["field"] as? String == "Authorization")
        #expect(try Self.callNext(client, desk: 1, planner).status == 403)
        // Leads close desks; clerks may not. A closed desk calls nobody.
        #expect(try client.send("POST", "/v1/offices/\(Self.office)/desks/2/close", headers: Self.bearer(clerk)).status == 403)
        #expect(try client.send("POST", "/v1/offices/\(Self.office)/desks/2/close", headers: Self.bearer(lead)).status == 204)
        _ = try Self.draw(client)
        #expect(try Self.callNext(client, desk: 2, clerk).status == 409)
        #expect(try client.send("POST", "/v1/offices/\(Self.office)/desks/2/open", headers: Self.bearer(lead)).status == 204)
        #expect(try Self.callNext(client, desk: 2, clerk).status == 200)
        // The audit log: leads and admins, not clerks or planners.
        #expect(try client.send("GET", "/v1/offices/\(Self.office)/audit", headers: Self.bearer(clerk)).status == 403)
        #expect(try client.send("GET", "/v1/offices/\(Self.office)/audit", headers: Self.bearer(planner)).status == 403)
        let audit = try client.send("GET", "/v1/offices/\(Self.office)/audit", headers: Self.bearer(lead))
        let actions = (audit.json["entries"] as? [[String: Any]] ?? []).map { $0["action"] as? String ?? "" }
        #expect(actions == ["desk.close", "ticket.draw", "desk.open", "ticket.call"])
        let me = try client.send("GET", "/v1/staff/me", headers: Self.bearer(admin))
        #expect(me.json["role"] as? String == "admin" && (me.json["offices"] as? [Int])?.isEmpty == true)
    }

    @Test func aTicketGoesThroughEveryState() throws {
        let app = try TestServer()
        let client = try app.client()
        let clerk = try app.staffToken(.clerk)
        let first = try Self.draw(client)
        #expect(first["number"] as? String == "W 001" && first["state"] as? String == "waiting")
        #expect(first["estimated_wait_minutes"] as? Int != nil && first["waiting_ahead"] as? Int == 0)
        let second = try Self.draw(client)
        #expect(second["number"] as? String == "W 002" && second["waiting_ahead"] as? Int == 1)
        // Called, called again, served, done.
        let called = try Self.callNext(client, desk: 1, clerk)
        #expect(called.status == 200 && called.json["id"] as? String == first["id"] as? String && called.json["calls"] as? Int == 1)
        #expect(try Self.callNext(client, desk: 1, clerk).status == 409)   // desk 1 has someone called
        #expect(try Self.act(client, "done", first["id"], clerk).status == 409)   // not yet served
        #expect(try Self.act(client, "recall", first["id"], clerk).json["calls"] as? Int == 2)
        #expect(try Self.act(client, "serve", first["id"], clerk).json["state"] as? String == "serving")
        let done = try Self.act(client, "done", first["id"], clerk)
        #expect(done.json["state"] as? String == "done" && done.json["finished_at"] as? String != nil)
        // Parked tickets are not called; resumed ones are, in their place.
        #expect(try Self.act(client, "park", second["id"], clerk).json["state"] as? String == "parked")
        #expect(try Self.callNext(client, desk: 1, clerk).status == 204)
        #expect(try Self.act(client, "resume", second["id"], clerk).json["state"] as? String == "waiting")
        #expect(try Self.callNext(client, desk: 1, clerk).json["id"] as? String == second["id"] as? String)
        // Sent to desk 3: only desk 3 calls it.
        #expect(try Self.act(client, "redirect", second["id"], clerk, body: #"{"desk":3}"#).json["target_desk"] as? Int == 3)
        #expect(try Self.callNext(client, desk: 1, clerk).status == 204)
        #expect(try Self.callNext(client, desk: 3, clerk).json["id"] as? String == second["id"] as? String)
        // Called three times without coming: the fourth call makes it a no-show.
        _ = try Self.act(client, "recall", second["id"], clerk)
        _ = try Self.act(client, "recall", second["id"], clerk)
        #expect(try Self.act(client, "recall", second["id"], clerk).json["state"] as? String == "no_show")
        // Sent to another office: a new ticket there, keeping its arrival.
        let third = try Self.draw(client)
        // Not to a place where no desk could call it: the help desk Au does not do passports.
        let nowhere = try Self.act(client, "redirect", third["id"], clerk, body: #"{"office":990001}"#)
        #expect(nowhere.status == 422 && nowhere.json["field"] as? String == "office", "\(nowhere.text)")
        #expect(try app.scalar("SELECT count(*) FROM queue_ticket WHERE office_id = 990001") == "0")
        // Nor to an office whose desks are all out of service today.
        let leadThere = try app.staffToken(.lead, offices: [10489], name: "Lead Ruppertstraße")
        let desksThere = try #require(try app.scalar("SELECT string_agg(number::text, ',') FROM desk WHERE office_id = 10489"))
        for number in desksThere.split(separator: ",") {
            #expect(try client.send("POST", "/v1/offices/10489/desks/\(number)/close", headers: Self.bearer(leadThere)).status == 204)
        }
        let closed = try Self.act(client, "redirect", third["id"], clerk, body: #"{"office":10489}"#)
        #expect(closed.status == 409 && closed.json["field"] as? String == "office", "\(closed.text)")
        for number in desksThere.split(separator: ",") {
            #expect(try client.send("POST", "/v1/offices/10489/desks/\(number)/open", headers: Self.bearer(leadThere)).status == 204)
        }
        let moved = try Self.act(client, "redirect", third["id"], clerk, body: #"{"office":10489}"#)
        #expect(moved.json["state"] as? String == "redirected")
        let target = try #require(moved.json["redirected_to"] as? String)
        let there = try client.send("GET", "/v1/offices/10489/tickets/\(target)")
        #expect(there.json["state"] as? String == "waiting" && there.json["arrived_at"] as? String == third["arrived_at"] as? String)
        #expect(try client.send("GET", "/v1/offices/\(Self.office)/tickets/\(target)").status == 404)
        #expect(try Self.act(client, "redirect", third["id"], clerk, body: "{}").status == 422)   // where to?
        #expect(try Self.act(client, "redirect", third["id"], clerk, body: #"{"desk":3}"#).status == 409)   // already gone
        #expect(try Self.act(client, "serve", "00000000-0000-0000-0000-000000000000", clerk).status == 404)
    }

    /// Books Monday 09:30, checks its holder in at 09:00, and has a clerk move it to Tuesday 09:30. Returns the booking's
    /// check-in body and Monday's ticket.
    static func checkedInThenMovedToTuesday(_ client: TestHTTPClient, clerk: String) throws
        -> (id: String, checkIn: String, monday: TestHTTPClient.Response) {
        let booked = try client.send("POST", "/v1/bookings", body: #"{"office":102522,"start":"2026-11-30T09:30:00+01:00","services":[{"id":1063441}]}"#)
        let id = try #require(booked.json["id"] as? String), code = try #require(booked.json["code"] as? String)
        let checkIn = #"{"booking":"\#(id)","code":"\#(code)"}"#
        let monday = try client.send("POST", "/v1/offices/\(Self.office)/check-ins", body: checkIn)
        #expect(monday.status == 201, "\(monday.text)")
        let moved = try client.send("POST", "/v1/bookings/\(id)/move", headers: Self.bearer(clerk),
                                    body: #"{"start":"2026-12-01T09:30:00+01:00"}"#)
        #expect(moved.status == 200, "\(moved.text)")
        return (id, checkIn, monday)
    }

    /// A holder checked in, then a clerk moved the booking to the next day: that day's kiosk checks it in anew, with a
    /// number of that day (not the earlier visit's, which no desk would call), and the clerk sees that day's ticket.
    @Test func aBookingMovedAfterItsCheckInIsCheckedInAnewOnItsNewDay() throws {
        let app = try TestServer()
        let client = try app.client()
        let clerk = try app.staffToken(.clerk)
        let (id, checkIn, monday) = try Self.checkedInThenMovedToTuesday(client, clerk: clerk)
        app.clock.advance(seconds: 86_400)   // Tuesday 09:00
        let tuesday = try client.send("POST", "/v1/offices/\(Self.office)/check-ins", body: checkIn)
        #expect(tuesday.status == 201 && tuesday.json["id"] as? String != monday.json["id"] as? String, "\(tuesday.text)")
        #expect(tuesday.json["number"] as? String == "T 001" && tuesday.json["state"] as? String == "waiting")
        let seen = try client.send("GET", "/v1/offices/\(Self.office)/bookings/\(id)", headers: Self.bearer(clerk))
        #expect(seen.status == 200 && (seen.json["ticket"] as? [String: Any])?["id"] as? String == tuesday.json["id"] as? String,
                "\(seen.text)")
    }

    /// A check-in stands for its own day: a booking moved to the next day after its holder checked in, and not
    /// checked in that day, lapses there.
    @Test func aCheckInOfAnEarlierVisitKeepsNoMovedBookingFromLapsing() throws {
        let app = try TestServer()
        let client = try app.client()
        let (id, _, _) = try Self.checkedInThenMovedToTuesday(client, clerk: try app.staffToken(.clerk))
        app.clock.advance(seconds: 86_400 + 41 * 60)   // Tuesday 09:41, past the grace
        _ = try Self.draw(client)   // the counters at work
        try app.assembly.counters.sweepNoShows()
        #expect(try app.scalar("SELECT status FROM appointment WHERE id = $1", [id]) == "no_show")
    }

    @Test func appointmentsComeFirstAndALapsedOneReleasesItsTimeToWalkIns() throws {
        let app = try TestServer()
        let client = try app.client()
        let clerk = try app.staffToken(.clerk)
        let booked = try client.send("POST", "/v1/bookings", body: #"{"office":102522,"start":"2026-11-30T09:30:00+01:00","services":[{"id":1063441}],"contact":{"name":"Erika Muster"}}"#)
        let lapsing = try client.send("POST", "/v1/bookings", body: #"{"office":102522,"start":"2026-11-30T09:45:00+01:00","services":[{"id":1063441}]}"#)
        #expect(booked.status == 201 && lapsing.status == 201)
        let bookingID = try #require(booked.json["id"] as? String), code = try #require(booked.json["code"] as? String)
        // A wrong code checks nobody in; the right one gives a T number.
        #expect(try client.send("POST", "/v1/offices/\(Self.office)/check-ins", body: #"{"booking":"\#(bookingID)","code":"wrong"}"#).status == 404)
        let checkedIn = try client.send("POST", "/v1/offices/\(Self.office)/check-ins", body: #"{"booking":"\#(bookingID)","code":"\#(code)"}"#)
        #expect(checkedIn.status == 201 && checkedIn.json["number"] as? String == "T 001" && checkedIn.json["kind"] as? String == "appointment")
        let again = try client.send("POST", "/v1/offices/\(Self.office)/check-ins", body: #"{"booking":"\#(bookingID)","code":"\#(code)"}"#)
        #expect(again.json["id"] as? String == checkedIn.json["id"] as? String)
        let walkIn = try Self.draw(client)
        // 9:00: the appointment (9:30) is not due; the walk-in goes first.
        #expect(try Self.callNext(client, desk: 4, clerk).json["id"] as? String == walkIn["id"] as? String)
        // 9:27: due; desk 5 calls the appointment holder.
        app.clock.advance(seconds: 27 * 60)
        #expect(try Self.callNext(client, desk: 5, clerk).json["id"] as? String == checkedIn.json["id"] as? String)
        // 9:56: the 9:45 booking was not checked in within 10 minutes: a no-show, its time back in the ledger.
        let held = app.assembly.statistics.ledgerAppointments
        app.clock.advance(seconds: 29 * 60)
        let lapsedID = try #require(lapsing.json["id"] as? String)
        #expect(try app.scalar("SELECT status FROM appointment WHERE id = $1", [lapsedID]) == "confirmed")
        try app.assembly.counters.sweepNoShows()   // the housekeeping loop's sweep; no queue change needed
        #expect(try app.scalar("SELECT status FROM appointment WHERE id = $1", [lapsedID]) == "no_show")
        #expect(app.assembly.statistics.ledgerAppointments == held - 1)
        let lapsedCode = try #require(lapsing.json["code"] as? String)
        let late = try client.send("POST", "/v1/offices/\(Self.office)/check-ins", body: #"{"booking":"\#(lapsedID)","code":"\#(lapsedCode)"}"#)
        #expect(late.status == 409 && late.json["field"] as? String == "booking")
        // The audit log names who did what, and never the citizen's name.
        let lead = try app.staffToken(.lead, name: "Lead")
        let audit = try client.send("GET", "/v1/offices/\(Self.office)/audit", headers: Self.bearer(lead))
        let entries = audit.json["entries"] as? [[String: Any]] ?? []
        #expect(entries.contains { $0["action"] as? String == "booking.no-show" && $0["actor"] as? String == "engine" })
        #expect(entries.contains { $0["action"] as? String == "booking.check-in" && $0["actor"] as? String == "citizen" })
        #expect(entries.contains { $0["action"] as? String == "ticket.call" && $0["staff_name"] as? String == "Clerk" })
        #expect(!audit.text.contains("Erika"))
        // The counter looks the booking up with the name, and sees its ticket.
        let looked = try client.send("GET", "/v1/offices/\(Self.office)/bookings/\(bookingID)", headers: Self.bearer(clerk))
        #expect(looked.json["contact_name"] as? String == "Erika Muster" && (looked.json["ticket"] as? [String: Any])?["number"] as? String == "T 001")
    }

    /// Past its grace a booking is a no-show whether or not anything at the office marked it so yet: checking it in is
    /// refused, and no ticket is drawn for it.
    @Test func aCheckInPastTheGraceIsRefusedThoughNothingMarkedTheNoShowYet() throws {
        let app = try TestServer()
        let client = try app.client()
        let booked = try client.send("POST", "/v1/bookings", body: #"{"office":102522,"start":"2026-11-30T09:30:00+01:00","services":[{"id":1063441}]}"#)
        let bookingID = try #require(booked.json["id"] as? String), code = try #require(booked.json["code"] as? String)
        app.clock.advance(seconds: 40 * 60)   // 9:40: ten minutes after its start, no ticket drawn at the office today
        let late = try client.send("POST", "/v1/offices/\(Self.office)/check-ins", body: #"{"booking":"\#(bookingID)","code":"\#(code)"}"#)
        #expect(late.status == 409 && late.json["field"] as? String == "booking", "\(late.json)")
        #expect(try app.scalar("SELECT count(*) FROM queue_ticket") == "0")
        #expect(try app.scalar("SELECT status FROM appointment WHERE id = $1", [bookingID]) == "no_show")
    }

    @Test func theAuditLogRefusesChanges() throws {
        let app = try TestServer()
        let client = try app.client()
        _ = try Self.draw(client)
        #expect(try app.scalar("SELECT count(*) FROM audit_log") == "1")
        #expect(throws: (any Error).self) { try app.scalar("UPDATE audit_log SET action = 'x' RETURNING id") }
        #expect(throws: (any Error).self) { try app.scalar("DELETE FROM audit_log RETURNING id") }
        #expect(throws: (any Error).self) { try app.scalar("TRUNCATE audit_log") }
        #expect(try app.scalar("SELECT action FROM audit_log") == "ticket.draw")
    }

    /// Ten desks call at once, over and over: every ticket is called exactly once. Without the office lock, two
    /// transactions would read the same waiting ticket and both call it.
    @Test func clerksCallingAtOnceNeverGetTheSameTicket() throws {
        let app = try TestServer()
        let client = try app.client()
        let clerk = try app.staffToken(.clerk)
        let drawn = try (0..<40).map { _ in try Self.draw(client)["id"] as! String }
        let port = app.server.port
        let calledByDesk = try TestThreads.run(count: 10) { index -> [String] in
            let desk = index + 1
            let client = try TestHTTPClient(port: port)
            var called: [String] = []
            for _ in 0...drawn.count {   // every ticket at most once, then 204
                let response = try Self.callNext(client, desk: desk, clerk)
                guard response.status == 200, let id = response.json["id"] as? String else {
                    #expect(response.status == 204)
                    return called
                }
                called.append(id)
                #expect(try Self.act(client, "serve", id, clerk).status == 200)
                #expect(try Self.act(client, "done", id, clerk).status == 200)
            }
            Issue.record("desk \(desk) was called more tickets than were drawn")
            return called
        }
        let called = calledByDesk.flatMap { $0 }
        #expect(called.count == drawn.count && Set(called) == Set(drawn))
    }

    @Test func theQueueSurvivesARestart() throws {
        let conninfo: String
        let clerkToken: String
        var ids: [String] = []
        do {
            let app = try TestServer()
            conninfo = app.conninfo
            let client = try app.client()
            clerkToken = try app.staffToken(.clerk)
            ids = try (0..<2).map { _ in try Self.draw(client)["id"] as! String }
            #expect(try Self.callNext(client, desk: 1, clerkToken).json["id"] as? String == ids[0])
        }
        let app = try TestServer(conninfo: conninfo)
        let client = try app.client()
        let listed = try client.send("GET", Self.tickets, headers: Self.bearer(clerkToken))
        let states = (listed.json["tickets"] as? [[String: Any]] ?? []).map { $0["state"] as? String ?? "" }
        #expect(states == ["called", "waiting"])
        #expect(try Self.callNext(client, desk: 2, clerkToken).json["id"] as? String == ids[1])
        #expect(try Self.draw(client)["number"] as? String == "W 003")
    }

    @Test func theDisplayHearsCallsAsServerSentEvents() throws {
        let app = try TestServer()
        let client = try app.client()
        let clerk = try app.staffToken(.clerk)
        let display = try app.client()
        try display.sendRaw(Array("GET /v1/offices/\(Self.office)/calls HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8))
        let head = try display.readUntil("retry: 3000\n\n")
        #expect(head.hasPrefix("HTTP/1.1 200 OK") && head.contains("Content-Type: text/event-stream"))
        #expect(!head.contains("Content-Length"))
        try Wait.required("the display follows") { app.assembly.counters.broadcaster.followerCount == 1 }
        let ticket = try Self.draw(client)
        _ = try Self.callNext(client, desk: 7, clerk)
        let event = try display.readUntil("\n\n")
        #expect(event.hasPrefix("event: call\ndata: ") && event.contains(#""number":"W 001""#) && event.contains(#""desk":7"#))
        _ = try Self.act(client, "recall", ticket["id"], clerk)
        #expect(try display.readUntil("\n\n").contains(#""calls":2"#))
        // Another office's calls do not reach this display; the public status lists the call, without personal data.
        let status = try client.send("GET", "/v1/offices/\(Self.office)/queue")
        #expect(((status.json["recent_calls"] as? [[String: Any]])?.first?["number"] as? String) == "W 001")
        #expect(((status.json["at_desks"] as? [[String: Any]])?.first?["desk"] as? Int) == 7)
        // A display that goes away stops being followed.
        display.disconnect()
        try Wait.required("the display is dropped") {
            _ = try Self.act(client, "recall", ticket["id"], clerk)
            return app.assembly.counters.broadcaster.followerCount == 0
        }
    }

    /// Instances behind one portal share an office's queue: a display following it through one instance hears the
    /// calls a clerk makes through another.
    @Test func aDisplayHearsCallsMadeThroughAnotherInstance() throws {
        let first = try TestServer()
        let second = try TestServer(conninfo: first.conninfo)
        let clerk = try first.staffToken(.clerk)
        let display = try second.client()
        try display.sendRaw(Array("GET /v1/offices/\(Self.office)/calls HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8))
        _ = try display.readUntil("retry: 3000\n\n")
        try Wait.required("the display follows") { second.assembly.counters.broadcaster.followerCount == 1 }
        let client = try first.client()
        _ = try Self.draw(client)
        _ = try Self.callNext(client, desk: 3, clerk)
        let event = try display.readUntil("\n\n")
        #expect(event.hasPrefix("event: call\ndata: ") && event.contains(#""number":"W 001""#) && event.contains(#""desk":3"#))
    }

    /// Clerks at two offices sending tickets to each other at the same moment: every redirect goes through. Each took
    /// its own office's lock and waited for the other's, a deadlock PostgreSQL broke by failing one of them (503).
    @Test func redirectsBetweenTwoOfficesInBothDirectionsAtOnceAllGoThrough() throws {
        let app = try TestServer()
        let client = try app.client()
        let other = 10489
        let clerk = try app.staffToken(.clerk, offices: [Self.office, other])
        var tickets: [Int: [String]] = [:]
        for office in [Self.office, other] {
            for _ in 0..<12 {
                let drawn = try client.send("POST", "/v1/offices/\(office)/tickets", body: #"{"services":[{"id":1063441}]}"#)
                try #require(drawn.status == 201, "\(drawn.text)")
                tickets[office, default: []].append(drawn.json["id"] as! String)
            }
        }
        let port = app.server.port, drawn = tickets
        let statuses = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let (from, to) = index == 0 ? (Self.office, other) : (other, Self.office)
            guard let sender = try? TestHTTPClient(port: port) else { return }
            for ticket in drawn[from]! {
                let moved = try? sender.send("POST", "/v1/offices/\(from)/tickets/\(ticket)/redirect",
                                             headers: Self.bearer(clerk), body: #"{"office":\#(to)}"#)
                statuses.withLock { $0.append(moved?.status ?? -1) }
            }
        }
        #expect(statuses.withLock { $0 } == Array(repeating: 200, count: 24))
    }
}
