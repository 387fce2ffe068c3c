import Testing
import TerminTestSupport
@testable import TerminAPI

/// Every client mistake answers a 4xx problem+json naming the field, and writes nothing.
@Suite struct BadInputTests {
    static let cases: [(String, String, String?, Int, String?)] = [
        ("POST", "/v1/holds", "{bad json", 400, "body"),
        ("POST", "/v1/holds", "", 422, "body"),
        ("POST", "/v1/holds", "[]", 422, "body"),
        ("POST", "/v1/holds", #"{"start":"2026-12-01T08:00:00+01:00","services":[{"id":1063441}]}"#, 422, "office"),
        ("POST", "/v1/holds", #"{"office":"x","start":"2026-12-01T08:00:00+01:00","services":[{"id":1063441}]}"#, 422, "office"),
        ("POST", "/v1/holds", #"{"office":999,"start":"2026-12-01T08:00:00+01:00","services":[{"id":1063441}]}"#, 422, "office"),
        ("POST", "/v1/holds", #"{"office":102522.5,"start":"2026-12-01T08:00:00+01:00","services":[{"id":1063441}]}"#, 422, "office"),
        ("POST", "/v1/holds", #"{"office":102522,"start":"2026-12-01T08:00:00+01:00","services":[{"id":1063441,"quantity":88313198909848813568}]}"#, 422, "services[0].quantity"),
        ("POST", "/v1/holds", #"{"office":102522,"start":"2026-12-01T08:00:00+01:00","services":[{"id":42}]}"#, 422, "services[0].id"),
        ("POST", "/v1/holds", #"{"office":102522,"start":"2026-12-01T08:00:00+01:00","services":[{"id":1063423}]}"#, 422, "services[0].id"),
        ("POST", "/v1/holds", #"{"office":102522,"start":"2026-12-01T08:00:00+01:00","services":[{"id":1063441,"quantity":3}]}"#, 422, "services[0].quantity"),
        ("POST", "/v1/holds", #"{"office":102522,"start":"2026-12-01T08:00:00+01:00","services":[{"id":1063441},{"id":10225189}]}"#, 422, "services[1].id"),
        ("POST", "/v1/holds", #"{"office":102522,"start":"2026-12-01T08:00:00+01:00","services":[]}"#, 422, "services"),
        ("POST", "/v1/holds", #"{"office":102522,"start":"2026-12-01T08:02:00+01:00","services":[{"id":1063441}]}"#, 422, "start"),
        ("POST", "/v1/holds", #"{"office":102522,"start":"2026-12-01T12:25:00+01:00","services":[{"id":1063441}]}"#, 422, "start"),
        ("POST", "/v1/holds", #"{"office":102522,"start":"2026-12-01T08:00:00","services":[{"id":1063441}]}"#, 422, "start"),
        ("POST", "/v1/holds", #"{"office":102522,"start":"2026-12-25T08:00:00+01:00","services":[{"id":1063441}]}"#, 422, "start"),
        ("POST", "/v1/holds", #"{"office":102522,"start":"2026-11-30T09:15:00+01:00","services":[{"id":1063441}]}"#, 422, "start"),
        ("POST", "/v1/holds", #"{"office":102522,"start":"2027-01-20T08:00:00+01:00","services":[{"id":1063441}]}"#, 422, "start"),
        ("POST", "/v1/holds", #"{"office":102522,"start":"2026-12-01T08:00:00+01:00","services":[{"id":1063441}],"channel":"fax"}"#, 422, "channel"),
        ("POST", "/v1/bookings", #"{"hold":"x","office":102522}"#, 422, "hold"),
        ("POST", "/v1/bookings", #"{"hold":"x","contact":{"email":"a@example.org"}}"#, 422, "hold"),
        ("POST", "/v1/bookings", "{bad json", 400, "body"),
        ("POST", "/v1/bookings", "[]", 422, "body"),
        ("POST", "/v1/bookings", #"{"office":"x","start":"2026-12-01T08:00:00+01:00","services":[{"id":1063441}]}"#, 422, "office"),
        ("POST", "/v1/bookings", #"{"office":102522.5,"start":"2026-12-01T08:00:00+01:00","services":[{"id":1063441}]}"#, 422, "office"),
        ("POST", "/v1/bookings", #"{"office":102522,"start":"2026-12-01T08:00:00+01:00","services":{"id":1063441}}"#, 422, "services"),
        ("POST", "/v1/bookings", #"{"office":102522,"start":"2026-12-01T08:00:00+01:00","services":[{"quantity":1}]}"#, 422, "services[0].id"),
        ("POST", "/v1/bookings", #"{"office":102522,"start":"2026-12-01T08:00:00+01:00","services":[{"id":1063441},null]}"#, 422, "services[1]"),
        ("POST", "/v1/bookings", #"{"office":102522,"start":"2026-12-01T08:00:00+01:00","services":[{"id":1063441}],"needs":[1]}"#, 422, "needs[0]"),
        ("POST", "/v1/bookings", #"{"office":102522,"start":"2026-12-01T08:00:00+01:00","services":[{"id":1063441}],"contact":"me"}"#, 422, "contact"),
        ("POST", "/v1/bookings", #"{"office":102522,"start":"2026-12-01T08:00:00+01:00","services":[{"id":1063441}],"contact":{"name":7}}"#, 422, "contact.name"),
        ("POST", "/v1/bookings", #"{"office":102522,"services":[{"id":1063441}]}"#, 422, "start"),
        // Instants beyond the years dates have (year 0 and 10000 in UTC): refused, not a trap in the time zone rule.
        ("POST", "/v1/bookings", #"{"office":102522,"start":"0001-01-01T00:00:00+01:00","services":[{"id":1063441}]}"#, 422, "start"),
        ("POST", "/v1/bookings", #"{"office":102522,"start":"9999-12-31T23:30:00-01:00","services":[{"id":1063441}]}"#, 422, "start"),
        ("POST", "/v1/holds", #"{"office":102522,"start":"0001-01-01T00:00:00+01:00","services":[{"id":1063441}]}"#, 422, "start"),
        ("POST", "/v1/bookings", #"{"office":102522,"start":"2026-12-01T08:00:00+01:00","services":[{"id":1063441}],"contact":{"email":"nope"}}"#, 422, "contact.email"),
        ("POST", "/v1/bookings", #"{"office":102522,"start":"2026-12-01T08:00:00+01:00","services":[{"id":1063441}],"contact":{"name":""}}"#, 422, "contact.name"),
        // PostgreSQL's text cannot hold U+0000: refused by name, never sent to the database.
        ("POST", "/v1/bookings", #"{"office":102522,"start":"2026-12-01T08:00:00+01:00","services":[{"id":1063441}],"contact":{"name":"A\u0000B","email":"a@example.org"}}"#, 422, "contact.name"),
        ("POST", "/v1/holds", #"{"office":102522,"start":"2026-12-01T08:00:00+01:00\u0000","services":[{"id":1063441}]}"#, 422, "start"),
        // A key sent twice: readers disagree on which one counts.
        ("POST", "/v1/bookings", #"{"office":999,"office":102522,"start":"2026-12-01T08:00:00+01:00","services":[{"id":1063441}]}"#, 422, "office"),
        ("POST", "/v1/holds", #"{"office":102522,"start":"2026-12-01T08:00:00+01:00","services":[{"id":1063441,"quantity":1,"quantity":2}]}"#, 422, "services[0].quantity"),
        ("GET", "/v1/availability?service=1063441&from=2026-12-01&to=2026-12-02", nil, 400, "office"),
        ("GET", "/v1/availability/days?service=1063441&from=2026-12-01&to=2026-12-02", nil, 400, "office"),
        ("GET", "/v1/availability/days?office=102522&service=1063441&from=2026-12-01&to=2027-03-01", nil, 422, "to"),
        ("GET", "/v1/availability/days?office=102522,999&service=1063441&from=2026-12-01&to=2026-12-02", nil, 422, "office[1]"),
        ("GET", "/v1/availability?office=abc&service=1063441&from=2026-12-01&to=2026-12-02", nil, 400, "office"),
        ("GET", "/v1/availability?office=102522&from=2026-12-01&to=2026-12-02", nil, 400, "service"),
        ("GET", "/v1/availability?office=102522&service=1063441:x&from=2026-12-01&to=2026-12-02", nil, 400, "service"),
        ("GET", "/v1/availability?office=102522&service=1063441&from=2026-02-30&to=2026-12-02", nil, 400, "from"),
        ("GET", "/v1/availability?office=102522&service=1063441&from=2026-12-03&to=2026-12-02", nil, 422, "to"),
        ("GET", "/v1/availability?office=102522&service=1063441&from=2026-12-01&to=2027-03-01", nil, 422, "to"),
        ("GET", "/v1/availability?office=102522&service=42&from=2026-12-01&to=2026-12-02", nil, 422, "service"),
        ("GET", "/v1/availability?office=102522,999&service=1063441&from=2026-12-01&to=2026-12-02", nil, 422, "office[1]"),
        ("GET", "/v1/availability?office=102522&service=1063441:3&from=2026-12-01&to=2026-12-02", nil, 422, "service"),
        ("GET", "/v1/availability?office=102522&service=1063441&from=2026-12-01&to=2026-12-02&channel=clerk", nil, 422, "channel"),
        ("GET", "/v1/offices?service=x", nil, 400, "service"),
        ("POST", "/v1/offices/102522/tickets", "{}", 422, "services"),
        ("POST", "/v1/offices/102522/tickets", #"{"services":[]}"#, 422, "services"),
        ("POST", "/v1/offices/102522/tickets", #"{"services":[{"id":"x"}]}"#, 422, "services[0].id"),
        ("POST", "/v1/offices/abc/tickets", #"{"services":[{"id":1063441}]}"#, 400, "id"),
        ("POST", "/v1/offices/999/tickets", #"{"services":[{"id":1063441}]}"#, 404, "id"),
        ("POST", "/v1/offices/102522/check-ins", #"{"booking":"x"}"#, 422, "code"),
        ("POST", "/v1/offices/102522/check-ins", #"{"booking":"00000000-0000-0000-0000-000000000000","code":"c"}"#, 404, nil),
        ("POST", "/v1/offices/102522/desks/1/call-next", nil, 401, "Authorization"),
        ("GET", "/v1/offices/102522/queue?service=x", nil, 400, "service"),
        ("GET", "/v1/offices/102522/audit", nil, 401, "Authorization"),
        ("GET", "/v1/offices/102522/tickets", nil, 401, "Authorization"),
        ("GET", "/v1/offices/102522/tickets/nope", nil, 404, nil),
        ("POST", "/v1/offices/102522/tickets/00000000-0000-0000-0000-000000000000/fly", nil, 401, "Authorization"),
        ("POST", "/v1/requests", #"{"services":[{"id":1063441}],"windows":[{"from":"2026-12-01T08:00:00+01:00","to":"2026-12-01T09:00:00+01:00"}]}"#, 422, "offices"),
        ("POST", "/v1/requests", #"{"services":[{"id":1063441}],"offices":[102522],"near":{"lat":48.1,"lon":11.6,"km":2},"windows":[{"from":"2026-12-01T08:00:00+01:00","to":"2026-12-01T09:00:00+01:00"}]}"#, 422, "offices"),
        ("POST", "/v1/requests", #"{"services":[{"id":1063441}],"offices":[102522,102522],"windows":[{"from":"2026-12-01T08:00:00+01:00","to":"2026-12-01T09:00:00+01:00"}]}"#, 422, "offices"),
        ("POST", "/v1/requests", #"{"services":[{"id":1063441}],"offices":[999],"windows":[{"from":"2026-12-01T08:00:00+01:00","to":"2026-12-01T09:00:00+01:00"}]}"#, 422, "offices[0]"),
        ("POST", "/v1/requests", #"{"services":[{"id":1063441}],"near":{"lat":91,"lon":11.6,"km":2},"windows":[{"from":"2026-12-01T08:00:00+01:00","to":"2026-12-01T09:00:00+01:00"}]}"#, 422, "near.lat"),
        ("POST", "/v1/requests", #"{"services":[{"id":1063441}],"near":{"lat":48.1,"lon":11.6,"km":0},"windows":[{"from":"2026-12-01T08:00:00+01:00","to":"2026-12-01T09:00:00+01:00"}]}"#, 422, "near.km"),
        ("POST", "/v1/requests", #"{"services":[{"id":1063441}],"near":{"lat":0,"lon":0,"km":5},"windows":[{"from":"2026-12-01T08:00:00+01:00","to":"2026-12-01T09:00:00+01:00"}]}"#, 422, "near"),
        ("POST", "/v1/requests", #"{"services":[{"id":1063441}],"offices":[102522],"windows":[]}"#, 422, "windows"),
        ("POST", "/v1/requests", #"{"services":[{"id":1063441}],"offices":[102522],"windows":[{"from":"tomorrow","to":"2026-12-01T09:00:00+01:00"}]}"#, 422, "windows[0].from"),
        ("POST", "/v1/requests", #"{"services":[{"id":1063441}],"offices":[102522],"windows":[{"from":"2026-12-01T09:00:00+01:00","to":"2026-12-01T08:00:00+01:00"}]}"#, 422, "windows[0].to"),
        ("POST", "/v1/requests", #"{"services":[{"id":1063441}],"offices":[102522],"windows":[{"from":"2026-12-01T09:00:00+01:00","to":"2027-03-01T08:00:00+01:00"}]}"#, 422, "windows[0].to"),
        ("POST", "/v1/requests", #"{"services":[{"id":42}],"offices":[102522],"windows":[{"from":"2026-12-01T08:00:00+01:00","to":"2026-12-01T09:00:00+01:00"}]}"#, 422, "services[0].id"),
        ("POST", "/v1/requests", #"{"services":[{"id":1063441}],"offices":[102522],"needs":["x"],"windows":[{"from":"2026-12-01T08:00:00+01:00","to":"2026-12-01T09:00:00+01:00"}]}"#, 422, "needs[0]"),
        ("GET", "/v1/requests/00000000-0000-0000-0000-000000000000", nil, 401, "Authorization"),
        ("GET", "/v1/rounds/x", nil, 400, "id"),
        ("GET", "/v1/rounds/99", nil, 404, nil),
        ("POST", "/v1/rounds", "{}", 401, "Authorization"),
        ("GET", "/v1/offices/123", nil, 404, "id"),
        ("GET", "/v1/nothing", nil, 404, "target"),
        ("PUT", "/v1/holds", nil, 405, "method"),
    ]

    @Test func everyMistakeIsAProblemNamingTheField() throws {
        let app = try TestServer()
        let client = try app.client()
        for (method, path, body, status, field) in Self.cases {
            let response = try client.send(method, path, body: body)
            #expect(response.status == status, "\(method) \(path) \(body ?? "")")
            #expect(response.header("Content-Type") == "application/problem+json", "\(path)")
            #expect(response.json["status"] as? Int == status)
            #expect(response.json["field"] as? String == field, "\(method) \(path) \(body ?? "")")
            #expect((response.json["detail"] as? String)?.isEmpty == false)
        }
        #expect(try app.scalar("SELECT count(*) FROM appointment") == "0")
    }

    /// With credentials, the mistakes behind them: credentials are checked first, so a request without them is a 401
    /// whatever else it gets wrong.
    @Test func mistakesBehindCredentialsNameTheirField() throws {
        let app = try TestServer()
        let client = try app.client()
        let staff = ["Authorization": "Bearer \(try app.staffToken(.lead))"]
        let code = ["Authorization": "Booking x"]
        let cases: [(String, String, [String: String], Int, String?)] = [
            ("POST", "/v1/offices/102522/desks/0/call-next", staff, 400, "desk"),
            ("GET", "/v1/offices/abc/tickets", staff, 400, "id"),
            ("GET", "/v1/offices/999/tickets", staff, 404, "id"),
            ("POST", "/v1/offices/102522/tickets/00000000-0000-0000-0000-000000000000/fly", staff, 404, "action"),
            ("GET", "/v1/offices/102522/audit?date=soon", staff, 400, "date"),
            ("GET", "/v1/requests/00000000-0000-0000-0000-000000000000", code, 404, nil),
            ("GET", "/v1/bookings/00000000-0000-0000-0000-000000000000/calendar.ics", code, 404, nil),
        ]
        for (method, path, headers, status, field) in cases {
            let response = try client.send(method, path, headers: headers)
            #expect(response.status == status, "\(method) \(path)")
            #expect(response.header("Content-Type") == "application/problem+json", "\(path)")
            #expect(response.json["field"] as? String == field, "\(method) \(path)")
        }
    }

    @Test func theWrongContentTypeIs415() throws {
        let app = try TestServer()
        let response = try app.client().send("POST", "/v1/holds", headers: ["Content-Type": "text/plain"], body: "{}")
        #expect(response.status == 415 && response.json["field"] as? String == "Content-Type")
    }

    @Test func anOverlongIdempotencyKeyIs400() throws {
        let app = try TestServer()
        let response = try app.client().send("POST", "/v1/bookings", headers: ["Idempotency-Key": String(repeating: "k", count: 300)],
                                             body: TestServer.holdBody(start: TestServer.tuesday("08:00")))
        #expect(response.status == 400 && response.json["field"] as? String == "Idempotency-Key")
        #expect(try app.scalar("SELECT count(*) FROM appointment") == "0")
    }
}
