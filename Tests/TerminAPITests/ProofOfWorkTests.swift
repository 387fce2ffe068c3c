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
        // A token that names no staff member spares no one: online writes with it are refused, none is made.
        for path in ["/v1/holds", "/v1/bookings"] {
            let bogus = try client.send("POST", path, headers: ["Authorization": "Bearer not-a-token"],
                                        body: TestServer.holdBody(start: TestServer.tuesday("11:00")))
            #expect(bogus.status == 401, "\(path): \(bogus.status) \(bogus.text)")
        }
        #expect(try app.scalar("SELECT count(*) FROM appointment WHERE lower(span) = $1::timestamptz",
                               [TestServer.tuesday("11:00")]) == "0")
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

    /// Challenges that double with every solution verified in ten seconds (base 100).
    static func doublingWithEachSolution() -> ProofOfWork {
        var configuration = ProofOfWork.Configuration(key: Array(repeating: 7, count: 32))
        configuration.baseMaxNumber = 100
        configuration.doublingSolutionsPerSecond = 0.1
        return ProofOfWork(configuration: configuration)
    }

    static func verifySolved(_ proofOfWork: ProofOfWork, at now: Instant) throws {
        try proofOfWork.verify(ProofOfWork.solve(proofOfWork.challenge(now: now)), now: now)
    }

    @Test func aSolutionTimedASecondBeforeTheLastIsCounted() throws {
        // Two requests read the clock on either side of a second's turn and verify in the other order.
        let proofOfWork = Self.doublingWithEachSolution()
        let now = Instant(secondsSinceEpoch: 1_800_000_000)
        try Self.verifySolved(proofOfWork, at: now.adding(seconds: 1))
        try Self.verifySolved(proofOfWork, at: now)
        #expect(proofOfWork.maxNumber(now: now.adding(seconds: 1)) == 400, "both counted")
        // A clock stepped back further than the window starts it afresh.
        try Self.verifySolved(proofOfWork, at: now.adding(seconds: -60))
        #expect(proofOfWork.maxNumber(now: now.adding(seconds: -60)) == 200)
    }

    @Test func theHardestChallengeIsTheCeilingHoweverHeavyTheRush() throws {
        let proofOfWork = Self.doublingWithEachSolution()
        let now = Instant(secondsSinceEpoch: 1_800_000_000)
        // 100 solutions: 2^100 times the base, far beyond what an Int holds (solved while the challenges are easy).
        let solutions = (0..<100).map { _ in ProofOfWork.solve(proofOfWork.challenge(now: now)) }
        for solution in solutions { try proofOfWork.verify(solution, now: now) }
        #expect(proofOfWork.maxNumber(now: now) == proofOfWork.configuration.maxNumberCeiling)
    }

    /// A payload as a portal's ALTCHA library makes it: `challenge = hex(SHA-256(salt + number))` (the salt hashed as
    /// given), signed with the key string's bytes.
    static func payload(salt: String, number: Int, key: [UInt8] = Array(keyString.utf8)) -> String {
        let challenge = Hex.encode(SHA256.hash(salt + String(number)))
        let signature = Hex.encode(HMACSHA256.code(key: key, message: Array(challenge.utf8)))
        let json = #"{"algorithm":"SHA-256","challenge":"\#(challenge)","number":\#(number),"salt":"\#(salt)","signature":"\#(signature)"}"#
        return Data(json.utf8).base64EncodedString()
    }

    static let keyString = "a key string shared with the portal, used as given"
    static let now = Instant(secondsSinceEpoch: 1_800_000_000)

    /// What each payload must produce, as ALTCHA's verifier decides it (plus Termin's expiry bound and replay).
    @Test(arguments: [
        // The library's own form: hex, expires, closing `&`.
        ("5f1e2d3c4b5a69788796a5b4?expires=1800000300&", 4_711, nil),
        // A salt without the `&` is hashed with it, as ALTCHA's verifier does: the old form no longer verifies.
        ("5f1e2d3c4b5a69788796a5b4?expires=1800000300", 4_711, .wrongNumber),
        // No expires, expired, or expiring more than an hour ahead.
        ("5f1e2d3c4b5a69788796a5b4&", 4_711, .expired),
        ("5f1e2d3c4b5a69788796a5b4?expires=1800000000&", 4_711, .expired),
        ("5f1e2d3c4b5a69788796a5b4?expires=1800003601&", 4_711, .lifetimeTooLong),
        // Other parameters beside expires, in either order (the library url-encodes a portal's params).
        ("5f1e2d3c4b5a69788796a5b4?office=102522&expires=1800000300&", 4_711, nil),
    ] as [(String, Int, ProofOfWork.Refusal?)])
    func aPortalsPayloadIsJudgedAsALTCHAJudgesIt(salt: String, number: Int, refusal: ProofOfWork.Refusal?) throws {
        let proofOfWork = ProofOfWork(configuration: .init(keyString: Self.keyString))
        do {
            try proofOfWork.verify(Self.payload(salt: salt, number: number), now: Self.now)
            #expect(refusal == nil)
        } catch {
            #expect(error == refusal)
        }
    }

    @Test func digitsMovedFromTheNumberIntoTheSaltDoNotVerify() throws {
        // CVE-2025-68113: `expires=1800000300&` + `47` spliced into `expires=1800000300&4` + `7`, same hash input
        // before the delimiter; the verifier's closing `&` tells them apart.
        let proofOfWork = ProofOfWork(configuration: .init(keyString: Self.keyString))
        let salt = "5f1e2d3c4b5a69788796a5b4?expires=1800000300&"
        let genuine = try #require(try JSONSerialization.jsonObject(with: Data(base64Encoded: Self.payload(salt: salt, number: 47))!)
                                   as? [String: Any])
        var spliced = genuine
        spliced["salt"] = salt + "4"
        spliced["number"] = 7
        let splicedText = try JSONSerialization.data(withJSONObject: spliced).base64EncodedString()
        #expect(throws: ProofOfWork.Refusal.wrongNumber) { try proofOfWork.verify(splicedText, now: Self.now) }
        try proofOfWork.verify(Self.payload(salt: salt, number: 47), now: Self.now)
        #expect(throws: ProofOfWork.Refusal.replayed) { try proofOfWork.verify(Self.payload(salt: salt, number: 47), now: Self.now) }
    }

    @Test func aHexLookingKeyIsUsedAsGivenNotDecoded() throws {
        let hexLooking = "00112233445566778899aabbccddeeff"
        let proofOfWork = ProofOfWork(configuration: .init(keyString: hexLooking))
        let salt = "5f1e2d3c4b5a69788796a5b4?expires=1800000300&"
        let decoded = Self.payload(salt: salt, number: 1, key: try #require(Hex.decode(hexLooking)))
        #expect(throws: ProofOfWork.Refusal.wrongSignature) { try proofOfWork.verify(decoded, now: Self.now) }
        try proofOfWork.verify(Self.payload(salt: salt, number: 1, key: Array(hexLooking.utf8)), now: Self.now)
    }

    @Test func withoutProofOfWorkTheChallengeRouteSaysSo() throws {
        let app = try TestServer()
        #expect(try app.client().send("GET", "/v1/challenge").status == 404)
    }
}
