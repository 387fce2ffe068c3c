import Testing
import TerminCore
import TerminTestSupport
@testable import TerminAPI

/// Booking on a citizen's behalf: who may where, the audit line that says who booked, an intermediary's daily quota.
@Suite struct OnBehalfTests {
    /// The demo help desk Au: Anna on Tuesdays 13:00-16:00 helps with the eID (30 minutes).
    static let au = 990_001
    static let eID = 9_900_001

    static func body(_ time: String, office: Int = au, service: Int = eID) -> String {
        #"{"office":\#(office),"start":"2026-12-01T\#(time):00+01:00","services":[{"id":\#(service),"quantity":1}],"channel":"staff","contact":{"name":"Frau K.","email":"k@example.org"}}"#
    }

    static func bearer(_ token: String) -> [String: String] { ["Authorization": "Bearer \(token)"] }

    @Test func anIntermediaryBooksAtHelpPlacesForACitizenAndTheAuditLogSaysWho() throws {
        let app = try TestServer()
        let client = try app.client()
        let social = try app.staffToken(.intermediary, offices: [], name: "Sozialbürgerhaus Nord")
        let booked = try client.send("POST", "/v1/bookings", headers: Self.bearer(social), body: Self.body("13:00"))
        #expect(booked.status == 201 && (booked.json["code"] as? String)?.isEmpty == false)   // the code, for the citizen
        let id = try #require(booked.json["id"] as? String)
        let line = try app.scalar("""
            SELECT s.name || '|' || l.actor || '|' || l.office_id FROM audit_log l JOIN staff_account s ON s.id = l.staff_id
            WHERE l.action = 'booking.on-behalf' AND l.subject = $1
            """, ["booking:" + id])
        #expect(line == "Sozialbürgerhaus Nord|staff|\(Self.au)")
        // Not at a citizen office; nor a planner anywhere; a helper only at its places.
        let orleansplatz = try client.send("POST", "/v1/bookings", headers: Self.bearer(social),
                                           body: Self.body("10:00", office: TestServer.orleansplatz, service: TestServer.personalausweis))
        #expect(orleansplatz.status == 403)
        let planner = try app.staffToken(.planner, offices: [], name: "Planner")
        #expect(try client.send("POST", "/v1/bookings", headers: Self.bearer(planner), body: Self.body("13:30")).status == 403)
        let helper = try app.staffToken(.helper, offices: [990_003], name: "Helper Giesing")
        #expect(try client.send("POST", "/v1/bookings", headers: Self.bearer(helper), body: Self.body("13:30")).status == 403)
        let helperAu = try app.staffToken(.helper, offices: [Self.au], name: "Helper Au")
        #expect(try client.send("POST", "/v1/bookings", headers: Self.bearer(helperAu), body: Self.body("13:30")).status == 201)
        // A clerk's booking at its office is recorded as well.
        let clerk = try app.staffToken()
        let counter = try client.send("POST", "/v1/bookings", headers: Self.bearer(clerk),
                                      body: Self.body("10:00", office: TestServer.orleansplatz, service: TestServer.personalausweis))
        #expect(counter.status == 201)
        #expect(try app.scalar("SELECT count(*) FROM audit_log WHERE action = 'booking.on-behalf'") == "3")
        // An online booking is nobody's on behalf.
        let online = #"{"office":\#(Self.au),"start":"2026-12-01T14:00:00+01:00","services":[{"id":\#(Self.eID),"quantity":1}]}"#
        #expect(try client.send("POST", "/v1/bookings", body: online).status == 201)
        #expect(try app.scalar("SELECT count(*) FROM audit_log WHERE action = 'booking.on-behalf'") == "3")
    }

    /// Six bookings at once by an intermediary with a quota of three: exactly three stand, the others are refused
    /// naming the quota, and nothing of them is written.
    @Test func anIntermediarysDailyQuotaHoldsUnderConcurrentBookings() throws {
        let app = try TestServer()
        let port = app.server.port
        let social = try app.staffToken(.intermediary, offices: [], name: "115", dailyQuota: 3)
        let times = ["13:00", "13:30", "14:00", "14:30", "15:00", "15:30"]
        let answers = try TestThreads.run(count: times.count) { index in
            try TestHTTPClient(port: port).send("POST", "/v1/bookings", headers: Self.bearer(social), body: Self.body(times[index]))
        }
        #expect(answers.count { $0.status == 201 } == 3, "\(answers.map(\.status))")
        let refused = answers.filter { $0.status != 201 }
        #expect(refused.allSatisfy { $0.status == 409 && $0.json["type"] as? String == "urn:termin:problem:quota-reached" })
        #expect(refused.allSatisfy { $0.json["field"] as? String == "daily_quota" && ($0.json["detail"] as? String)?.contains("3") == true })
        #expect(try app.scalar("SELECT count(*) FROM appointment") == "3")
        #expect(try app.scalar("SELECT count(*) FROM audit_log WHERE action = 'booking.on-behalf'") == "3")
        // The next day the quota is whole again.
        app.clock.advance(seconds: 86_400)
        let wednesdayAtOlena = #"{"office":\#(Self.au),"start":"2026-12-02T10:00:00+01:00","services":[{"id":\#(Self.eID),"quantity":1}],"channel":"staff"}"#
        #expect(try app.client().send("POST", "/v1/bookings", headers: Self.bearer(social), body: wednesdayAtOlena).status == 201)
    }

    /// The care home's mobile stop is reserved for its residents: online and at a clerk's counter the booking is
    /// refused, explaining for whom it is; an intermediary (or a helper) books it for them.
    @Test func aStopReservedForACareHomeIsBookedOnlyOnItsResidentsBehalf() throws {
        let app = try TestServer()
        let client = try app.client()
        // Freimann: Anna on Thursdays 09:00-11:00.
        func body(channel: String?) -> String {
            #"{"office":990013,"start":"2026-12-03T09:00:00+01:00","services":[{"id":9900001,"quantity":1}]"#
                + (channel.map { #","channel":"\#($0)""# } ?? "") + "}"
        }
        let office = try client.send("GET", "/v1/offices/990013")
        #expect(((office.json["services"] as? [[String: Any]])?.first?["reserved_for"] as? String)?.contains("Seniorenwohnens Freimann") == true)
        let online = try client.send("POST", "/v1/bookings", body: body(channel: nil))
        #expect(online.status == 422 && online.json["type"] as? String == "urn:termin:problem:reserved-offer")
        #expect(online.json["field"] as? String == "services[0].id" && (online.json["detail"] as? String)?.contains("Seniorenwohnens Freimann") == true)
        #expect(try client.send("GET", "/v1/availability?office=990013&service=9900001&from=2026-12-03&to=2026-12-03").status == 422)
        let clerk = try app.staffToken(.clerk, offices: [990_013], name: "Clerk")
        let atCounter = try client.send("POST", "/v1/bookings", headers: Self.bearer(clerk), body: body(channel: "staff"))
        #expect(atCounter.status == 422 && atCounter.json["type"] as? String == "urn:termin:problem:reserved-offer")
        let hold = try client.send("POST", "/v1/holds", headers: Self.bearer(clerk), body: body(channel: "staff"))
        #expect(hold.status == 422)
        #expect(try app.scalar("SELECT count(*) FROM appointment") == "0")
        let social = try app.staffToken(.intermediary, offices: [], name: "Sozialdienst Seniorenwohnen")
        #expect(try client.send("POST", "/v1/bookings", headers: Self.bearer(social), body: body(channel: "staff")).status == 201)
    }

    /// A hold confirmed with a staff token is a booking on the citizen's behalf too: recorded, and within the quota.
    @Test func aHoldConfirmedByAnIntermediaryCountsAsTheirs() throws {
        let app = try TestServer()
        let client = try app.client()
        let social = try app.staffToken(.intermediary, offices: [], name: "115", dailyQuota: 1)
        func hold(_ time: String) throws -> String {
            let held = try client.send("POST", "/v1/holds", headers: Self.bearer(social), body: Self.body(time))
            try #require(held.status == 201, "\(held.text)")
            return try #require(held.json["id"] as? String)
        }
        let first = try hold("13:00"), second = try hold("13:30")
        let booked = try client.send("POST", "/v1/bookings", headers: Self.bearer(social), body: #"{"hold":"\#(first)"}"#)
        #expect(booked.status == 201)
        #expect(try app.scalar("SELECT count(*) FROM audit_log WHERE action = 'booking.on-behalf' AND subject = $1", ["booking:" + first]) == "1")
        let over = try client.send("POST", "/v1/bookings", headers: Self.bearer(social), body: #"{"hold":"\#(second)"}"#)
        #expect(over.status == 409 && over.json["type"] as? String == "urn:termin:problem:quota-reached")
        #expect(try app.scalar("SELECT status FROM appointment WHERE id = $1", [second]) == "held")
        // A planner may not confirm it for anyone.
        let planner = try app.staffToken(.planner, offices: [], name: "Planner")
        #expect(try client.send("POST", "/v1/bookings", headers: Self.bearer(planner), body: #"{"hold":"\#(second)"}"#).status == 403)
    }
}
