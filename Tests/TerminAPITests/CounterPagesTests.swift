import Foundation
import Testing
import TerminCore
import TerminTestSupport

/// The kiosk, counter and display pages end to end in a real browser: headless Chromium driven by Playwright for
/// Python (`Browser/pages.py`), each page audited by axe-core (axe-playwright-python). CI installs them; the test fails,
/// never skips, without them.
@Suite struct CounterPagesTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    @Test func aNumberTakenAtTheKioskIsCalledAtTheCounterAndShownOnTheDisplay() throws {
        let app = try TestServer()
        let clerk = try app.staffToken(.clerk, name: "Erika Schalter")
        let shots = Self.folder.appendingPathComponent("Screenshots")
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
        let outcome = try ChildProcess.run("/usr/bin/env", ["python3", Self.folder.appendingPathComponent("Browser/pages.py").path,
                                                            "http://127.0.0.1:\(app.server.port)", String(TestServer.orleansplatz),
                                                            clerk, shots.path], seconds: 120)
        #expect(outcome.status == 0, "\(outcome.errors)")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [String: Any], "\(outcome.errors)")
        let number = try #require(seen["kiosk_number"] as? String)
        #expect(number == "W 001")
        #expect((seen["kiosk_wait"] as? String)?.contains("gleich an der Reihe") == true)
        #expect(seen["kiosk_focus_on_ticket"] as? String == "ticket")
        #expect((seen["counter_who"] as? String)?.contains("Erika Schalter") == true)
        #expect((seen["counter_current"] as? String)?.contains("aufgerufen") == true)
        #expect((seen["display_top"] as? String)?.contains(number) == true)
        #expect(seen["display_announcement"] as? String == "Nummer \(number) bitte zu Schalter 3.")
        #expect(seen["display_live"] as? String == "assertive")
        #expect((seen["kiosk_unlabeled"] as? [String]) == [] && (seen["counter_unlabeled"] as? [String]) == [])
        #expect((seen["languages"] as? [String]) == ["de", "de", "de"])
        // axe-core finds no WCAG 2.1 A/AA violation on any page, before or after the number is called.
        let audits = try #require(seen["axe"] as? [String: [String]])
        #expect(Set(audits.keys) == ["kiosk", "kiosk_ticket", "counter_login", "counter_work", "counter_called", "display",
                                     "display_called"])
        for (page, violations) in audits { #expect(violations == [], "\(page)") }
        // The server agrees: the ticket is called to desk 3.
        #expect(try app.scalar("SELECT state || ' ' || desk_number FROM queue_ticket") == "called 3")
        for name in ["kiosk", "counter", "display"] {
            let png = try Data(contentsOf: shots.appendingPathComponent("\(name).png"))
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 5_000)
        }
    }

    /// After hours the office takes no walk-ins and the queue has no estimate (the field is left out): the display
    /// says so instead of "etwa undefined Minuten".
    @Test func theDisplaySaysNoMoreNumbersWhenTheOfficeTakesNoWalkIns() throws {
        let app = try TestServer(now: BerlinTime.parse("2026-11-30T22:00:00+01:00")!)
        let queue = try app.client().send("GET", "/v1/offices/\(TestServer.orleansplatz)/queue")
        #expect(queue.status == 200 && queue.json["takes_walk_ins"] as? Bool == false && queue.json["estimated_wait_minutes"] == nil)
        let outcome = try ChildProcess.run("/usr/bin/env", ["python3", Self.folder.appendingPathComponent("Browser/display.py").path,
                                                            "http://127.0.0.1:\(app.server.port)", String(TestServer.orleansplatz)],
                                           seconds: 60)
        #expect(outcome.status == 0, "\(outcome.errors)")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [String: Any], "\(outcome.errors)")
        let summary = try #require(seen["display_summary"] as? String)
        #expect(!summary.contains("undefined") && !summary.contains("null") && !summary.contains("NaN"), "\(summary)")
        #expect(summary == "Wartende ohne Termin: 0 · Heute werden keine Nummern mehr ausgegeben.")
    }
}
