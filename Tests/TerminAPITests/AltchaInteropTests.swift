import Foundation
import Testing
import TerminAPI
import TerminTestSupport

/// Termin and ALTCHA's reference library (`altcha` on PyPI, v1 protocol) under one key string, both ways, driven by
/// `Altcha/interop.py`. CI installs the library; the test fails, never skips, without it.
@Suite struct AltchaInteropTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    /// A portal's key string, used as given (not hex: the library would not decode it either).
    static let key = "munich-portal-altcha-key-2026-shared-with-termin"

    @Test func aPortalAndTerminAcceptEachOthersChallengesUnderOneKeyString() throws {
        var configuration = ProofOfWork.Configuration(keyString: Self.key)
        configuration.baseMaxNumber = 20_000
        let app = try TestServer(protection: Protection(proofOfWork: ProofOfWork(configuration: configuration)))
        let bodies = ["08:00", "08:30", "09:00", "09:30"].map { TestServer.holdBody(start: TestServer.tuesday($0)) }
        let outcome = try ChildProcess.run("/usr/bin/env", ["python3", Self.folder.appendingPathComponent("Altcha/interop.py").path,
                                                            "http://127.0.0.1:\(app.server.port)", Self.key,
                                                            String(app.clock.now().secondsSinceEpoch)] + bodies, seconds: 120)
        #expect(outcome.status == 0, "\(outcome.errors)")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [String: Any], "\(outcome.errors)")
        // Both sides' salts end in `&`, the delimiter ALTCHA 1.4.1 and later append.
        // Termin's as its OpenAPI document describes it.
        let termin = try #require(seen["termin_salt"] as? String)
        #expect(try Regex(#"[0-9a-f]{24}\?expires=[0-9]+&"#).wholeMatch(in: termin) != nil, "\(termin)")
        #expect((seen["library_salt"] as? String)?.hasSuffix("&") == true)
        // (a) Termin's challenge: the library verifies it under the key string, not under another; Termin takes it.
        #expect(seen["library_verifies_termin"] as? Bool == true)
        #expect(seen["library_verifies_termin_under_another_key"] as? Bool == false)
        #expect(seen["termin_accepts_own"] as? Int == 201)
        // (b) The library's challenge, as a portal issues it: Termin books with it.
        #expect(seen["library_verifies_own"] as? Bool == true)
        #expect(seen["termin_accepts_library"] as? Int == 201)
        // (c) Replayed and (d) under another key: refused, naming the header.
        let replay = try #require(seen["replay"] as? [String: Any])
        #expect(replay["status"] as? Int == 403 && replay["field"] as? String == "Altcha")
        #expect(replay["type"] as? String == "urn:termin:problem:proof-of-work-replayed")
        let foreign = try #require(seen["foreign"] as? [String: Any])
        #expect(foreign["status"] as? Int == 403 && foreign["field"] as? String == "Altcha")
        #expect(foreign["type"] as? String == "urn:termin:problem:proof-of-work-wrong-signature")
        // One hold and one booking, nothing from the refused payloads.
        #expect(try app.scalar("SELECT count(*) FROM appointment") == "2")
    }
}
