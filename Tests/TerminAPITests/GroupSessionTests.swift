import Foundation
import Synchronization
import Testing
import TerminPostgres
import TerminTestSupport
@testable import TerminAPI

/// Group sessions with seats (the demo course at the senior citizens' centre Neuhausen: Thursdays 10:00-12:00, 8
/// seats): listed with their free seats, taken as bookings, never oversold, by the ledger or the database.
@Suite struct GroupSessionTests {
    static let neuhausen = 990_002
    static let course = 9_900_005
    static let twoWeeks = "office=\(neuhausen)&from=2026-11-30&to=2026-12-13"

    static func sessions(_ client: TestHTTPClient, _ query: String = twoWeeks) throws -> [[String: Any]] {
        try #require(try client.send("GET", "/v1/sessions?" + query).json["sessions"] as? [[String: Any]])
    }

    /// A lead of Neuhausen adds a session of the course on `date` at `start` with 8 seats.
    static func addSession(_ app: TestServer, _ client: TestHTTPClient, date: String, start: String) throws -> TestHTTPClient.Response {
        let lead = ["Authorization": "Bearer \(try app.staffToken(.lead, offices: [neuhausen], name: "Lead Neuhausen"))"]
        return try client.send("POST", "/v1/offices/\(neuhausen)/sessions", headers: lead,
                               body: #"{"service":\#(course),"date":"\#(date)","start":"\#(start)","seats":8}"#)
    }

    static func seatBody(_ email: String) -> String {
        #"{"contact":{"name":"Gast","email":"\#(email)","language":"de"}}"#
    }

    @Test func aPlacesSessionsAreListedWithTheirSeats() throws {
        let app = try TestServer()
        let client = try app.client()
        let sessions = try Self.sessions(client)
        #expect(sessions.map { $0["start"] as? String } == ["2026-12-03T10:00:00+01:00", "2026-12-10T10:00:00+01:00"])
        #expect(sessions.allSatisfy { $0["seats"] as? Int == 8 && $0["seats_free"] as? Int == 8 && $0["service"] as? Int == Self.course })
        #expect(sessions.first?["end"] as? String == "2026-12-03T12:00:00+01:00")
        #expect((sessions.first?["name_de"] as? String)?.hasPrefix("Demo: Kurs") == true)
        // The course's free times are the sessions' starts, and nothing else.
        let times = try client.send("GET", "/v1/availability?office=\(Self.neuhausen)&service=\(Self.course)&from=2026-11-30&to=2026-12-13")
        #expect(times.availabilityDays.flatMap(\.starts) == ["2026-12-03T10:00:00+01:00", "2026-12-10T10:00:00+01:00"])
        // Bad input.
        #expect(try client.send("GET", "/v1/sessions?office=\(Self.neuhausen)&from=2026-11-30").status == 400)
        let unknown = try client.send("GET", "/v1/sessions?office=1&from=2026-11-30&to=2026-12-01")
        #expect(unknown.status == 422 && unknown.json["field"] as? String == "office")
        let tooLong = try client.send("GET", "/v1/sessions?office=\(Self.neuhausen)&from=2026-11-30&to=2027-06-30")
        #expect(tooLong.status == 422 && tooLong.json["field"] as? String == "to")
        let missing = try client.send("POST", "/v1/sessions/42/seats", body: Self.seatBody("a@example.org"))
        #expect(missing.status == 404 && missing.json["field"] as? String == "id")
    }

    /// A seat is taken only as a seat of its session (the database refuses it otherwise): with a second session right
    /// after the first, the seats are open through both, and the course's free times are still the sessions' starts;
    /// a booking of the course between them is refused by name, at a start it is a seat.
    @Test func aSeatIsOfferedAndTakenOnlyAtItsSessionsStart() throws {
        let app = try TestServer()
        let client = try app.client()
        let added = try Self.addSession(app, client, date: "2026-12-03", start: "12:00")
        #expect(added.status == 201, "\(added.json)")
        let times = try client.send("GET", "/v1/availability?office=\(Self.neuhausen)&service=\(Self.course)&from=2026-12-03&to=2026-12-03")
        #expect(times.availabilityDays.flatMap(\.starts) == ["2026-12-03T10:00:00+01:00", "2026-12-03T12:00:00+01:00"])
        func book(_ start: String) throws -> TestHTTPClient.Response {
            try client.send("POST", "/v1/bookings", body: #"{"office":\#(Self.neuhausen),"start":"2026-12-03T\#(start):00+01:00","services":[{"id":\#(Self.course)}],"contact":{"name":"Gast","email":"g\#(start)@example.org"}}"#)
        }
        let between = try book("11:00")
        #expect(between.status == 422 && between.json["field"] as? String == "start", "\(between.status) \(between.text)")
        #expect(try book("12:00").status == 201)
        #expect(try Self.sessions(client, "office=\(Self.neuhausen)&from=2026-12-03&to=2026-12-03").map { $0["seats_free"] as? Int } == [8, 7])
    }

    /// A helper at the place who could give the course too never takes a seat of it: the ninth citizen hears it is full.
    @Test func aSessionsSeatsAreItsSeatsAlone() throws {
        let app = try TestServer()
        let client = try app.client()
        let admin = ["Authorization": "Bearer \(try app.staffToken(.admin, offices: [], name: "Admin"))"]
        let helper = try client.send("POST", "/v1/helpers", headers: admin,
                                     body: #"{"name":"Kurs Helferin","languages":["de"],"skills":[\#(Self.course)]}"#)
        let helperID = try #require(helper.json["id"] as? Int, "\(helper.json)")
        let shift = #"{"office":\#(Self.neuhausen),"weekdays":[4],"valid_from":"2026-01-01","opens":"09:00","closes":"13:00"}"#
        #expect(try client.send("PUT", "/v1/helpers/\(helperID)/shifts", headers: admin, body: #"{"shifts":[\#(shift)]}"#).status == 200)
        let session = try #require(try Self.sessions(client).first?["id"] as? Int)
        for index in 0..<8 {
            #expect(try client.send("POST", "/v1/sessions/\(session)/seats", body: Self.seatBody("s\(index)@example.org")).status == 201)
        }
        let ninth = try client.send("POST", "/v1/sessions/\(session)/seats", body: Self.seatBody("ninth@example.org"))
        #expect(ninth.status == 409 && ninth.json["type"] as? String == "urn:termin:problem:session-full", "\(ninth.status) \(ninth.text)")
        #expect(try app.scalar("SELECT count(*) FROM appointment a JOIN desk d ON d.id = a.desk_id WHERE d.seat_number IS NULL") == "0")
    }

    /// Twenty citizens race for eight seats: exactly eight get one, the others hear the session is full; a
    /// cancelled seat is free again.
    @Test func racingCitizensNeverOversellASession() throws {
        let app = try TestServer()
        let port = app.server.port
        let session = try #require(try Self.sessions(try app.client()).first?["id"] as? Int)
        let answers = try TestThreads.run(count: 20) { index in
            try TestHTTPClient(port: port).send("POST", "/v1/sessions/\(session)/seats", body: Self.seatBody("guest\(index)@example.org"))
        }
        let seated = answers.filter { $0.status == 201 }
        #expect(seated.count == 8, "\(answers.map(\.status))")
        #expect(answers.filter { $0.status == 409 }.allSatisfy { $0.json["type"] as? String == "urn:termin:problem:session-full" })
        #expect(answers.count { $0.status == 409 } == 12)
        #expect(try app.scalar("SELECT count(DISTINCT desk_id) FROM appointment WHERE status = 'confirmed'") == "8")
        let client = try app.client()
        #expect(try Self.sessions(client).first?["seats_free"] as? Int == 0)
        // A seat is a booking: its code cancels it, and the seat is free again.
        let first = seated[0]
        let cancelled = try client.send("DELETE", "/v1/bookings/\(first.json["id"] as! String)",
                                        headers: ["Authorization": "Booking \(first.json["code"] as! String)"])
        #expect(cancelled.status == 200)
        #expect(try Self.sessions(client).first?["seats_free"] as? Int == 1)
        #expect(try client.send("POST", "/v1/sessions/\(session)/seats", body: Self.seatBody("late@example.org")).status == 201)
        #expect(try client.send("POST", "/v1/sessions/\(session)/seats", body: Self.seatBody("later@example.org")).status == 409)
    }

    /// The database itself refuses a seat beyond a session's seats, and a seat taken outside a session.
    @Test func theDatabaseRefusesASeatOutsideItsSession() throws {
        let app = try TestServer()
        let client = try app.client()
        let session = try #require(try Self.sessions(client).first?["id"] as? Int)
        let seat = try client.send("POST", "/v1/sessions/\(session)/seats", body: Self.seatBody("a@example.org"))
        #expect(seat.status == 201)
        #expect(try app.scalar("SELECT d.seat_number FROM appointment a JOIN desk d ON d.id = a.desk_id") == "1")
        // Written by hand, past the engine: a copy of the seat on another seat, `shiftUnits` later.
        func copy(onSeat number: Int, shiftUnits: Int) throws {
            _ = try app.scalar("""
                INSERT INTO appointment (id, office_id, desk_id, day, start_unit, units, span, channel, status, code_hash,
                  created_at, confirmed_at, service_ids, quantities)
                SELECT gen_random_uuid(), a.office_id, d.id, a.day, a.start_unit + $3, a.units,
                  tstzrange(lower(a.span) + $3 * interval '30 minutes', upper(a.span) + $3 * interval '30 minutes'),
                  a.channel, a.status, a.code_hash, a.created_at, a.confirmed_at, a.service_ids, a.quantities
                FROM appointment a JOIN desk d ON d.office_id = a.office_id AND d.seat_number = $2 WHERE a.id = $1
                RETURNING id
                """, [seat.json["id"] as? String, String(number), String(shiftUnits)])
        }
        _ = try app.scalar("UPDATE group_session SET seats = 2 WHERE id = $1", [String(session)])
        try copy(onSeat: 2, shiftUnits: 0)   // the session's second seat
        #expect(throws: (any Error).self) { try copy(onSeat: 3, shiftUnits: 0) }   // a seat it no longer has
        #expect(throws: (any Error).self) { try copy(onSeat: 2, shiftUnits: 2) }   // an hour later: no session
        #expect(try app.scalar("SELECT count(*) FROM appointment") == "2")
        // Moved by hand an hour later, past the engine: no session then, and the seat stays where it was.
        let start = "SELECT lower(span) FROM appointment WHERE id = $1"
        let before = try app.scalar(start, [seat.json["id"] as? String])
        #expect {
            _ = try app.scalar("""
                UPDATE appointment SET start_unit = start_unit + 2,
                  span = tstzrange(lower(span) + interval '1 hour', upper(span) + interval '1 hour') WHERE id = $1
                """, [seat.json["id"] as? String])
        } throws: { "\($0)".contains("an appointment takes a seat outside its sessions") }
        #expect(try app.scalar(start, [seat.json["id"] as? String]) == before)
    }

    /// A place's seats and its helpers' desks are counted apart: online takes at most three quarters of the helper's
    /// time (the rest is for drop-in visitors) however many seats its sessions have, and every seat can be taken
    /// online however much of the helper's time is booked.
    @Test func seatsAndAHelpersTimeAreCountedApart() throws {
        let app = try TestServer()
        let client = try app.client()
        // Wednesday: the course at 10:00 (8 seats, 120 minutes), a helper there 14:00-17:00 (six half hours).
        let added = try Self.addSession(app, client, date: "2026-12-02", start: "10:00")
        let session = try #require(added.json["id"] as? Int, "\(added.text)")
        let helped = try ["14:00", "14:30", "15:00", "15:30", "16:00", "16:30"].map { time in
            try client.send("POST", "/v1/bookings", body: """
                {"office":\(Self.neuhausen),"start":"2026-12-02T\(time):00+01:00","services":[{"id":9900001}],\
                "contact":{"email":"h\(time)@example.org"}}
                """).status
        }
        #expect(helped.filter { $0 == 201 }.count == 4, "\(helped)")   // 75 % of 6
        let seats = try (0..<8).map { try client.send("POST", "/v1/sessions/\(session)/seats", body: Self.seatBody("seat\($0)@example.org")).status }
        #expect(seats.allSatisfy { $0 == 201 }, "\(seats)")
    }

    /// A course begins for those who came: a seat is never marked a no-show, though a participant who checked in at
    /// the kiosk put the place's counters to work (whose sweep marks the lapsed bookings of its desks).
    @Test func aSeatIsNeverANoShow() throws {
        let app = try TestServer()
        let client = try app.client()
        let session = try #require(try Self.sessions(client).first?["id"] as? Int)
        let seats = try ["a", "b"].map { try client.send("POST", "/v1/sessions/\(session)/seats", body: Self.seatBody("\($0)@example.org")) }
        try #require(seats.allSatisfy { $0.status == 201 })
        app.clock.advance(seconds: 3 * 86_400 + 55 * 60)   // Thursday 09:55
        let checkedIn = try client.send("POST", "/v1/offices/\(Self.neuhausen)/check-ins",
                                        body: #"{"booking":"\#(seats[0].json["id"] as! String)","code":"\#(seats[0].json["code"] as! String)"}"#)
        #expect(checkedIn.status == 201, "\(checkedIn.text)")
        app.clock.advance(seconds: 16 * 60)   // 10:11, past the grace
        try app.assembly.counters.sweepNoShows()
        #expect(try app.scalar("SELECT string_agg(status, ' ') FROM appointment") == "confirmed confirmed")
    }

    /// A full session's waiting list: joined with an e-mail address, seated first joined first when a seat frees, with
    /// the code given on joining, and mailed; leaving takes one off.
    @Test func aFreedSeatGoesToTheFirstOnTheWaitingList() throws {
        let app = try TestServer()
        let client = try app.client()
        let sessions = try Self.sessions(client)
        let session = try #require(sessions.first?["id"] as? Int), other = try #require(sessions.last?["id"] as? Int)
        var seats: [TestHTTPClient.Response] = []
        for index in 0..<8 { seats.append(try client.send("POST", "/v1/sessions/\(session)/seats", body: Self.seatBody("s\(index)@example.org"))) }
        #expect(seats.allSatisfy { $0.status == 201 })
        let first = try client.send("POST", "/v1/sessions/\(session)/waitlist", body: Self.seatBody("w1@example.org"))
        let second = try client.send("POST", "/v1/sessions/\(session)/waitlist", body: Self.seatBody("w2@example.org"))
        #expect(first.status == 201 && first.json["state"] as? String == "waiting" && first.json["position"] as? Int == 1)
        #expect(second.status == 201 && second.json["position"] as? Int == 2)
        let noEmail = try client.send("POST", "/v1/sessions/\(session)/waitlist", body: #"{"contact":{"name":"X"}}"#)
        #expect(noEmail.status == 422 && noEmail.json["field"] as? String == "contact.email")
        let seatsFree = try client.send("POST", "/v1/sessions/\(other)/waitlist", body: Self.seatBody("w3@example.org"))
        #expect(seatsFree.status == 409 && seatsFree.json["type"] as? String == "urn:termin:problem:seats-free")
        // Nothing frees, nothing moves.
        _ = try app.engine.offerFreedTime(everywhere: true)
        func entry(_ joined: TestHTTPClient.Response) throws -> TestHTTPClient.Response {
            try client.send("GET", "/v1/sessions/\(session)/waitlist/\(joined.json["id"] as! String)",
                            headers: ["Authorization": "Booking \(joined.json["code"] as! String)"])
        }
        #expect(try entry(first).json["state"] as? String == "waiting")
        // A seat is cancelled: the next pass seats the first waiting, with the code it got on joining.
        let cancelled = try client.send("DELETE", "/v1/bookings/\(seats[3].json["id"] as! String)",
                                        headers: ["Authorization": "Booking \(seats[3].json["code"] as! String)"])
        #expect(cancelled.status == 200)
        _ = try app.engine.offerFreedTime(everywhere: false)
        let seated = try entry(first)
        #expect(seated.json["state"] as? String == "seated" && seated.json["position"] == nil)
        let booking = try #require(seated.json["booking"] as? String)
        let read = try client.send("GET", "/v1/bookings/\(booking)", headers: ["Authorization": "Booking \(first.json["code"] as! String)"])
        #expect(read.status == 200 && read.json["status"] as? String == "confirmed" && read.json["start"] as? String == "2026-12-03T10:00:00+01:00")
        #expect(try app.scalar("SELECT count(*) FROM outbox WHERE appointment_id = $1 AND kind = 'confirmation'", [booking]) == "1")
        // Its mail's link carries the code given on joining, which opens the booking.
        let sink = try SMTPSink()
        _ = try OutboxMailTests.delivery(app, port: sink.port).deliverDue()
        let mail = try #require(sink.mails.first { ($0["to"] as? String)?.contains("w1@example.org") == true })
        #expect((mail["text"] as? String)?.contains("?booking=\(booking)&code=\(first.json["code"] as! String)\n") == true, "\(mail)")
        #expect(try entry(second).json["position"] as? Int == 1)
        #expect(try Self.sessions(client).first?["seats_free"] as? Int == 0)
        // The second leaves; another freed seat stays free.
        let left = try client.send("DELETE", "/v1/sessions/\(session)/waitlist/\(second.json["id"] as! String)",
                                   headers: ["Authorization": "Booking \(second.json["code"] as! String)"])
        #expect(left.status == 200 && left.json["state"] as? String == "left")
        _ = try client.send("DELETE", "/v1/bookings/\(seats[4].json["id"] as! String)",
                            headers: ["Authorization": "Booking \(seats[4].json["code"] as! String)"])
        _ = try app.engine.offerFreedTime(everywhere: false)
        #expect(try Self.sessions(client).first?["seats_free"] as? Int == 1)
        #expect(try client.send("GET", "/v1/sessions/\(session)/waitlist/\(first.json["id"] as! String)",
                                headers: ["Authorization": "Booking wrong"]).status == 404)
    }

    /// However long one session's waiting list, a seat freed at another session goes to that session's first waiting.
    @Test func aLongWaitingListNeverHoldsBackAnotherSessionsSeat() throws {
        let app = try TestServer()
        let client = try app.client()
        let sessions = try Self.sessions(client)
        let long = try #require(sessions.first?["id"] as? Int), short = try #require(sessions.last?["id"] as? Int)
        var seats: [TestHTTPClient.Response] = []
        for session in [long, short] {
            for index in 0..<8 {
                seats.append(try client.send("POST", "/v1/sessions/\(session)/seats", body: Self.seatBody("s\(session)-\(index)@example.org")))
            }
        }
        try #require(seats.allSatisfy { $0.status == 201 })
        _ = try app.scalar("""
            INSERT INTO session_wait (id, session_id, code_hash, contact_email, joined_at)
            SELECT gen_random_uuid(), $1::bigint, sha256(convert_to(i::text, 'UTF8')), 'w' || i || '@example.org', now()
            FROM generate_series(1, 600) i
            """, [String(long)])
        let waiting = try client.send("POST", "/v1/sessions/\(short)/waitlist", body: Self.seatBody("late@example.org"))
        try #require(waiting.status == 201, "\(waiting.text)")
        let freed = seats[8]
        #expect(try client.send("DELETE", "/v1/bookings/\(freed.json["id"] as! String)",
                                headers: ["Authorization": "Booking \(freed.json["code"] as! String)"]).status == 200)
        _ = try app.engine.offerFreedTime(everywhere: true)
        let entry = try client.send("GET", "/v1/sessions/\(short)/waitlist/\(waiting.json["id"] as! String)",
                                    headers: ["Authorization": "Booking \(waiting.json["code"] as! String)"])
        #expect(entry.json["state"] as? String == "seated", "\(entry.text)")
    }

    /// A session that has begun, or is too close to be booked online, seats nobody from its list: joining it is refused.
    @Test func noOneJoinsTheWaitingListOfASessionThatHasBegun() throws {
        let app = try TestServer()
        let client = try app.client()
        let session = try #require(try Self.sessions(client).first)
        let id = try #require(session["id"] as? Int), start = try #require(session["start"] as? String)
        for index in 0..<8 {
            #expect(try client.send("POST", "/v1/sessions/\(id)/seats", body: Self.seatBody("s\(index)@example.org")).status == 201)
        }
        let startSeconds = try #require(ISO8601DateFormatter().date(from: start)).timeIntervalSince1970
        app.clock.advance(seconds: Int64(startSeconds) - app.clock.now().secondsSinceEpoch + 600)   // ten minutes in
        let late = try client.send("POST", "/v1/sessions/\(id)/waitlist", body: Self.seatBody("late@example.org"))
        #expect(late.status == 422 && late.json["field"] as? String == "id"
                && late.json["type"] as? String == "urn:termin:problem:inside-minimum-notice", "\(late.json)")
        #expect(try app.scalar("SELECT count(*) FROM session_wait") == "0")
    }

    /// A session taken away while a seat of it is being taken: the removal waits for the seat's transaction, then
    /// finds the seat and is refused. Without the wait both committed: a booked seat in a session that was gone.
    @Test func aSessionIsNotTakenAwayFromUnderASeatBeingTaken() throws {
        let app = try TestServer()
        let client = try app.client()
        let session = try #require(try Self.sessions(client).first)
        let id = try #require(session["id"] as? Int), office = Self.neuhausen
        let seat = try client.send("POST", "/v1/sessions/\(id)/seats", body: Self.seatBody("gast@example.org"))
        let seatID = try #require(seat.json["id"] as? String), code = try #require(seat.json["code"] as? String)
        #expect(try client.send("DELETE", "/v1/bookings/\(seatID)", headers: ["Authorization": "Booking \(code)"]).status == 200)
        // The seat is taken again in a transaction still open.
        let taking = try PostgresConnection(conninfo: app.conninfo)
        try taking.execute("BEGIN")
        try taking.query("UPDATE appointment SET status = 'confirmed' WHERE id = $1", [seatID])
        let lead = ["Authorization": "Bearer \(try app.staffToken(.lead, offices: [office], name: "Lead"))"]
        let removal = Mutex<Int?>(nil)
        let port = app.server.port
        Thread {
            let status = (try? TestHTTPClient(port: port).send("DELETE", "/v1/sessions/\(id)", headers: lead))?.status
            removal.withLock { $0 = status ?? -1 }
        }.start()
        try Wait.required("the removal waits for the seat's transaction") {
            try app.scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == "1"
        }
        try taking.execute("COMMIT")
        try Wait.required("the removal answered") { removal.withLock { $0 } != nil }
        #expect(removal.withLock { $0 } == 409)
        #expect(try app.scalar("SELECT count(*) FROM group_session WHERE id = $1", [String(id)]) == "1")
    }
}
