import Foundation
import Testing
import TerminAPI
import TerminCore
import TerminTestSupport

/// The ALTCHA challenge: solved once, refused when missing, forged, replayed or expired, harder under load.
@Suite struct ProofOfWorkTests {
    static func protection(base: Int = 2_000) -> Protection {
        var configuration = ProofOfWork.Configuration(key: Array(repeating: 7, count: 32))
        configuration.baseMaxNumber = base
        return Protection(proofOfWork: ProofOfWork(configuration: configuration))
    }

    static func solved(_ client: TestHTTPClient) throws -> String {
        let challenge = try client.send("GET", "/v1/challenge")
        #expect(challenge.status == 200 && challenge.json["algorithm"] as? String == "SHA-256")
        return try #require(ProofOfWork.solve(challenge.value))
    }

    @Test func writesNeedOneFreshSolutionEach() throws {
        let app = try TestServer(protection: Self.protection())
        let client = try app.client()
        let hold = TestServer.holdBody(start: TestServer.tuesday("08:00"))
        let missing = try client.send("POST", "/v1/holds", body: hold)
        #expect(missing.status == 403 && missing.json["field"] as? String == "Altcha")
        #expect(missing.json["type"] as? String == "urn:termin:problem:proof-of-work-missing")
        let solution = try Self.solved(client)
        #expect(try client.send("POST", "/v1/holds", headers: ["Altcha": solution], body: hold).status == 201)
        let replayed = try client.send("POST", "/v1/holds", headers: ["Altcha": solution],
                                       body: TestServer.holdBody(start: TestServer.tuesday("08:30")))
        #expect(replayed.json["type"] as? String == "urn:termin:problem:proof-of-work-replayed")
        // A solution with a forged signature, or a wrong number, is refused.
        var forged = try #require(try JSONSerialization.jsonObject(with: Data(base64Encoded: try Self.solved(client))!) as? [String: Any])
        forged["signature"] = String(repeating: "0", count: 64)
        let forgedText = try JSONSerialization.data(withJSONObject: forged).base64EncodedString()
        #expect(try client.send("POST", "/v1/bookings", headers: ["Altcha": forgedText],
                                body: TestServer.holdBody(start: TestServer.tuesday("09:00"))).json["type"] as? String
                == "urn:termin:problem:proof-of-work-wrong-signature")
        // Direct bookings (answered on the event loop) and requests need one too.
        #expect(try client.send("POST", "/v1/bookings", headers: ["Altcha": try Self.solved(client)],
                                body: TestServer.holdBody(start: TestServer.tuesday("09:00"))).status == 201)
        #expect(try client.send("POST", "/v1/bookings", body: TestServer.holdBody(start: TestServer.tuesday("09:30"))).status == 403)
        // Expired: solved, then kept past its lifetime.
        let late = try Self.solved(client)
        app.clock.advance(seconds: 301)
        #expect(try client.send("POST", "/v1/holds", headers: ["Altcha": late], body: TestServer.holdBody(start: TestServer.tuesday("10:00")))
                .json["type"] as? String == "urn:termin:problem:proof-of-work-expired")
        // Staff (bearer token) are not asked.
        let clerk = try app.staffToken()
        #expect(try client.send("POST", "/v1/holds", headers: ["Authorization": "Bearer \(clerk)"], body: #"""
            {"office":\#(TestServer.orleansplatz),"start":"\#(TestServer.tuesday("10:30"))","services":[{"id":\#(TestServer.personalausweis)}],"channel":"staff"}
            """#).status == 201)
    }

    @Test func challengesGetHarderUnderLoad() throws {
        let proofOfWork = try #require(Self.protection(base: 100).proofOfWork)
        let now = Instant(secondsSinceEpoch: 1_800_000_000)
        let quiet = proofOfWork.maxNumber(now: now)
        #expect(quiet == 100)
        for _ in 0..<1_000 {
            let solution = try #require(ProofOfWork.solve(proofOfWork.challenge(now: now)))
            try proofOfWork.verify(solution, now: now)
        }
        #expect(proofOfWork.maxNumber(now: now) > 2 * quiet, "100 solutions a second make it harder")
        #expect(proofOfWork.maxNumber(now: now.adding(seconds: 60)) == quiet, "and it eases when the load is gone")
    }

    @Test func withoutProofOfWorkTheChallengeRouteSaysSo() throws {
        let app = try TestServer()
        #expect(try app.client().send("GET", "/v1/challenge").status == 404)
    }
}
