import Foundation
import Testing
import TerminCore
import TerminTestSupport
@testable import TerminAPI

/// An office's master data changed through the API: audited, in force at once on every instance, leaving the
/// bookings it no longer opens as conflicts for staff to move or cancel.
@Suite struct MasterDataTests {
    static let office = "/v1/offices/102522"

    static func bearer(_ token: String) -> [String: String] { ["Authorization": "Bearer \(token)"] }

    /// Starts offered by `app` on Tuesday for a Personalausweis (online unless `staff` names a staff token).
    static func tuesdayStarts(_ app: TestServer, staff: String? = nil) throws -> [String] {
        let target = "/v1/availability?office=102522&service=1063441&from=2026-12-01&to=2026-12-01"
            + (staff == nil ? "" : "&channel=staff")
        let response = try app.client().send("GET", target, headers: staff.map(bearer) ?? [:])
        #expect(response.status == 200, "\(response.text)")
        return response.availabilityDays.first?.starts ?? []
    }

    static func book(_ app: TestServer, _ time: String) throws -> String {
        let response = try app.client().send("POST", "/v1/bookings", body: TestServer.holdBody(start: TestServer.tuesday(time)))
        #expect(response.status == 201, "\(response.text)")
        return try #require(response.json["id"] as? String)
    }

    @Test func aClosedDayIsClosedAtOnceOnEveryInstanceAndItsBookingsAreConflicts() throws {
        let a = try TestServer()
        let b = try TestServer(conninfo: a.conninfo)
        let booked = try Self.book(a, "09:00")
        #expect(!(try Self.tuesdayStarts(b)).isEmpty)
        let lead = try a.staffToken(.lead, name: "Lead")
        let closed = try a.client().send("POST", Self.office + "/closures", headers: Self.bearer(lead),
                                         body: #"{"from":"2026-12-01","reason":"Betriebsversammlung"}"#)
        #expect(closed.status == 201, "\(closed.text)")
        #expect(closed.json["conflicts"] as? [String] == [booked])
        #expect((closed.json["closures"] as? [[String: Any]])?.map { $0["date"] as? String } == ["2026-12-01"])
        // At once here; on the other instance as soon as its notification arrives.
        #expect(try Self.tuesdayStarts(a).isEmpty)
        #expect(try Wait.until("the other instance to close the day", seconds: 5) { try Self.tuesdayStarts(b).isEmpty })
        let hold = try b.client().send("POST", "/v1/holds", body: TestServer.holdBody(start: TestServer.tuesday("10:00")))
        #expect(hold.status == 422 && hold.json["field"] as? String == "start", "\(hold.text)")
        // The booking stays, listed as a conflict until staff cancel (or move) it.
        #expect(try a.scalar("SELECT status FROM appointment WHERE id = $1", [booked]) == "confirmed")
        let conflicts = try b.client().send("GET", Self.office + "/conflicts", headers: Self.bearer(lead))
        #expect((conflicts.json["conflicts"] as? [[String: Any]])?.map { $0["booking"] as? String } == [booked], "\(conflicts.text)")
        #expect(try b.client().send("DELETE", "/v1/bookings/\(booked)", headers: Self.bearer(lead)).status == 200)
        #expect((try a.client().send("GET", Self.office + "/conflicts", headers: Self.bearer(lead)).json["conflicts"] as? [Any])?.isEmpty == true)
        // Opened again: the times come back everywhere.
        let listed = try a.client().send("GET", Self.office + "/closures", headers: Self.bearer(lead))
        #expect((listed.json["closures"] as? [[String: Any]])?.first?["reason"] as? String == "Betriebsversammlung")
        #expect(try a.client().send("DELETE", Self.office + "/closures/2026-12-01", headers: Self.bearer(lead)).status == 204)
        #expect(try a.client().send("DELETE", Self.office + "/closures/2026-12-01", headers: Self.bearer(lead)).status == 404)
        #expect(!(try Self.tuesdayStarts(a)).isEmpty)
        #expect(try Wait.until("the other instance to open the day", seconds: 5) { !(try Self.tuesdayStarts(b)).isEmpty })
        #expect(try a.scalar("SELECT string_agg(action, ' ' ORDER BY id) FROM audit_log WHERE subject = 'office:102522'")
                == "office.close office.reopen")
    }

    @Test func newOpeningRulesChangeTheFreeTimesAndListTheBookingsOutsideThem() throws {
        let app = try TestServer()
        let client = try app.client()
        let admin = try app.staffToken(.admin, offices: [], name: "Admin")
        let early = try Self.book(app, "08:30"), late = try Self.book(app, "11:00")
        let before = try client.send("GET", Self.office + "/opening-rules", headers: Self.bearer(admin))
        #expect(before.status == 200 && !((before.json["rules"] as? [Any]) ?? []).isEmpty, "\(before.text)")
        let body = #"{"rules":[{"weekdays":[1,2,3,4,5],"valid_from":"2026-01-01","opens":"08:00","closes":"10:00","staffed_desks":2}]}"#
        let replaced = try client.send("PUT", Self.office + "/opening-rules", headers: Self.bearer(admin), body: body)
        #expect(replaced.status == 200, "\(replaced.text)")
        #expect(replaced.json["conflicts"] as? [String] == [late])
        let rules = try #require(replaced.json["rules"] as? [[String: Any]])
        #expect(rules.count == 1 && rules[0]["opens"] as? String == "08:00" && rules[0]["closes"] as? String == "10:00")
        let starts = try Self.tuesdayStarts(app, staff: admin)
        #expect(!starts.isEmpty && starts.allSatisfy { $0 >= TestServer.tuesday("08:00") && $0 < TestServer.tuesday("10:00") }, "\(starts)")
        #expect(try app.scalar("SELECT status FROM appointment WHERE id = $1", [early]) == "confirmed")
        #expect(try app.scalar("SELECT action || ' ' || actor FROM audit_log WHERE subject = 'office:102522'")
                == "office.opening-rules staff")
    }

    /// A change that contradicts itself is a 422 naming the field, and changes nothing.
    @Test(arguments: [
        (#"{"rules":[{"weekdays":[2],"valid_from":"2026-01-01","opens":"08:00","closes":"12:00","staffed_desks":2},{"weekdays":[1,2],"valid_from":"2026-06-01","opens":"11:00","closes":"13:00","staffed_desks":2}]}"#, "rules[1]"),
        (#"{"rules":[{"weekdays":[2],"valid_from":"2026-02-01","valid_to":"2026-01-01","opens":"08:00","closes":"12:00","staffed_desks":2}]}"#, "rules[0].valid_to"),
        (#"{"rules":[{"weekdays":[2],"valid_from":"2026-01-01","opens":"12:00","closes":"08:00","staffed_desks":2}]}"#, "rules[0].closes"),
        (#"{"rules":[{"weekdays":[2],"valid_from":"2026-01-01","opens":"8","closes":"12:00","staffed_desks":2}]}"#, "rules[0].opens"),
        (#"{"rules":[{"weekdays":[8],"valid_from":"2026-01-01","opens":"08:00","closes":"12:00","staffed_desks":2}]}"#, "rules[0].weekdays"),
        (#"{"rules":[{"weekdays":[2],"valid_from":"2026-01-01","opens":"08:00","closes":"12:00","staffed_desks":999}]}"#, "rules[0].staffed_desks"),
        (#"{"rules":[{"weekdays":[2],"valid_from":"someday","opens":"08:00","closes":"12:00","staffed_desks":2}]}"#, "rules[0].valid_from"),
        (#"{"rules":[{"weekdays":[2],"valid_from":"0000-01-01","opens":"08:00","closes":"12:00","staffed_desks":2}]}"#, "rules[0].valid_from"),
    ])
    func aContradictoryRuleSetChangesNothing(body: String, field: String) throws {
        let app = try TestServer()
        let admin = try app.staffToken(.admin, offices: [], name: "Admin")
        let before = try app.scalar("SELECT count(*) || ' ' || sum(end_minute - start_minute) FROM opening_rule WHERE office_id = 102522")
        let refused = try app.client().send("PUT", Self.office + "/opening-rules", headers: Self.bearer(admin), body: body)
        #expect(refused.status == 422 && refused.json["field"] as? String == field, "\(refused.text)")
        #expect(try app.scalar("SELECT count(*) || ' ' || sum(end_minute - start_minute) FROM opening_rule WHERE office_id = 102522") == before)
        #expect(try app.scalar("SELECT count(*) FROM audit_log") == "0")
    }

    /// Books `time` on Tuesday until it is full; returns how many bookings it took (at most 100).
    static func fill(_ app: TestServer, _ time: String) throws -> Int {
        let client = try app.client()
        for count in 0..<100 {
            let response = try client.send("POST", "/v1/bookings", body: TestServer.holdBody(start: TestServer.tuesday(time)))
            if response.status == 409 { return count }
            #expect(response.status == 201, "\(response.text)")
        }
        return 100
    }

    @Test func aDeskOutOfServiceTakesNoBookingsAndItsBookingsAreConflicts() throws {
        let app = try TestServer()
        let client = try app.client()
        let lead = try app.staffToken(.lead, name: "Lead")
        let capacity = try Self.fill(app, "10:00")
        #expect(capacity > 1)
        let booked = try Self.book(app, "09:00")
        let deskNumber = try #require(try app.scalar("""
            SELECT d.number FROM appointment a JOIN desk d ON d.id = a.desk_id WHERE a.id = $1
            """, [booked]))
        let out = try client.send("PATCH", Self.office + "/desks/\(deskNumber)", headers: Self.bearer(lead), body: #"{"in_service":false}"#)
        #expect(out.status == 200, "\(out.text)")
        // The 09:00 booking and the 10:00 one on that desk.
        let conflicts = try #require(out.json["conflicts"] as? [String])
        #expect(conflicts.count == 2 && conflicts.first == booked, "\(conflicts)")
        #expect((out.json["desk"] as? [String: Any])?["in_service"] as? Bool == false)
        // One desk fewer at 09:00.
        #expect(try Self.fill(app, "09:00") == capacity - 1)
        #expect(try client.send("PATCH", Self.office + "/desks/\(deskNumber)", headers: Self.bearer(lead),
                                body: #"{"services":[42]}"#).json["field"] as? String == "services[0]")
        #expect(try client.send("PATCH", Self.office + "/desks/\(deskNumber)", headers: Self.bearer(lead), body: "{}").status == 422)
        #expect(try client.send("PATCH", Self.office + "/desks/999", headers: Self.bearer(lead), body: #"{"in_service":true}"#).status == 404)
        // Back in service, the desk's bookings hold their time again: no conflicts, and 09:00 is still full.
        let back = try client.send("PATCH", Self.office + "/desks/\(deskNumber)", headers: Self.bearer(lead), body: #"{"in_service":true}"#)
        #expect(back.status == 200 && (back.json["conflicts"] as? [String])?.isEmpty == true, "\(back.text)")
        #expect(try Self.fill(app, "09:00") == 0)
        #expect(try client.send("DELETE", "/v1/bookings/\(booked)", headers: Self.bearer(lead)).status == 200)
        #expect(try Self.fill(app, "09:00") == 1)
    }

    @Test func bookingRulesBindNewBookingsOnly() throws {
        let app = try TestServer()
        let client = try app.client()
        let admin = try app.staffToken(.admin, offices: [], name: "Admin")
        let booked = try Self.book(app, "09:00")
        let changed = try client.send("PATCH", Self.office + "/booking-rules", headers: Self.bearer(admin),
                                      body: #"{"online_withheld_percent":100}"#)
        #expect(changed.status == 200 && changed.json["online_withheld_percent"] as? Int == 100, "\(changed.text)")
        #expect(changed.json["horizon_days"] as? Int != nil)
        #expect(try Self.tuesdayStarts(app).isEmpty)
        #expect(!(try Self.tuesdayStarts(app, staff: admin)).isEmpty)
        #expect(try app.scalar("SELECT status FROM appointment WHERE id = $1", [booked]) == "confirmed")
        let far = try client.send("PATCH", Self.office + "/booking-rules", headers: Self.bearer(admin), body: #"{"horizon_days":731}"#)
        #expect(far.status == 422 && far.json["field"] as? String == "horizon_days")
        #expect(try client.send("PATCH", Self.office + "/booking-rules", headers: Self.bearer(admin), body: "{}").status == 422)
    }

    @Test func whoMayChangeWhat() throws {
        let app = try TestServer()
        let client = try app.client()
        let lead = try app.staffToken(.lead, name: "Lead"), clerk = try app.staffToken(.clerk)
        let elsewhere = try app.staffToken(.lead, offices: [10489], name: "Lead elsewhere")
        let closure = #"{"from":"2026-12-02","reason":"Umzug"}"#
        #expect(try client.send("POST", Self.office + "/closures", body: closure).status == 401)
        #expect(try client.send("POST", Self.office + "/closures", headers: Self.bearer(clerk), body: closure).status == 403)
        #expect(try client.send("POST", Self.office + "/closures", headers: Self.bearer(elsewhere), body: closure).status == 403)
        #expect(try client.send("PATCH", Self.office + "/booking-rules", headers: Self.bearer(lead),
                                body: #"{"horizon_days":10}"#).status == 403)
        #expect(try client.send("PUT", Self.office + "/opening-rules", headers: Self.bearer(lead), body: #"{"rules":[]}"#).status == 403)
        #expect(try client.send("POST", "/v1/offices/1/closures", headers: Self.bearer(lead), body: closure).status == 404)
        #expect(try client.send("POST", Self.office + "/closures", headers: Self.bearer(lead),
                                body: #"{"from":"2026-12-03","to":"2026-12-02","reason":"Umzug"}"#).json["field"] as? String == "to")
        #expect(try client.send("POST", Self.office + "/closures", headers: Self.bearer(lead),
                                body: #"{"from":"2026-11-01","reason":"Umzug"}"#).json["field"] as? String == "from")
        #expect(try client.send("POST", Self.office + "/closures", headers: Self.bearer(lead),
                                body: #"{"from":"2026-12-02","reason":""}"#).json["field"] as? String == "reason")
        #expect(try app.scalar("SELECT count(*) FROM office_closure WHERE office_id = 102522 AND day >= '2026-11-01'") == "0")
        #expect(try client.send("POST", Self.office + "/closures", headers: Self.bearer(lead), body: closure).status == 201)
    }

    /// An office's calendar of closing days, exported from a groupware, closes those days.
    @Test func aCalendarFileOfClosingDaysIsImported() throws {
        let app = try TestServer()
        let lead = try app.staffToken(.lead, name: "Lead")
        let calendar = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Stadt München//Schließtage//DE",
            "BEGIN:VEVENT", "UID:1@muenchen.de", "DTSTAMP:20261201T080000Z", "DTSTART;VALUE=DATE:20261207",
            "DTEND;VALUE=DATE:20261209", "SUMMARY:Umzug\\, neue Räume im ", " Erdgeschoss", "END:VEVENT",
            "BEGIN:VEVENT", "UID:2@muenchen.de", "DTSTAMP:20261201T080000Z", "DTSTART;TZID=Europe/Berlin:20261211T130000",
            "DTEND;TZID=Europe/Berlin:20261211T160000", "SUMMARY:Personalversammlung", "END:VEVENT",
            "END:VCALENDAR", "",
        ].joined(separator: "\r\n")
        let imported = try app.client().send("POST", Self.office + "/closures",
                                             headers: Self.bearer(lead).merging(["Content-Type": "text/calendar"]) { $1 }, body: calendar)
        #expect(imported.status == 201, "\(imported.text)")
        let days = try #require(imported.json["closures"] as? [[String: Any]])
        #expect(days.map { $0["date"] as? String } == ["2026-12-07", "2026-12-08", "2026-12-11"])
        #expect(days.first?["reason"] as? String == "Umzug, neue Räume im Erdgeschoss")
        let recurring = calendar.replacingOccurrences(of: "SUMMARY:Personalversammlung", with: "RRULE:FREQ=WEEKLY")
        let refused = try app.client().send("POST", Self.office + "/closures",
                                            headers: Self.bearer(lead).merging(["Content-Type": "text/calendar"]) { $1 }, body: recurring)
        #expect(refused.status == 422 && (refused.json["detail"] as? String)?.contains("RRULE") == true, "\(refused.text)")
    }

    /// Bookings go on through both instances while the master data changes again and again: afterwards each
    /// instance's ledger holds exactly the database's live appointments and offers what a fresh instance offers, so
    /// no replaced ledger lost a booking or kept a cancelled one.
    @Test func bookingThroughChangesOfMasterDataLosesNothing() throws {
        let a = try TestServer()
        let b = try TestServer(conninfo: a.conninfo)
        let admin = try a.staffToken(.admin, offices: [], name: "Admin")
        let times = ["09:00", "09:30", "10:00"]   // few enough to fill: a lost booking would show as a free time
        let ports = [a.server.port, b.server.port]
        // Worker 8 closes and opens Wednesday and Thursday twelve times, alternating instances; the others book and
        // cancel Tuesday meanwhile.
        let answers = try TestThreads.run(count: 9) { worker in
            var statuses: [Int] = []
            if worker == 8 {
                for round in 0..<12 {
                    let day = round % 2 == 0 ? "2026-12-02" : "2026-12-03"
                    statuses.append(try TestHTTPClient(port: ports[round % 2]).send(
                        "POST", "/v1/offices/102522/closures", headers: Self.bearer(admin), body: "{\"from\":\"\(day)\",\"reason\":\"Probe\"}").status)
                    statuses.append(try TestHTTPClient(port: ports[(round + 1) % 2]).send(
                        "DELETE", "/v1/offices/102522/closures/\(day)", headers: Self.bearer(admin)).status)
                }
                return statuses
            }
            let client = try TestHTTPClient(port: ports[worker % 2])
            for attempt in 0..<12 {
                let time = times[(worker + attempt) % times.count]
                let booked = try client.send("POST", "/v1/bookings", body: TestServer.holdBody(start: TestServer.tuesday(time)))
                statuses.append(booked.status)
                if booked.status == 201, attempt % 3 == 0, let id = booked.json["id"] as? String, let code = booked.json["code"] as? String {
                    statuses.append(try client.send("DELETE", "/v1/bookings/\(id)", headers: ["Authorization": "Booking \(code)"]).status)
                }
            }
            return statuses
        }
        #expect(answers[8] == Array(repeating: [201, 204], count: 12).flatMap { $0 })
        #expect(answers[..<8].joined().allSatisfy { [200, 201, 409].contains($0) }, "\(answers)")
        let fresh = try TestServer(conninfo: a.conninfo)
        let expected = try Self.tuesdayStarts(fresh)
        let live = try #require(Int(try a.scalar("SELECT count(*) FROM appointment WHERE status IN ('held', 'confirmed')") ?? ""))
        #expect(live > 0)
        #expect(try Wait.until("both instances to agree with the database", seconds: 10) {
            try Self.tuesdayStarts(a) == expected && Self.tuesdayStarts(b) == expected
                && a.assembly.engine.live.appointmentCount == live && b.assembly.engine.live.appointmentCount == live
        })
        #expect(try a.scalar("SELECT count(*) FROM audit_log WHERE subject = 'office:102522'") == "24")
    }
}
