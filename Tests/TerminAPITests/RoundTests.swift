import Foundation
import Testing
import TerminCore
import TerminTestSupport

/// Flexible requests placed at once, and release rounds: collection, the close, the lottery, carry-over, failures
/// during the close and two instances closing at once.
@Suite struct RoundTests {
    static let office = TestServer.orleansplatz
    static let ruppertstrasse = 10489
    static let service = TestServer.personalausweis
    /// Tuesday a week after the test's Monday: inside the horizon, far from the minimum notice.
    static let roundDay = "2026-12-08"

    static func requestBody(offices: [Int] = [office], from: String, to: String, needs: [String] = [],
                            service: Int = service) -> String {
        #"{"services":[{"id":\#(service)}],"offices":\#(offices),"windows":[{"from":"\#(from)","to":"\#(to)"}],"needs":\#(needs)}"#
    }

    static func roundBody(day: String = roundDay, opens: String = "2026-11-30T09:00:00+01:00",
                          closes: String = "2026-11-30T12:00:00+01:00", offices: [Int] = [office]) -> String {
        #"{"name":"Personalausweis \#(day)","offices":\#(offices),"services":[\#(service)],"first_date":"\#(day)","last_date":"\#(day)","opens_at":"\#(opens)","closes_at":"\#(closes)"}"#
    }

    static func bearer(_ token: String) -> [String: String] { ["Authorization": "Bearer \(token)"] }

    /// A round over `roundDay` (a lead's, opening Monday 09:00, closing at 12:00); returns its id.
    static func round(_ app: TestServer) throws -> Int {
        let lead = try app.staffToken(.lead, name: "Lead")
        let created = try app.client().send("POST", "/v1/rounds", headers: Self.bearer(lead), body: Self.roundBody())
        return try #require(created.json["id"] as? Int)
    }

    /// `round` with `count` requests for 08:00 to `windowEnd` that day; returns its id.
    static func roundWithRequests(_ count: Int, windowEnd: String, _ app: TestServer) throws -> Int {
        let client = try app.client()
        let roundID = try Self.round(app)
        for _ in 0..<count {
            #expect(try client.send("POST", "/v1/requests", body: Self.requestBody(
                from: "\(Self.roundDay)T08:00:00+01:00", to: "\(Self.roundDay)T\(windowEnd):00+01:00")).status == 202)
        }
        return roundID
    }

    // MARK: Placed at once

    @Test func aRequestIsPlacedAtTheBestStartOverItsOffices() throws {
        let app = try TestServer()
        let client = try app.client()
        // First choice Orleansplatz, 08:00–09:00 on Tuesday: the earliest start there.
        let first = try client.send("POST", "/v1/requests", body: Self.requestBody(
            offices: [Self.office, Self.ruppertstrasse], from: TestServer.tuesday("08:00"), to: TestServer.tuesday("09:00")))
        #expect(first.status == 201)
        #expect(first.json["office"] as? Int == Self.office && first.json["start"] as? String == TestServer.tuesday("08:00"))
        #expect((first.json["code"] as? String)?.count == 32)
        // Near Orleansplatz's own coordinates, within 1 km: Orleansplatz.
        let officeJSON = try client.send("GET", "/v1/offices/\(Self.office)").json
        let geo = try #require(officeJSON["geo"] as? [String: Double])
        let near = try client.send("POST", "/v1/requests", body: #"""
            {"services":[{"id":\#(Self.service)}],"near":{"lat":\#(geo["lat"]!),"lon":\#(geo["lon"]!),"km":1},
             "windows":[{"from":"\#(TestServer.tuesday("08:00"))","to":"\#(TestServer.tuesday("09:00"))"}]}
            """#)
        #expect(near.status == 201 && near.json["office"] as? Int == Self.office)
        // A window where nothing is open: 409 naming the windows.
        let night = try client.send("POST", "/v1/requests", body: Self.requestBody(
            from: TestServer.tuesday("20:00"), to: TestServer.tuesday("22:00")))
        #expect(night.status == 409 && night.json["field"] as? String == "windows")
    }

    @Test func wheelchairNeedsGetAnAccessibleDeskThroughRequestsHoldsAndBookings() throws {
        let app = try TestServer()
        let client = try app.client()
        let accessible = Set(try app.pool.withConnection { db in
            try db.query("SELECT id FROM desk WHERE office_id = \(Self.office) AND accessible").rows.map { $0[0]! }
        })
        #expect(!accessible.isEmpty)
        func desk(_ id: Any?) throws -> String {
            try #require(try app.scalar("SELECT desk_id FROM appointment WHERE id = $1", [id as? String]))
        }
        for _ in 0..<3 {
            let placed = try client.send("POST", "/v1/requests", body: Self.requestBody(
                from: TestServer.tuesday("08:00"), to: TestServer.tuesday("09:00"), needs: ["wheelchair"]))
            #expect(placed.status == 201)
            let placedDesk = try desk(placed.json["id"])
            #expect(accessible.contains(placedDesk))
        }
        let hold = try client.send("POST", "/v1/holds", body: #"""
            {"office":\#(Self.office),"start":"\#(TestServer.tuesday("10:00"))","services":[{"id":\#(Self.service)}],"needs":["wheelchair"]}
            """#)
        #expect(hold.status == 201)
        let heldDesk = try desk(hold.json["id"])
        #expect(accessible.contains(heldDesk))
        let booked = try client.send("POST", "/v1/bookings", body: #"""
            {"office":\#(Self.office),"start":"\#(TestServer.tuesday("10:00"))","services":[{"id":\#(Self.service)}],"needs":["wheelchair"]}
            """#)
        // Desk 1 alone is accessible: the hold has it at 10:00, so the booking finds it taken.
        #expect(booked.status == (accessible.count > 1 ? 201 : 409))
        let unknown = try client.send("POST", "/v1/requests", body: Self.requestBody(
            from: TestServer.tuesday("08:00"), to: TestServer.tuesday("09:00"), needs: ["jetpack"]))
        #expect(unknown.status == 422 && unknown.json["field"] as? String == "needs[0]")
    }

    // MARK: Rounds

    @Test func aRoundCollectsAllocatesByLotteryAndPublishesItsSeed() throws {
        let app = try TestServer()
        let client = try app.client()
        let lead = try app.staffToken(.lead, name: "Lead")
        let clerk = try app.staffToken(.clerk)
        #expect(try client.send("POST", "/v1/rounds", body: Self.roundBody()).status == 401)
        #expect(try client.send("POST", "/v1/rounds", headers: Self.bearer(clerk), body: Self.roundBody()).status == 403)
        let created = try client.send("POST", "/v1/rounds", headers: Self.bearer(lead), body: Self.roundBody())
        #expect(created.status == 201)
        let roundID = try #require(created.json["id"] as? Int)
        let commitment = try #require(created.json["commitment"] as? String)
        #expect(created.json["phase"] as? String == "open")
        // An overlapping round is refused.
        #expect(try client.send("POST", "/v1/rounds", headers: Self.bearer(lead), body: Self.roundBody()).status == 422)

        // First come first served is suspended there, online; other days are not.
        let direct = try client.send("POST", "/v1/bookings", body: TestServer.holdBody(start: "\(Self.roundDay)T08:00:00+01:00"))
        #expect(direct.status == 409 && direct.json["type"] as? String == "urn:termin:problem:allocated-by-round")
        #expect(try client.send("POST", "/v1/holds", body: TestServer.holdBody(start: TestServer.tuesday("08:00"))).status == 201)

        // 60 citizens want 08:00–08:15: more than the desks can take.
        var requests: [(id: String, code: String)] = []
        for _ in 0..<60 {
            let answer = try client.send("POST", "/v1/requests", body: Self.requestBody(
                from: "\(Self.roundDay)T08:00:00+01:00", to: "\(Self.roundDay)T08:15:00+01:00"))
            #expect(answer.status == 202)
            requests.append((try #require(answer.json["id"] as? String), try #require(answer.json["code"] as? String)))
        }
        let (firstID, firstCode) = requests[0]
        let pending = try client.send("GET", "/v1/requests/\(firstID)", headers: ["Authorization": "Booking \(firstCode)"])
        #expect(pending.status == 200 && pending.json["state"] as? String == "collected")
        #expect(try client.send("GET", "/v1/requests/\(firstID)", headers: ["Authorization": "Booking nope"]).status == 404)
        let unreported = try client.send("GET", "/v1/rounds/\(roundID)").json
        #expect(unreported["report"] == nil)

        // Not due yet: nothing closes. Then past the close.
        #expect(try app.assembly.rounds.closeDue().isEmpty)
        app.clock.advance(seconds: 3 * 3600)
        #expect(try app.assembly.rounds.closeDue() == [roundID])
        #expect(try app.assembly.rounds.closeDue().isEmpty, "closing is idempotent")

        let round = try client.send("GET", "/v1/rounds/\(roundID)")
        let report = try #require(round.json["report"] as? [String: Any])
        let seedText = try #require(report["seed"] as? String)
        let seed = try #require(Hex.decode(seedText))
        #expect(Hex.encode(SHA256.hash(seed)) == commitment, "the seed matches the commitment published at the start")
        let served = try #require(report["served"] as? Int)
        #expect(report["requested"] as? Int == 60 && served > 0 && served < 60)

        // Every request's state; the ranks are the published rule's, and exactly the best ranks won.
        let expected = Lottery.ranks(seed: seed, requestIDs: requests.map(\.id))
        var bookingStarts: [String] = []
        for (id, code) in requests {
            let state = try client.send("GET", "/v1/requests/\(id)", headers: ["Authorization": "Booking \(code)"])
            let rank = try #require(state.json["lottery_rank"] as? Int)
            #expect(rank == expected[id])
            let won = state.json["state"] as? String == "served"
            #expect(won == (rank <= served), "rank \(rank) of \(served) served")
            #expect(won || state.json["state"] as? String == "unserved")
            if won, let booking = state.json["booking"] as? [String: Any] {
                bookingStarts.append(try #require(booking["start"] as? String))
                // The request's code manages the booking.
                #expect(try client.send("GET", "/v1/bookings/\(booking["id"] as! String)",
                                        headers: ["Authorization": "Booking \(code)"]).status == 200)
            }
        }
        #expect(bookingStarts.count == served)
        let confirmed = try app.scalar("SELECT count(*) FROM appointment WHERE day = '\(Self.roundDay)' AND status = 'confirmed'")
        #expect(confirmed == String(served))
        // After the close, first come first served is back for what is left of the day.
        #expect(try client.send("POST", "/v1/holds", body: TestServer.holdBody(start: "\(Self.roundDay)T11:00:00+01:00")).status == 201)
    }

    /// A round nobody sent a request to closes all the same, with nothing to allocate.
    @Test func aRoundWithoutRequestsCloses() throws {
        let app = try TestServer()
        let client = try app.client()
        let roundID = try Self.round(app)
        app.clock.advance(seconds: 3 * 3600)
        #expect(try app.assembly.rounds.closeDue() == [roundID])
        let report = try #require(try client.send("GET", "/v1/rounds/\(roundID)").json["report"] as? [String: Any])
        #expect(report["requested"] as? Int == 0 && report["served"] as? Int == 0)
        // The day is first come first served again.
        #expect(try client.send("POST", "/v1/holds", body: TestServer.holdBody(start: "\(Self.roundDay)T08:00:00+01:00")).status == 201)
    }

    /// A round collects only requests that its offices could serve as asked, as a request placed at once is checked:
    /// one it could never place (too many of a service, a language no desk speaks) is refused at once with the field at
    /// fault, and the close has nothing it cannot place.
    @Test func aRoundRefusesARequestItsOfficesCannotServe() throws {
        let app = try TestServer()
        let client = try app.client()
        let roundID = try Self.round(app)
        let window = #"[{"from":"\#(Self.roundDay)T08:00:00+01:00","to":"\#(Self.roundDay)T12:00:00+01:00"}]"#
        let tooMany = try client.send("POST", "/v1/requests", body: #"{"services":[{"id":\#(Self.service),"quantity":3}],"offices":[\#(Self.office)],"windows":\#(window)}"#)
        #expect(tooMany.status == 422 && tooMany.json["field"] as? String == "services[0].quantity", "\(tooMany.text)")
        let unspoken = try client.send("POST", "/v1/requests", body: #"{"services":[{"id":\#(Self.service)}],"offices":[\#(Self.office)],"windows":\#(window),"languages":["fi"]}"#)
        #expect(unspoken.status == 422, "\(unspoken.text)")
        #expect(try client.send("POST", "/v1/requests", body: Self.requestBody(
            from: "\(Self.roundDay)T08:00:00+01:00", to: "\(Self.roundDay)T12:00:00+01:00")).status == 202)
        app.clock.advance(seconds: 3 * 3600)
        #expect(try app.assembly.rounds.closeDue() == [roundID])
        let report = try #require(try client.send("GET", "/v1/rounds/\(roundID)").json["report"] as? [String: Any])
        #expect(report["requested"] as? Int == 1 && report["served"] as? Int == 1)
    }

    @Test func aFailureDuringTheCloseLosesAndDuplicatesNothing() throws {
        let app = try TestServer()
        let client = try app.client()
        let roundID = try Self.roundWithRequests(30, windowEnd: "09:00", app)
        let daysBefore = try client.send("GET", "/v1/availability/days?office=\(Self.office)&service=\(Self.service)&from=\(Self.roundDay)&to=\(Self.roundDay)&channel=staff")
        // The database refuses the last step of the close (marking the round closed), after the bookings were inserted.
        _ = try app.pool.withConnection { db in
            try db.execute("""
                CREATE FUNCTION refuse_close() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected'; END $$;
                CREATE TRIGGER refuse_close BEFORE UPDATE ON release_round FOR EACH ROW EXECUTE FUNCTION refuse_close();
                """)
        }
        app.clock.advance(seconds: 3 * 3600)
        #expect(throws: (any Error).self) { try app.assembly.rounds.closeDue() }
        #expect(try app.scalar("SELECT count(*) FROM appointment WHERE day = '\(Self.roundDay)'") == "0")
        #expect(try app.scalar("SELECT count(*) FROM round_request WHERE outcome = 'collected'") == "30")
        // The ledger got its reservations back: the day offers what it offered before.
        let daysAfter = try client.send("GET", "/v1/availability/days?office=\(Self.office)&service=\(Self.service)&from=\(Self.roundDay)&to=\(Self.roundDay)&channel=staff")
        #expect(daysAfter.body == daysBefore.body)
        // Repaired, it closes once, with one booking per served request.
        _ = try app.pool.withConnection { try $0.execute("DROP TRIGGER refuse_close ON release_round") }
        #expect(try app.assembly.rounds.closeDue() == [roundID])
        #expect(try app.assembly.rounds.closeDue().isEmpty)
        #expect(try app.scalar("SELECT count(*) FROM round_request WHERE outcome = 'served'") == "30")
        #expect(try app.scalar("SELECT count(*) FROM appointment WHERE day = '\(Self.roundDay)'") == "30")
    }

    /// A request that joins after the close read the round's requests (here one made inside the closing transaction,
    /// as the bookings are inserted) stops that close: nothing is written, and the next close reads it and settles it.
    /// A round never closes with a request left collected (its citizen would be refused that service for good).
    @Test func aRequestTheCloseDidNotReadStopsTheClose() throws {
        let app = try TestServer()
        let roundID = try Self.roundWithRequests(3, windowEnd: "09:00", app)
        _ = try app.pool.withConnection { db in
            try db.execute("""
                CREATE FUNCTION late_request() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
                    INSERT INTO round_request SELECT (jsonb_populate_record(q, jsonb_build_object('id', gen_random_uuid()))).*
                    FROM round_request q WHERE q.outcome = 'collected' LIMIT 1;
                    RETURN NULL; END $$;
                CREATE TRIGGER late_request BEFORE INSERT ON appointment FOR EACH STATEMENT EXECUTE FUNCTION late_request();
                """)
        }
        app.clock.advance(seconds: 3 * 3600)
        #expect(try app.assembly.rounds.closeDue().isEmpty)
        #expect(try app.scalar("SELECT count(*) FROM appointment WHERE day = '\(Self.roundDay)'") == "0")
        #expect(try app.scalar("SELECT count(*) FROM release_round WHERE closed_at IS NULL") == "1")
        _ = try app.pool.withConnection { try $0.execute("DROP TRIGGER late_request ON appointment") }
        #expect(try app.assembly.rounds.closeDue() == [roundID])
        #expect(try app.scalar("SELECT count(*) FROM round_request WHERE outcome = 'collected'") == "0")
        #expect(try app.scalar("SELECT count(*) FROM appointment WHERE day = '\(Self.roundDay)'") == "3")
    }

    @Test func twoInstancesNeverBothCloseARound() throws {
        let app = try TestServer()
        let other = try TestServer(conninfo: app.conninfo)
        let roundID = try Self.roundWithRequests(40, windowEnd: "12:00", app)
        try other.assembly.rounds.refresh()
        app.clock.advance(seconds: 3 * 3600)
        other.clock.advance(seconds: 3 * 3600)
        let closers = [app.assembly.rounds, other.assembly.rounds]
        let closed = try TestThreads.run(count: 2) { index in try closers[index].closeDue() }
        #expect(closed.flatMap { $0 } == [roundID], "exactly one instance closed it")
        #expect(try app.scalar("SELECT count(*) FROM appointment WHERE day = '\(Self.roundDay)'") == "40")
        #expect(try app.scalar("SELECT count(DISTINCT appointment_id) FROM round_request WHERE outcome = 'served'") == "40")
    }

    @Test func unservedRequestsCarryOverWithABoundedBoost() throws {
        let app = try TestServer()
        let client = try app.client()
        let lead = try app.staffToken(.lead, name: "Lead")
        // Two rounds: Tuesday (closes at noon) and Wednesday (closes at 14:00).
        #expect(try client.send("POST", "/v1/rounds", headers: Self.bearer(lead), body: Self.roundBody()).status == 201)
        #expect(try client.send("POST", "/v1/rounds", headers: Self.bearer(lead), body: Self.roundBody(
            day: "2026-12-09", closes: "2026-11-30T14:00:00+01:00")).status == 201)
        // Each wants 08:00–08:20 on Tuesday (a 15-minute appointment starting by 08:05) or Wednesday morning:
        // Tuesday's round collects them; the losers move on.
        var ids: [String] = []
        for _ in 0..<50 {
            let answer = try client.send("POST", "/v1/requests", body: #"""
                {"services":[{"id":\#(Self.service)}],"offices":[\#(Self.office)],"windows":[
                 {"from":"\#(Self.roundDay)T08:00:00+01:00","to":"\#(Self.roundDay)T08:20:00+01:00"},
                 {"from":"2026-12-09T08:00:00+01:00","to":"2026-12-09T10:00:00+01:00"}]}
                """#)
            #expect(answer.status == 202)
            ids.append(try #require(answer.json["id"] as? String))
        }
        // One asks for Tuesday at 22:00, when the office is closed: it never competes on Tuesday, and gains no boost.
        let closedHours = try client.send("POST", "/v1/requests", body: #"""
            {"services":[{"id":\#(Self.service)}],"offices":[\#(Self.office)],"windows":[
             {"from":"\#(Self.roundDay)T22:00:00+01:00","to":"\#(Self.roundDay)T23:00:00+01:00"},
             {"from":"2026-12-09T08:00:00+01:00","to":"2026-12-09T10:00:00+01:00"}]}
            """#)
        #expect(closedHours.status == 202, "\(closedHours.text)")
        let closedID = try #require(closedHours.json["id"] as? String)
        app.clock.advance(seconds: 3 * 3600 + 60)
        _ = try app.assembly.rounds.closeDue()
        let carried = Int(try app.scalar("SELECT count(*) FROM round_request WHERE outcome = 'carried'") ?? "") ?? 0
        #expect(carried > 1)
        #expect(try app.scalar("SELECT count(*) FROM round_request WHERE outcome = 'served'") != "0")
        #expect(try app.scalar("SELECT count(*) FROM round_request WHERE boost = 1 AND outcome = 'collected'") == String(carried - 1))
        #expect(try app.scalar("""
            SELECT c.boost FROM round_request r JOIN round_request c ON c.id = r.carried_to WHERE r.id = $1
            """, [closedID]) == "0")
        app.clock.advance(seconds: 2 * 3600)
        _ = try app.assembly.rounds.closeDue()
        // Everyone is served on one of the two days; nobody twice.
        #expect(try app.scalar("SELECT count(*) FROM round_request WHERE outcome = 'served'") == "51")
        #expect(try app.scalar("SELECT count(*) FROM appointment WHERE status = 'confirmed'") == "51")
    }
}
