import Foundation
import Testing
@testable import TerminCore

@Suite struct LocalDateTests {
    @Test(arguments: [
        ("1970-01-01", 0, 4), ("2026-11-23", 20780, 1), ("2024-02-29", 19782, 4), ("2000-03-01", 11017, 3),
        ("1969-12-31", -1, 3),
    ])
    func dayNumberAndWeekday(text: String, dayNumber: Int, isoWeekday: Int) {
        let date = LocalDate(iso: text)!
        #expect(date.dayNumber == dayNumber)
        #expect(date.isoWeekday == isoWeekday)
        #expect(date.description == text)
        #expect(LocalDate(dayNumber: dayNumber) == date)
    }

    @Test(arguments: ["2026-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "26-01-01", "2026-01-01T", "", "2026/01/01"])
    func rejectsInvalidDates(text: String) {
        #expect(LocalDate(iso: text) == nil)
    }

    @Test func roundTripsEveryDayOfFourHundredYears() {
        var date = LocalDate(year: 1900, month: 1, day: 1)!
        for _ in 0..<(146_097 + 10) {
            let (y, m, d) = date.components
            #expect(LocalDate(year: y, month: m, day: d) == date)
            date = date.adding(days: 1)
        }
    }
}

@Suite struct BerlinTimeTests {
    @Test func offsetsAroundTheMarchChange() {
        // 2026-03-29: clocks go from 02:00 CET to 03:00 CEST (01:00 UTC).
        let before = BerlinTime.parse("2026-03-29T00:59:59Z")!
        let after = BerlinTime.parse("2026-03-29T01:00:00Z")!
        #expect(BerlinTime.utcOffsetMinutes(at: before) == 60)
        #expect(BerlinTime.utcOffsetMinutes(at: after) == 120)
        #expect(BerlinTime.format(before) == "2026-03-29T01:59:59+01:00")
        #expect(BerlinTime.format(after) == "2026-03-29T03:00:00+02:00")
    }

    @Test func instantsBeyondTheYearsDatesHaveHaveAnOffset() throws {
        let yearZero = try #require(BerlinTime.parse("0001-01-01T00:00:00+01:00"))
        let yearTenThousand = try #require(BerlinTime.parse("9999-12-31T23:30:00-01:00"))
        #expect(BerlinTime.utcOffsetMinutes(at: yearZero) == 60 && BerlinTime.utcOffsetMinutes(at: yearTenThousand) == 60)
        #expect(BerlinTime.local(yearZero).minuteOfDay == 0)
    }

    @Test func offsetsAroundTheOctoberChange() {
        // 2026-10-25: clocks go from 03:00 CEST back to 02:00 CET (01:00 UTC).
        #expect(BerlinTime.format(BerlinTime.parse("2026-10-25T00:59:00Z")!) == "2026-10-25T02:59:00+02:00")
        #expect(BerlinTime.format(BerlinTime.parse("2026-10-25T01:00:00Z")!) == "2026-10-25T02:00:00+01:00")
    }

    @Test(arguments: [
        // (date, local minute, expected UTC): winter, summer, and the days of the changes.
        ("2026-01-15", 8 * 60, "2026-01-15T07:00:00Z"),
        ("2026-07-15", 8 * 60, "2026-07-15T06:00:00Z"),
        ("2026-03-29", 8 * 60, "2026-03-29T06:00:00Z"),
        ("2026-03-27", 8 * 60, "2026-03-27T07:00:00Z"),
        ("2026-10-25", 8 * 60, "2026-10-25T07:00:00Z"),
        ("2026-10-23", 8 * 60, "2026-10-23T06:00:00Z"),
        ("2027-03-28", 12 * 60, "2027-03-28T10:00:00Z"),
    ])
    func localToInstant(date: String, minute: Int, utc: String) {
        let instant = BerlinTime.instant(date: LocalDate(iso: date)!, minuteOfDay: minute)
        #expect(instant == BerlinTime.parse(utc))
        let (back, backMinute) = BerlinTime.local(instant)
        #expect(back == LocalDate(iso: date) && backMinute == minute)
    }

    @Test func agreesWithTheSystemTimeZoneDatabaseForThreeYears() throws {
        let zone = try #require(TimeZone(identifier: "Europe/Berlin"))
        var seconds: Int64 = 1_735_689_600   // 2025-01-01T00:00Z
        while seconds < 1_830_297_600 {        // 2028-01-01T00:00Z
            let expected = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))) / 60
            #expect(BerlinTime.utcOffsetMinutes(at: Instant(secondsSinceEpoch: seconds)) == expected)
            seconds += 1_800
        }
    }

    @Test(arguments: [
        ("2026-12-01T08:30:00+01:00", "2026-12-01T07:30:00Z"), ("2026-12-01T08:30+01:00", "2026-12-01T07:30:00Z"),
        ("2026-12-01T07:30:00.000Z", "2026-12-01T07:30:00Z"), ("2026-06-01T08:30:00+02:00", "2026-06-01T06:30:00Z"),
    ])
    func parsesOffsets(text: String, utc: String) {
        #expect(BerlinTime.parse(text) == BerlinTime.parse(utc))
    }

    @Test(arguments: ["2026-12-01T08:30:00", "2026-12-01 08:30:00+01:00", "2026-12-01T25:00:00Z", "2026-12-01T08:30:00+1",
                      "2026-12-01T08:30:00.5Z", "tomorrow", "2026-12-01T08:30:00Zjunk"])
    func refusesAmbiguousOrMalformedTimes(text: String) {
        #expect(BerlinTime.parse(text) == nil)
    }

    @Test func formatsBasicForICalendar() {
        let instant = BerlinTime.parse("2026-12-01T08:30:00+01:00")!
        #expect(BerlinTime.formatBasic(instant) == "20261201T083000")
        #expect(BerlinTime.formatBasic(instant, utc: true) == "20261201T073000Z")
    }
}

@Suite struct ClosingDayTests {
    struct Entry: Decodable { let date: String; let name: String }

    /// The city's own list (Munich's appointment system, 2025-08 to 2028) equals the computed closing days.
    @Test func computedClosingDaysMatchTheCitysList() throws {
        let url = try #require(Bundle.module.url(forResource: "closing-days", withExtension: "json"))
        let entries = try JSONDecoder().decode([Entry].self, from: Data(contentsOf: url))
        let listed = Set(entries.compactMap { LocalDate(iso: $0.date) })
        #expect(listed.count == entries.count)
        let first = listed.min()!, last = listed.max()!
        var computed = Set<LocalDate>()
        for year in first.year...last.year {
            computed.formUnion(BavarianHolidays.cityClosingDays(year: year).keys.filter { $0 >= first && $0 <= last })
        }
        #expect(computed.subtracting(listed).sorted() == [])
        #expect(listed.subtracting(computed).sorted() == [])
    }

    @Test(arguments: [(2024, "2024-03-31"), (2025, "2025-04-20"), (2026, "2026-04-05"), (2027, "2027-03-28"),
                      (2038, "2038-04-25"), (1818, "1818-03-22"), (2285, "2285-03-22")])
    func easter(year: Int, expected: String) {
        #expect(BavarianHolidays.easterSunday(year: year) == LocalDate(iso: expected))
    }

    @Test func officeClosuresAddToTheCityDays() {
        let closure = LocalDate(iso: "2026-12-02")!
        let calendar = ClosingCalendar(officeClosures: [102522: [closure]])
        #expect(calendar.isClosed(officeID: 102522, on: closure))
        #expect(!calendar.isClosed(officeID: 10489, on: closure))
        #expect(calendar.isClosed(officeID: 10489, on: LocalDate(iso: "2026-12-24")!))
        #expect(calendar.isClosed(officeID: 10489, on: LocalDate(iso: "2040-05-31")!))   // Fronleichnam 2040, computed on demand
    }
}
