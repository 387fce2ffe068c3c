import Testing
@testable import TerminCore

/// Closing days read from iCalendar files as groupware exports them (RFC 5545).
@Suite struct ClosingDaysCalendarTests {
    static func file(_ events: [[String]], lineBreak: String = "\r\n") -> String {
        (["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//DE"] + events.flatMap { ["BEGIN:VEVENT"] + $0 + ["END:VEVENT"] }
            + ["END:VCALENDAR", ""]).joined(separator: lineBreak)
    }

    static func date(_ text: String) -> LocalDate { LocalDate(iso: text)! }

    @Test func allDayEventsEndTheDayBeforeTheirEnd() throws {
        let days = try ClosingDaysCalendar.days(Self.file([
            ["DTSTART;VALUE=DATE:20261224", "DTEND;VALUE=DATE:20261227", "SUMMARY:Weihnachten"],
            ["DTSTART;VALUE=DATE:20261231", "SUMMARY:Silvester"],
        ]), daysMax: 366)
        #expect(days.map(\.date) == ["2026-12-24", "2026-12-25", "2026-12-26", "2026-12-31"].map(Self.date))
        #expect(days.map(\.reason) == ["Weihnachten", "Weihnachten", "Weihnachten", "Silvester"])
    }

    @Test func timedEventsCloseEveryDayTheyTouch() throws {
        let days = try ClosingDaysCalendar.days(Self.file([
            ["DTSTART;TZID=Europe/Berlin:20261207T220000", "DTEND;TZID=Europe/Berlin:20261209T000000", "SUMMARY:Wartung"],
            ["DTSTART:20261211T130000Z", "DTEND:20261211T150000Z"],
        ], lineBreak: "\n"), daysMax: 366)
        #expect(days.map(\.date) == ["2026-12-07", "2026-12-08", "2026-12-11"].map(Self.date))
        #expect(days.last?.reason == ClosingDaysCalendar.reasonDefault)
    }

    @Test func foldedLinesAndEscapedTextAreRead() throws {
        let days = try ClosingDaysCalendar.days(Self.file([
            ["DTSTART;VALUE=DATE:2026", " 1207", "SUMMARY;LANGUAGE=de:Umzug\\, neue Räume\\; bitte", "\t Erdgeschoss\\nnutzen"],
        ]), daysMax: 366)
        #expect(days == [ClosingDaysCalendar.Day(date: Self.date("2026-12-07"), reason: "Umzug, neue Räume; bitte Erdgeschoss nutzen")])
    }

    @Test func aDayTwoEventsCoverKeepsTheFirstReason() throws {
        let days = try ClosingDaysCalendar.days(Self.file([
            ["DTSTART;VALUE=DATE:20261207", "SUMMARY:Erste"], ["DTSTART;VALUE=DATE:20261207", "SUMMARY:Zweite"],
        ]), daysMax: 366)
        #expect(days.map(\.reason) == ["Erste"])
    }

    @Test(arguments: [
        ("no calendar", "BEGIN:VEVENT\r\nEND:VEVENT", "BEGIN:VCALENDAR"),
        ("no events", ClosingDaysCalendarTests.file([]), "no events"),
        ("no start", ClosingDaysCalendarTests.file([["SUMMARY:x"]]), "DTSTART"),
        ("recurring", ClosingDaysCalendarTests.file([["DTSTART;VALUE=DATE:20261207", "RRULE:FREQ=WEEKLY;COUNT=3"]]), "RRULE"),
        ("backwards", ClosingDaysCalendarTests.file([["DTSTART;VALUE=DATE:20261207", "DTEND;VALUE=DATE:20261201"]]), "ends before"),
        ("bad date", ClosingDaysCalendarTests.file([["DTSTART;VALUE=DATE:20261341"]]), "DTSTART"),
        ("too long", ClosingDaysCalendarTests.file([["DTSTART;VALUE=DATE:20260101", "DTEND;VALUE=DATE:20280101"]]), "At most 366"),
    ])
    func whatCannotBeReadIsRefusedWithItsReason(name: String, text: String, expected: String) {
        #expect(throws: ClosingDaysCalendar.Failure.self) { try ClosingDaysCalendar.days(text, daysMax: 366) }
        do { _ = try ClosingDaysCalendar.days(text, daysMax: 366) } catch { #expect(error.detail.contains(expected), "\(name): \(error)") }
    }

    @Test func openingRulesOverlapOnlyWhenDayValidityAndMinutesMeet() {
        func rule(_ weekdays: Set<Int>, _ from: String, _ to: String?, _ start: Int, _ end: Int) -> OpeningRule {
            OpeningRule(officeID: 1, weekdays: weekdays, validFrom: Self.date(from), validTo: to.map(Self.date),
                        startMinute: start, endMinute: end, staffedDesks: 1)
        }
        let morning = rule([1, 2], "2026-01-01", nil, 480, 720)
        #expect(morning.overlaps(rule([2], "2026-06-01", nil, 700, 800)))
        #expect(!morning.overlaps(rule([2], "2026-06-01", nil, 720, 800)))   // afternoon from 12:00
        #expect(!morning.overlaps(rule([3], "2026-01-01", nil, 480, 720)))   // another weekday
        let spring = rule([1], "2026-03-01", "2026-05-31", 480, 720)
        #expect(!spring.overlaps(rule([1], "2026-06-01", nil, 480, 720)))    // after it ends
        #expect(spring.overlaps(rule([1], "2026-01-01", "2026-03-01", 600, 660)))
    }
}
