import Foundation
import Testing
import TerminAPI
import TerminCore
import TerminTestSupport

/// The served OpenAPI document as a contract, checked by tools no one here wrote (tooling for the tests only; CI
/// installs them, and the tests fail, never skip, without them): schemathesis generates requests from the document
/// and checks every answer against it; openapi-python-client generates a typed client from it that books.
@Suite struct ContractTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Contract")

    /// Every check (`-c all`: server errors, statuses and bodies the document does not list, schema-valid requests
    /// refused, invalid ones accepted, missing credentials accepted, links from a hold to its booking and on), its
    /// stateful phase included, with the credentials a portal and a counter hold: a staff token, a booking and its code,
    /// a request collected by a release round and its code; a walk-in waits at the office. Bounded and seeded, so a failure
    /// replays (`TERMIN_CONTRACT_SEED` explores another seed).
    @Test func schemathesisFindsNothing() throws {
        let app = try TestServer()
        let client = try app.client()
        let token = try app.staffToken(.admin, offices: [], name: "Contract")
        // A week ahead, with an e-mail address: it may join the earlier-time list.
        let booking = try client.send("POST", "/v1/bookings", body: #"""
            {"office":102522,"start":"2026-12-08T10:00:00+01:00","services":[{"id":1063441}],"contact":{"email":"contract@example.org"}}
            """#)
        try #require(booking.status == 201, "\(booking.text)")
        let round = try client.send("POST", "/v1/rounds", headers: RoundTests.bearer(token), body: RoundTests.roundBody())
        try #require(round.status == 201, "\(round.text)")
        let request = try client.send("POST", "/v1/requests", body: RoundTests.requestBody(
            from: "\(RoundTests.roundDay)T08:00:00+01:00", to: "\(RoundTests.roundDay)T12:00:00+01:00"))
        try #require(request.status == 202, "\(request.text)")
        let ticket = try client.send("POST", "/v1/offices/\(TestServer.orleansplatz)/tickets",
                                     body: #"{"services":[{"id":\#(TestServer.personalausweis)}]}"#)
        try #require(ticket.status == 201, "\(ticket.text)")
        // A full group session and a citizen on its waiting list.
        let session = try #require(try GroupSessionTests.sessions(client).first?["id"] as? Int)
        try #require(session == 9_700_005, "the session Contract/schemathesis.toml names")
        for index in 0..<8 {
            try #require(try client.send("POST", "/v1/sessions/\(session)/seats", body: GroupSessionTests.seatBody("c\(index)@example.org")).status == 201)
        }
        let wait = try client.send("POST", "/v1/sessions/\(session)/waitlist", body: GroupSessionTests.seatBody("wait@example.org"))
        try #require(wait.status == 201, "\(wait.text)")
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("schemathesis-\(UUID().uuidString).txt")
        let outcome = try ChildProcess.run("/usr/bin/env", [
            "TERMIN_STAFF_TOKEN=\(token)",
            "TERMIN_BOOKING_ID=\(booking.json["id"] as! String)", "TERMIN_BOOKING_CODE=\(booking.json["code"] as! String)",
            "TERMIN_REQUEST_ID=\(request.json["id"] as! String)", "TERMIN_REQUEST_CODE=\(request.json["code"] as! String)",
            "TERMIN_WAIT_ID=\(wait.json["id"] as! String)", "TERMIN_WAIT_CODE=\(wait.json["code"] as! String)",
            "python3", "-c", "import sys; from schemathesis.cli import schemathesis; sys.argv[0] = 'schemathesis'; schemathesis()",
            "--config-file", Self.folder.appendingPathComponent("schemathesis.toml").path, "--no-color",
            "run", "http://127.0.0.1:\(app.server.port)/v1/openapi.json",
            "--checks", "all", "--max-examples", "12", "--seed", ProcessInfo.processInfo.environment["TERMIN_CONTRACT_SEED"] ?? "20261205",
        ], seconds: 900)
        try? (outcome.output + outcome.errors).write(to: report, atomically: true, encoding: .utf8)
        #expect(outcome.status == 0, "schemathesis found failures; its report: \(report.path)\n\(outcome.output.suffix(6_000))")
        // The summary counts failures ("2 failed"); a warning's wording ("Authentication failed: …") is no failure.
        #expect(outcome.output.contains(" passed, ") && outcome.output.firstMatch(of: /\d+ failed/) == nil,
                "\(outcome.output.suffix(2_000))")
        // The generated requests reached the engine, not only its refusals: holds beyond the booking made above.
        #expect(Int(try app.scalar("SELECT count(*) FROM appointment") ?? "0")! > 1)
    }

    /// openapi-python-client generates a typed client from the served document (no `Any` body), and a portal's
    /// program holds, books, reads and cancels through it.
    @Test func aGeneratedClientBooks() throws {
        let app = try TestServer()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("client-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let outcome = try ChildProcess.run("/usr/bin/env", [
            "python3", Self.folder.appendingPathComponent("book_with_client.py").path,
            "http://127.0.0.1:\(app.server.port)", work.path, TestServer.tuesday("10:00"),
        ], seconds: 300)
        #expect(outcome.status == 0, "\(outcome.output)\n\(outcome.errors)")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [String: Any],
                                "\(outcome.output)\n\(outcome.errors)")
        #expect(seen["untyped_bodies"] as? [String] == [], "bodies the generator could not type")
        #expect(seen["hold_status"] as? Int == 201)
        #expect(seen["booking_status"] as? Int == 201)
        #expect(seen["read_status"] as? Int == 200)
        #expect(seen["cancel_status"] as? Int == 200)
        #expect(seen["booking_type"] as? String == "Booking")
        #expect(try app.scalar("SELECT status FROM appointment") == "cancelled")
    }
}
