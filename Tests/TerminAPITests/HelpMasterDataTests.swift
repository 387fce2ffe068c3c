import Testing
import TerminTestSupport
@testable import TerminAPI

/// The master data of in-person help through the API: helpers and their shifts, group sessions (and their leaders'
/// time), reserved offers. Uses the demo places (`HelpPlacesTests`).
@Suite struct HelpMasterDataTests {
    static let au = HelpPlacesTests.au
    static let giesing = 990_003
    static let hasenbergl = 990_011
    static let eID = HelpPlacesTests.eID
    static let course = GroupSessionTests.course
    /// Olena (uk, ru, de): Wednesdays 10:00-13:00 at the Au.
    static let olena = 9_903

    static func bearer(_ token: String) -> [String: String] { ["Authorization": "Bearer \(token)"] }

    static func shift(office: Int, weekdays: [Int], opens: String, closes: String) -> String {
        #"{"office":\#(office),"weekdays":\#(weekdays),"valid_from":"2026-01-01","opens":"\#(opens)","closes":"\#(closes)"}"#
    }

    @Test func anAdminAddsAHelperAndGivesThemShifts() throws {
        let app = try TestServer()
        let client = try app.client()
        let admin = Self.bearer(try app.staffToken(.admin, offices: [], name: "Admin"))
        let listed = try #require(try client.send("GET", "/v1/helpers", headers: admin).json["helpers"] as? [[String: Any]])
        #expect(listed.count == 5 && listed.allSatisfy { $0["demo"] as? Bool == true })
        let olena = try #require(listed.first { $0["id"] as? Int == Self.olena })
        #expect((olena["shifts"] as? [[String: Any]])?.map { $0["office"] as? Int } == [Self.giesing, Self.au])

        // Nobody helps in Turkish at the Au; on Mondays nobody helps there at all.
        let monday = "office=\(Self.au)&service=\(Self.eID)&from=2026-12-07&to=2026-12-07"
        #expect(try client.send("GET", "/v1/availability?" + monday + "&languages=tr").status == 422)
        let added = try client.send("POST", "/v1/helpers", headers: admin,
                                    body: #"{"name":"Ayşe Demir","languages":["tr","de"],"skills":[\#(Self.eID)]}"#)
        #expect(added.status == 201, "\(added.json)")
        let id = try #require(added.json["id"] as? Int)
        #expect(added.header("location") == "/v1/helpers/\(id)" && added.json["demo"] as? Bool == false)
        #expect(added.json["languages"] as? [String] == ["de", "tr"] && (added.json["shifts"] as? [Any])?.isEmpty == true)
        let shifts = try client.send("PUT", "/v1/helpers/\(id)/shifts",
                                     headers: admin,
                                     body: #"{"shifts":[\#(Self.shift(office: Self.au, weekdays: [1], opens: "09:00", closes: "11:00"))]}"#)
        #expect(shifts.status == 200 && shifts.json["conflicts"] as? [String] == [], "\(shifts.json)")
        #expect(try HelpPlacesTests.starts(client, monday + "&languages=tr")
            == ["09:00", "09:30", "10:00", "10:30"].map { "2026-12-07T\($0):00+01:00" })
        // A booking with her, then her Mondays end: the booking is kept and named as a conflict.
        let booked = try client.send("POST", "/v1/bookings", body: HelpPlacesTests.bookingBody(start: "2026-12-07T09:00:00+01:00",
                                                                                                  languages: ["tr"]))
        #expect(booked.status == 201)
        let moved = try client.send("PUT", "/v1/helpers/\(id)/shifts",
                                    headers: admin,
                                    body: #"{"shifts":[\#(Self.shift(office: Self.au, weekdays: [2], opens: "09:00", closes: "11:00"))]}"#)
        #expect(moved.status == 200 && moved.json["conflicts"] as? [String] == [booked.json["id"] as! String], "\(moved.json)")
        #expect(try HelpPlacesTests.starts(client, monday + "&languages=tr") == [])
        let renamed = try client.send("PATCH", "/v1/helpers/\(id)", headers: admin, body: #"{"name":"Ayşe Demir-Huber"}"#)
        #expect(renamed.status == 200 && renamed.json["name"] as? String == "Ayşe Demir-Huber" && renamed.json["skills"] as? [Int] == [Self.eID])
        #expect(try app.scalar("SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE action LIKE 'helper.%'")
            == "helper.add,helper.shifts,helper.shifts,helper.change")
    }

    @Test func badHelpersAndShiftsAreRefusedAndChangeNothing() throws {
        let app = try TestServer()
        let client = try app.client()
        let admin = Self.bearer(try app.staffToken(.admin, offices: [], name: "Admin"))
        func refused(_ method: String, _ path: String, _ body: String, _ headers: [String: String] = [:]) throws -> (Int, String?) {
            let answer = try client.send(method, path, headers: headers.isEmpty ? admin : headers, body: body)
            return (answer.status, answer.json["field"] as? String)
        }
        let good = #"{"name":"Ayşe","languages":["tr"],"skills":[\#(Self.eID)]}"#
        #expect(try refused("POST", "/v1/helpers", #"{"name":"Ayşe","languages":["tr","xx"],"skills":[1]}"#) == (422, "languages[1]"))
        #expect(try refused("POST", "/v1/helpers", #"{"name":"Ayşe","languages":["tr"],"skills":[42]}"#) == (422, "skills[0]"))
        #expect(try refused("POST", "/v1/helpers", #"{"languages":["tr"],"skills":[\#(Self.eID)]}"#) == (422, "name"))
        #expect(try refused("POST", "/v1/helpers", #"{"name":" Ayşe","languages":["tr"],"skills":[\#(Self.eID)]}"#) == (422, "name"))
        #expect(try refused("POST", "/v1/helpers", #"{"name":"Ayşe","languages":[],"skills":[\#(Self.eID)]}"#) == (422, "languages"))
        #expect(try refused("PATCH", "/v1/helpers/\(Self.olena)", "{}") == (422, "body"))
        #expect(try refused("PATCH", "/v1/helpers/77", #"{"name":"X"}"#) == (404, "id"))
        #expect(try client.send("POST", "/v1/helpers", body: good).status == 401)
        let lead = Self.bearer(try app.staffToken(.lead, offices: [Self.au], name: "Lead"))
        #expect(try refused("POST", "/v1/helpers", good, lead).0 == 403)
        let scopedAdmin = Self.bearer(try app.staffToken(.admin, offices: [Self.au], name: "Admin of the Au"))
        #expect(try refused("GET", "/v1/helpers", "", scopedAdmin).0 == 403)
        // Shifts: at a citizen office; two that would put Olena at two places at once; one closing before it opens.
        let path = "/v1/helpers/\(Self.olena)/shifts"
        let atOffice = Self.shift(office: TestServer.orleansplatz, weekdays: [1], opens: "09:00", closes: "11:00")
        #expect(try refused("PUT", path, #"{"shifts":[\#(atOffice)]}"#) == (422, "shifts[0].office"))
        let au = Self.shift(office: Self.au, weekdays: [3], opens: "10:00", closes: "13:00")
        let giesing = Self.shift(office: Self.giesing, weekdays: [1, 3], opens: "12:00", closes: "14:00")
        #expect(try refused("PUT", path, #"{"shifts":[\#(au),\#(giesing)]}"#) == (422, "shifts[1]"))
        let backwards = Self.shift(office: Self.au, weekdays: [3], opens: "13:00", closes: "10:00")
        #expect(try refused("PUT", path, #"{"shifts":[\#(backwards)]}"#) == (422, "shifts[0].closes"))
        let badTime = Self.shift(office: Self.au, weekdays: [3], opens: "9", closes: "10:00")
        #expect(try refused("PUT", path, #"{"shifts":[\#(badTime)]}"#) == (422, "shifts[0].opens"))
        #expect(try app.scalar("SELECT count(*) FROM helper") == "5")
        #expect(try app.scalar("SELECT count(*) FROM helper_shift s JOIN desk d ON d.id = s.desk_id WHERE d.helper_id = \(Self.olena)") == "2")
        #expect(try app.scalar("SELECT count(*) FROM audit_log WHERE action LIKE 'helper.%'") == "0")
    }

    /// A session led by Olena takes her time: her desk at the Au closes meanwhile, and she cannot lead a session
    /// while she has an appointment. The database refuses it too.
    @Test func aSessionsLeaderIsNotBookedElsewhereMeanwhile() throws {
        let app = try TestServer()
        let client = try app.client()
        let lead = Self.bearer(try app.staffToken(.lead, offices: [Self.giesing], name: "Lead Giesing"))
        let wednesday = "office=\(Self.au)&service=\(Self.eID)&from=2026-12-09&to=2026-12-09&languages=uk"
        #expect(try HelpPlacesTests.starts(client, wednesday).count == 6)
        func session(_ date: String, _ start: String, seats: Int = 12, leader: Int? = HelpMasterDataTests.olena) -> String {
            #"{"service":\#(Self.course),"date":"\#(date)","start":"\#(start)","seats":\#(seats)"#
                + (leader.map { #","leader":\#($0)}"# } ?? "}")
        }
        let added = try client.send("POST", "/v1/offices/\(Self.giesing)/sessions", headers: lead, body: session("2026-12-09", "10:00"))
        #expect(added.status == 201, "\(added.json)")
        #expect(added.json["seats"] as? Int == 12 && added.json["seats_free"] as? Int == 12 && added.json["leader"] as? Int == Self.olena)
        #expect(try HelpPlacesTests.starts(client, wednesday) == ["12:00", "12:30"].map { "2026-12-09T\($0):00+01:00" })
        #expect(try app.scalar("SELECT count(*) FROM helper_time WHERE session_id = \(added.json["id"] as! Int)") == "24")
        #expect(try app.scalar("SELECT count(*) FROM desk WHERE office_id = \(Self.giesing) AND seat_number IS NOT NULL") == "12")

        // Olena booked at the Au a week later: she cannot lead a session then, and nothing is written.
        let booked = try client.send("POST", "/v1/bookings", body: HelpPlacesTests.bookingBody(start: "2026-12-16T10:30:00+01:00",
                                                                                                  languages: ["uk"]))
        #expect(booked.status == 201)
        let busy = try client.send("POST", "/v1/offices/\(Self.giesing)/sessions", headers: lead, body: session("2026-12-16", "10:00"))
        #expect(busy.status == 409 && busy.json["type"] as? String == "urn:termin:problem:helper-busy" && busy.json["field"] as? String == "leader")
        // Nor can the database be made to book her during a session she leads.
        #expect(throws: (any Error).self) {
            _ = try app.scalar("""
                UPDATE appointment SET span = tstzrange('2026-12-09 10:00+01', '2026-12-09 10:30+01'), day = '2026-12-09'
                WHERE id = '\(booked.json["id"] as! String)'
                """)
        }
        // Another session at the place at an overlapping time; bad input.
        let overlapping = try client.send("POST", "/v1/offices/\(Self.giesing)/sessions", headers: lead,
                                          body: session("2026-12-09", "11:00", leader: nil))
        #expect(overlapping.status == 409 && overlapping.json["field"] as? String == "start")
        func field(_ office: Int, _ body: String) throws -> (Int, String?) {
            let answer = try client.send("POST", "/v1/offices/\(office)/sessions", headers: lead, body: body)
            return (answer.status, answer.json["field"] as? String)
        }
        #expect(try field(Self.giesing, session("2026-12-09", "10:10")) == (422, "start"))
        #expect(try field(Self.giesing, session("2026-11-02", "10:00")) == (422, "date"))
        #expect(try field(Self.giesing, session("2026-12-23", "10:00", seats: 0)) == (422, "seats"))
        #expect(try field(Self.giesing, session("2026-12-23", "10:00", leader: 77)) == (422, "leader"))
        #expect(try field(Self.giesing, #"{"service":\#(TestServer.reisepass),"date":"2026-12-23","start":"10:00","seats":3}"#) == (422, "service"))
        #expect(try field(Self.au, session("2026-12-23", "10:00")).0 == 403)
        #expect(try app.scalar("SELECT count(*) FROM group_session WHERE day IN ('2026-12-16', '2026-12-23') AND office_id = \(Self.giesing)")
            == "0")   // none of the above was added (the demo's course there is on Mondays)

        // Taken away only while no seat is taken; her time is free again.
        let id = try #require(added.json["id"] as? Int)
        let seat = try client.send("POST", "/v1/sessions/\(id)/seats", body: GroupSessionTests.seatBody("gast@example.org"))
        #expect(seat.status == 201)
        let refused = try client.send("DELETE", "/v1/sessions/\(id)", headers: lead)
        #expect(refused.status == 409 && refused.json["type"] as? String == "urn:termin:problem:session-has-seats", "\(refused.json)")
        #expect(try client.send("DELETE", "/v1/bookings/\(seat.json["id"] as! String)",
                                headers: ["Authorization": "Booking \(seat.json["code"] as! String)"]).status == 200)
        #expect(try client.send("DELETE", "/v1/sessions/\(id)", headers: lead).status == 204)
        #expect(try client.send("DELETE", "/v1/sessions/\(id)", headers: lead).status == 404)
        #expect(try HelpPlacesTests.starts(client, wednesday).count == 6)
        #expect(try app.scalar("SELECT count(*) FROM helper_time WHERE session_id = \(id)") == "0")
    }

    @Test func anOfferIsReservedAndOpenedAgain() throws {
        let app = try TestServer()
        let client = try app.client()
        let admin = Self.bearer(try app.staffToken(.admin, offices: [], name: "Admin"))
        let path = "/v1/offices/\(Self.hasenbergl)/offers/\(Self.eID)/reservation"
        let hold = #"{"office":\#(Self.hasenbergl),"start":"2026-12-07T09:00:00+01:00","services":[{"id":\#(Self.eID),"quantity":1}]}"#
        let reserved = try client.send("PUT", path, headers: admin, body: #"{"reserved_for":"Demo: Bewohner des Hauses"}"#)
        #expect(reserved.status == 200 && reserved.json["reserved_for"] as? String == "Demo: Bewohner des Hauses")
        let online = try client.send("POST", "/v1/bookings", body: hold)
        #expect(online.status == 422 && online.json["type"] as? String == "urn:termin:problem:reserved-offer")
        let opened = try client.send("DELETE", path, headers: admin)
        #expect(opened.status == 200 && opened.json["reserved_for"] == nil, "\(opened.json)")
        #expect(try client.send("POST", "/v1/bookings", body: hold).status == 201)
        #expect(try client.send("PUT", path, headers: admin, body: #"{"reserved_for":""}"#).json["field"] as? String == "reserved_for")
        let unoffered = try client.send("PUT", "/v1/offices/\(Self.hasenbergl)/offers/\(Self.course)/reservation",
                                        headers: admin, body: #"{"reserved_for":"X"}"#)
        #expect(unoffered.status == 422 && unoffered.json["field"] as? String == "service")
        let clerk = Self.bearer(try app.staffToken(.clerk, offices: [Self.hasenbergl], name: "Clerk"))
        #expect(try client.send("PUT", path, headers: clerk, body: #"{"reserved_for":"X"}"#).status == 403)
    }
}
