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

    /// The helpers' and intermediaries' page, by keyboard alone: an intermediary finds help with the eID in Ukrainian,
    /// books it for the person and reads out the confirmation; the page switches to English; axe-core finds nothing.
    @Test func anIntermediaryBooksHelpForSomeoneOnTheAssistPage() throws {
        let app = try TestServer()
        let intermediary = try app.staffToken(.intermediary, offices: [], name: "Sozialbürgerhaus Nord")
        let shots = Self.folder.appendingPathComponent("Screenshots")
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
        let outcome = try ChildProcess.run("/usr/bin/env", ["python3", Self.folder.appendingPathComponent("Browser/assist.py").path,
                                                            "http://127.0.0.1:\(app.server.port)", intermediary, shots.path],
                                           seconds: 120)
        #expect(outcome.status == 0, "\(outcome.errors)")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [String: Any], "\(outcome.errors)")
        #expect((seen["who"] as? String)?.contains("Sozialbürgerhaus Nord") == true)
        #expect(seen["focus_after_sign_in"] as? String == "service" && seen["language"] as? String == "uk")
        #expect(seen["range"] as? [String] == ["2026-12-01", "2026-12-14"])
        // Olena helps in Ukrainian at the Au on Wednesdays 10:00-13:00 and at Giesing on Tuesdays 14:00-17:00: 6 starts
        // on each of 1, 2, 8 and 9 December; the Au first.
        #expect(seen["results_status"] as? String == "24 freie Zeiten gefunden.", "\(seen)")
        #expect((seen["places"] as? [String])?.count == 2 && (seen["places"] as? [String])?.first?.contains("Au") == true)
        #expect(seen["focus_on_booking"] as? String == "book-heading" && seen["focus_on_confirmation"] as? String == "confirmation")
        let id = try #require(seen["c-id"] as? String), code = try #require(seen["c-code"] as? String)
        #expect((seen["c-time"] as? String)?.contains("2. Dezember") == true && (seen["c-time"] as? String)?.contains("10:00") == true)
        #expect((seen["c-place"] as? String)?.contains("Balanstraße 12") == true)
        #expect((seen["c-read"] as? String)?.contains(code) == true && seen["error"] as? String == "")
        // The booking stands for the person, with their code, in the staff channel, and the audit log says who booked it.
        let read = try app.client().send("GET", "/v1/bookings/\(id)", headers: ["Authorization": "Booking \(code)"])
        #expect(read.status == 200 && read.json["channel"] as? String == "staff" && read.json["office"] as? Int == 990_001)
        #expect(try app.scalar("SELECT count(*) FROM audit_log WHERE action = 'booking.on-behalf'") == "1")
        #expect(seen["first_control"] as? String == "switch-language")
        #expect(seen["english"] as? [String: String] == ["lang": "en", "title": "Book help – Termin", "heading": "Sign in"])
        let audits = try #require(seen["axe"] as? [String: [String]])
        #expect(Set(audits.keys) == ["assist_login", "assist_find", "assist_results", "assist_confirmation", "assist_english"])
        for (state, violations) in audits { #expect(violations == [], "\(state)") }
        let png = try Data(contentsOf: shots.appendingPathComponent("assist.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 5_000)
    }
}
