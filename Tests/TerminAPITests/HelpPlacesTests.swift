import Testing
import TerminTestSupport
@testable import TerminAPI

/// Places besides citizen offices (the demo help desks, mobile stops and call-back line the seeder writes), helpers'
/// hours and languages, and the database's guarantee that a helper is never at two places at once.
@Suite struct HelpPlacesTests {
    /// The demo help desk in the senior citizens' centre Au: Anna (de, en) on Tuesdays and Thursdays 13:00-16:00,
    /// Olena (uk, ru, de) on Wednesdays 10:00-13:00.
    static let au = 990_001
    /// Help with the online ID function, 30 minutes: both help with it.
    static let eID = 9_900_001
    static let week = "office=\(au)&service=\(eID)&from=2026-12-01&to=2026-12-04"

    static func starts(_ client: TestHTTPClient, _ query: String) throws -> [String] {
        try client.send("GET", "/v1/availability?" + query).availabilityDays.flatMap(\.starts)
    }

    static func bookingBody(start: String, languages: [String]) -> String {
        let list = languages.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"office":\#(au),"start":"\#(start)","services":[{"id":\#(eID),"quantity":1}],"languages":[\#(list)]}"#
    }

    @Test func officesAreListedByKindAndDemoPlacesSayTheyAreDemo() throws {
        let app = try TestServer()
        let client = try app.client()
        func places(_ query: String) throws -> [[String: Any]] {
            try #require(try client.send("GET", "/v1/offices?" + query).json["offices"] as? [[String: Any]])
        }
        let helpDesks = try places("kind=help_desk")
        #expect(helpDesks.count == 3 && helpDesks.allSatisfy { $0["kind"] as? String == "help_desk" && $0["demo"] as? Bool == true })
        #expect(helpDesks.allSatisfy { ($0["display_name"] as? String)?.hasPrefix("Demo: ") == true })
        let stops = try places("kind=mobile")
        #expect(stops.count == 3 && Set(stops.compactMap { $0["route"] as? String }) == ["Demo: Mobiles Bürgerbüro Nord"])
        #expect(try places("kind=phone,help_desk").count == 4)
        let citizenOffices = try places("kind=citizen_office")
        #expect(citizenOffices.count == 109 && citizenOffices.allSatisfy { $0["demo"] as? Bool == false && $0["route"] == nil })
        #expect(try places("service=\(Self.eID)").count == 7)   // every demo place helps with the eID
        let unknown = try client.send("GET", "/v1/offices?kind=help_desk,kiosk")
        #expect(unknown.status == 422 && unknown.json["field"] as? String == "kind")
    }

    /// A helper's desk is open during the helper's shifts there, and a language asked for narrows the times to the
    /// helpers who speak it.
    @Test func helpersHoursAndLanguagesMakeTheTimes() throws {
        let app = try TestServer()
        let client = try app.client()
        let tuesdayAndThursday = ["13:00", "13:30", "14:00", "14:30", "15:00", "15:30"].flatMap { time in
            ["2026-12-01", "2026-12-03"].map { "\($0)T\(time):00+01:00" }
        }.sorted()
        let wednesday = ["10:00", "10:30", "11:00", "11:30", "12:00", "12:30"].map { "2026-12-02T\($0):00+01:00" }
        #expect(try Self.starts(client, Self.week).sorted() == (tuesdayAndThursday + wednesday).sorted())
        #expect(try Self.starts(client, Self.week + "&languages=uk") == wednesday)
        #expect(try Self.starts(client, Self.week + "&languages=en").sorted() == tuesdayAndThursday)
        #expect(try Self.starts(client, Self.week + "&languages=ar,uk") == wednesday)
        // Nobody at the Au helps in Turkish: the field that cannot be met is named.
        let turkish = try client.send("GET", "/v1/availability?" + Self.week + "&languages=tr")
        #expect(turkish.status == 422 && turkish.json["field"] as? String == "languages")
        let unknown = try client.send("GET", "/v1/availability?" + Self.week + "&languages=uk,xx")
        #expect(unknown.status == 422 && unknown.json["field"] as? String == "languages[1]")
        // Citizen offices speak German.
        let orleansplatz = "office=102522&service=1063441&from=2026-12-01&to=2026-12-01"
        #expect(try Self.starts(client, orleansplatz + "&languages=de") == (try Self.starts(client, orleansplatz)))
        #expect(try client.send("GET", "/v1/availability?" + orleansplatz + "&languages=en").status == 422)
    }

    @Test func aBookingInALanguageTakesTheHelperWhoSpeaksIt() throws {
        let app = try TestServer()
        let client = try app.client()
        let ten = "2026-12-02T10:00:00+01:00"
        let first = try client.send("POST", "/v1/bookings", body: Self.bookingBody(start: ten, languages: ["uk"]))
        #expect(first.status == 201)
        let desk = try app.scalar("SELECT d.helper_id FROM appointment a JOIN desk d ON d.id = a.desk_id WHERE a.id = $1",
                                  [first.json["id"] as? String])
        #expect(desk == "9903")   // Olena
        // Olena is the only helper there on Wednesdays: her time is taken, in any language.
        let second = try client.send("POST", "/v1/bookings", body: Self.bookingBody(start: ten, languages: ["de"]))
        #expect(second.status == 409)
        let english = try client.send("POST", "/v1/bookings", body: Self.bookingBody(start: ten, languages: ["en"]))
        // Anna speaks English, but is not there on Wednesdays; nobody at the Au speaks Turkish.
        #expect(english.status == 422 && english.json["field"] as? String == "start")
        let turkish = try client.send("POST", "/v1/bookings", body: Self.bookingBody(start: ten, languages: ["tr"]))
        #expect(turkish.status == 422 && turkish.json["field"] as? String == "languages")
        let unknown = try client.send("POST", "/v1/bookings", body: Self.bookingBody(start: ten, languages: ["klingon"]))
        #expect(unknown.status == 422 && unknown.json["field"] as? String == "languages[0]")
        #expect(try app.scalar("SELECT count(*) FROM appointment") == "1")
    }

    /// The database refuses a shift that would put a helper at two places at once, and a second appointment of a
    /// helper at the same time at another place, whatever writes it.
    @Test func theDatabaseNeverPutsAHelperAtTwoPlacesAtOnce() throws {
        let app = try TestServer()
        let client = try app.client()
        // Anna's desk at the Freimann stop (Thursdays 09:00-11:00): a shift there on Tuesdays 14:00 would overlap the Au.
        let freimannDesk = try #require(try app.scalar("SELECT id FROM desk WHERE helper_id = 9901 AND office_id = 990013"))
        let overlapping = """
            INSERT INTO helper_shift (desk_id, weekdays, valid_from, start_minute, end_minute)
            VALUES ($1, '{2}', '2026-11-01', 840, 900)
            """
        #expect(throws: (any Error).self) { try app.scalar(overlapping, [freimannDesk]) }
        #expect(try app.scalar("SELECT count(*) FROM helper_shift s JOIN desk d ON d.id = s.desk_id WHERE d.helper_id = 9901") == "4")
        // A booking with Anna at the Au on Tuesday 13:00; the same time with her at Freimann, written by hand, is refused.
        let booked = try client.send("POST", "/v1/bookings", body: Self.bookingBody(start: "2026-12-01T13:00:00+01:00", languages: ["en"]))
        #expect(booked.status == 201)
        let copy = """
            INSERT INTO appointment (id, office_id, desk_id, day, start_unit, units, span, channel, status, code_hash,
              created_at, confirmed_at, service_ids, quantities)
            SELECT gen_random_uuid(), 990013, $2, day, start_unit, units, span, channel, status, code_hash, created_at,
              confirmed_at, service_ids, quantities
            FROM appointment WHERE id = $1
            """
        #expect(throws: (any Error).self) { try app.scalar(copy, [booked.json["id"] as? String, freimannDesk]) }
        #expect(try app.scalar("SELECT count(*) FROM helper_time WHERE helper_id = 9901") == "6")   // 30 minutes
        // Moved by hand half an hour later, past the engine: the helper's time moves with it, unit by unit.
        _ = try app.scalar("""
            UPDATE appointment SET start_unit = start_unit + 1,
              span = tstzrange(lower(span) + interval '30 minutes', upper(span) + interval '30 minutes') WHERE id = $1
            """, [booked.json["id"] as? String])
        #expect(try app.scalar("""
            SELECT count(*) FROM helper_time h JOIN appointment a ON a.id = h.appointment_id
            WHERE h.helper_id = 9901 AND h.unit5 >= extract(epoch FROM lower(a.span))::bigint / 300
              AND h.unit5 < extract(epoch FROM upper(a.span))::bigint / 300
            """) == "6")
        #expect(try app.scalar("SELECT count(*) FROM helper_time WHERE helper_id = 9901") == "6")
        // Cancelled, the helper's time is free again.
        let code = try #require(booked.json["code"] as? String)
        let cancelled = try client.send("DELETE", "/v1/bookings/\(booked.json["id"] as! String)",
                                        headers: ["Authorization": "Booking \(code)"])
        #expect(cancelled.status == 200)
        #expect(try app.scalar("SELECT count(*) FROM helper_time WHERE appointment_id IS NOT NULL") == "0")   // sessions led keep theirs
        // Booked on Thursday and deleted by hand: its rows go with it.
        let again = try client.send("POST", "/v1/bookings", body: Self.bookingBody(start: "2026-12-03T13:00:00+01:00", languages: ["en"]))
        #expect(again.status == 201)
        #expect(try app.scalar("SELECT count(*) FROM helper_time WHERE appointment_id IS NOT NULL") == "6")
        _ = try app.scalar("DELETE FROM appointment WHERE id = $1 RETURNING id", [again.json["id"] as? String])
        #expect(try app.scalar("SELECT count(*) FROM helper_time WHERE appointment_id IS NOT NULL") == "0")
    }

    /// A call-back line calls the citizen: a booking there needs a phone number, which staff see with the booking and
    /// which is erased with the rest of the contact data.
    @Test func aCallBackNeedsAPhoneNumberAndForgetsIt() throws {
        let app = try TestServer()
        let client = try app.client()
        func body(_ contact: String) -> String {
            #"{"office":990021,"start":"2026-12-01T13:00:00+01:00","services":[{"id":9900004,"quantity":1}],"contact":\#(contact)}"#
        }
        let without = try client.send("POST", "/v1/bookings", body: body(#"{"name":"Herr B.","email":"b@example.org"}"#))
        #expect(without.status == 422 && without.json["field"] as? String == "contact.phone")
        let spaced = try client.send("POST", "/v1/bookings", body: body(#"{"name":"Herr B.","phone":"089 123 456"}"#))
        #expect(spaced.status == 422 && spaced.json["field"] as? String == "contact.phone")
        let booked = try client.send("POST", "/v1/bookings", body: body(#"{"name":"Herr B.","phone":"+4989123456"}"#))
        #expect(booked.status == 201 && (booked.json["contact"] as? [String: Any])?["phone"] as? String == "+4989123456")
        let id = try #require(booked.json["id"] as? String)
        // The helper on the line reads the number with the booking.
        let helper = try app.staffToken(.helper, offices: [990_021], name: "Sophie")
        let seen = try client.send("GET", "/v1/offices/990021/bookings/\(id)", headers: ["Authorization": "Bearer \(helper)"])
        #expect(seen.status == 200 && seen.json["contact_phone"] as? String == "+4989123456")
        #expect(try app.scalar("SELECT count(*) FROM appointment") == "1")
        // Erased with the name once the retention has passed.
        app.clock.advance(seconds: 40 * 86_400)
        _ = try app.engine.sweep()
        #expect(try app.scalar("SELECT count(*) FROM appointment WHERE contact_phone IS NULL AND contact_name IS NULL") == "1")
    }

    /// Nobody comes to a call-back line: its bookings are never no-shows, however late the day, and nobody draws a
    /// number or checks in there, nor is a ticket sent there; each refusal names the office.
    @Test func aCallBackIsNeverANoShowAndHasNoCounter() throws {
        let app = try TestServer()
        let client = try app.client()
        let booked = try client.send("POST", "/v1/bookings", body: """
            {"office":990021,"start":"2026-12-01T13:00:00+01:00","services":[{"id":9900004,"quantity":1}],\
            "contact":{"name":"Herr B.","phone":"+4989123456"}}
            """)
        try #require(booked.status == 201, "\(booked.text)")
        let id = try #require(booked.json["id"] as? String), code = try #require(booked.json["code"] as? String)
        let clerk = try app.staffToken(.clerk, offices: [TestServer.orleansplatz], name: "Clerk")
        let drawn = try client.send("POST", "/v1/offices/\(TestServer.orleansplatz)/tickets", body: #"{"services":[{"id":1063441}]}"#)
        let ticket = try #require(drawn.json["id"] as? String, "\(drawn.text)")
        app.clock.advance(seconds: 86_400 + 4 * 3_600 + 11 * 60)   // Tuesday 13:11, past the grace
        for (path, body) in [("check-ins", #"{"booking":"\#(id)","code":"\#(code)"}"#),
                             ("check-ins", #"{"booking":"\#(id)","code":"wrong"}"#),
                             ("tickets", #"{"services":[{"id":9900004}]}"#)] {
            let refused = try client.send("POST", "/v1/offices/990021/\(path)", body: body)
            #expect(refused.status == 409 && refused.json["field"] as? String == "office", "\(path): \(refused.text)")
        }
        let redirected = try client.send("POST", "/v1/offices/\(TestServer.orleansplatz)/tickets/\(ticket)/redirect",
                                         headers: ["Authorization": "Bearer \(clerk)"], body: #"{"office":990021}"#)
        #expect(redirected.status == 409 && redirected.json["field"] as? String == "office", "\(redirected.text)")
        // A queue operation there (each marks its office's lapsed bookings, whatever becomes of it) and the sweep.
        let helper = try app.staffToken(.clerk, offices: [990_021], name: "Sophie")
        _ = try client.send("POST", "/v1/offices/990021/desks/1/call-next", headers: ["Authorization": "Bearer \(helper)"])
        try app.assembly.counters.sweepNoShows()
        #expect(try app.scalar("SELECT status FROM appointment WHERE id = $1", [id]) == "confirmed")
        #expect(try app.scalar("SELECT count(*) FROM queue_ticket WHERE office_id = 990021") == "0")
    }

    /// Drop-in visitors at a help desk: Anna helps at the Au until 16:00 on Tuesdays. At 15:20 the first visitor for
    /// the eID (30 minutes) gets a number; the second would not be helped before she leaves, so gets none.
    @Test func aHelpDeskGivesNoNumberNobodyCanServeToday() throws {
        let app = try TestServer()
        let client = try app.client()
        app.clock.advance(seconds: 86_400 + 6 * 3_600 + 20 * 60)   // Tuesday 15:20
        let concern = #"{"services":[{"id":\#(Self.eID)}]}"#
        let first = try client.send("POST", "/v1/offices/\(Self.au)/tickets", body: concern)
        #expect(first.status == 201 && first.json["estimated_wait_minutes"] as? Int == 0, "\(first.json)")
        let second = try client.send("POST", "/v1/offices/\(Self.au)/tickets", body: concern)
        #expect(second.status == 409 && second.json["type"] as? String == "urn:termin:problem:queue-full", "\(second.json)")
        #expect(try app.scalar("SELECT count(*) FROM queue_ticket") == "1")
    }

    /// A booking moves onto a call-back line only if it has a phone number to call: a move carries no contact.
    @Test func aBookingMovesOntoACallBackLineOnlyWithANumber() throws {
        let app = try TestServer()
        let client = try app.client()
        func book(_ contact: String) throws -> (id: String, headers: [String: String]) {
            let body = #"{"office":\#(Self.au),"start":"2026-12-01T13:00:00+01:00","services":[{"id":\#(Self.eID),"quantity":1}],"#
                + #""contact":\#(contact)}"#
            let booked = try client.send("POST", "/v1/bookings", body: body)
            #expect(booked.status == 201)
            return (booked.json["id"] as! String, ["Authorization": "Booking \(booked.json["code"] as! String)"])
        }
        let toTheLine = #"{"office":990021,"start":"2026-12-02T13:00:00+01:00"}"#
        let mailOnly = try book(#"{"name":"Frau C.","email":"c@example.org"}"#)
        let refused = try client.send("POST", "/v1/bookings/\(mailOnly.id)/move", headers: mailOnly.headers, body: toTheLine)
        #expect(refused.status == 422 && refused.json["field"] as? String == "office", "\(refused.json)")
        #expect(try app.scalar("SELECT office_id FROM appointment WHERE id = $1", [mailOnly.id]) == String(Self.au))
        let cancelled = try client.send("DELETE", "/v1/bookings/\(mailOnly.id)", headers: mailOnly.headers)
        #expect(cancelled.status == 200)
        let withPhone = try book(#"{"name":"Frau C.","phone":"+4989123456"}"#)
        let moved = try client.send("POST", "/v1/bookings/\(withPhone.id)/move", headers: withPhone.headers, body: toTheLine)
        #expect(moved.status == 200 && moved.json["office"] as? Int == 990_021, "\(moved.json)")
    }

    /// "The nearest help with the eID in Turkish, in person if reachable step-free, else a call-back": a request near
    /// a point across kinds, placed like any request.
    @Test func aRequestAcrossKindsFindsInPersonHelpOrACallBack() throws {
        let app = try TestServer()
        let client = try app.client()
        func request(needs: String, contact: String, kinds: String = #"["help_desk","phone"]"#) throws -> TestHTTPClient.Response {
            try client.send("POST", "/v1/requests", body: #"""
                {"services":[{"id":9900001}],"near":{"lat":48.114,"lon":11.578,"km":10},"kinds":\#(kinds),
                 "languages":["tr"],"needs":\#(needs),"contact":\#(contact),
                 "windows":[{"from":"2026-12-01T08:00:00+01:00","to":"2026-12-05T18:00:00+01:00"}]}
                """#)
        }
        let phone = #"{"name":"Frau A.","phone":"015112345678"}"#
        // Mehmet helps in Turkish in person at Neuhausen (not step-free), and on the call-back line on Fridays.
        let stepFree = try request(needs: #"["wheelchair"]"#, contact: phone)
        #expect(stepFree.status == 201 && stepFree.json["office"] as? Int == 990_021)
        #expect(stepFree.json["start"] as? String == "2026-12-04T09:00:00+01:00")
        let inPerson = try request(needs: "[]", contact: phone)
        #expect(inPerson.status == 201 && inPerson.json["office"] as? Int == 990_002)
        // A call-back may be chosen: the number is needed; kinds are checked.
        let noPhone = try request(needs: #"["wheelchair"]"#, contact: #"{"name":"Frau A."}"#)
        #expect(noPhone.status == 422 && noPhone.json["field"] as? String == "contact.phone")
        let unknownKind = try request(needs: "[]", contact: phone, kinds: #"["help_desk","bus"]"#)
        #expect(unknownKind.status == 422 && unknownKind.json["field"] as? String == "kinds[1]")
        #expect(try app.scalar("SELECT count(*) FROM appointment") == "2")
    }
}
