import Testing
import TerminCore
@testable import TerminForecast

/// Periods, the weekly pattern, and known closures in history and horizon.
@Suite struct DemandSeriesTests {
    @Test(arguments: [("2026-11", "2026-11"), ("2026-11-23", "2026-11-23"), ("2026-11-23T07", "2026-11-23T07")])
    func periodsReadAsTheyAreWritten(text: String, written: String) throws {
        #expect(try #require(Period.parse(text)).description == written)
    }

    @Test(arguments: ["2026-13", "2026-02-30", "2026-11-23T24", "2026-11-23 07", "2026-11-23T7x", "26-11"])
    func otherTextIsNoPeriod(text: String) {
        #expect(Period.parse(text) == nil)
    }

    @Test func isoWeeksBelongToTheYearOfTheirThursday() {
        #expect(Period(.weekly, containing: LocalDate(iso: "2026-12-31")!).description == "2026-W53")
        #expect(Period(.weekly, containing: LocalDate(iso: "2027-01-04")!).description == "2027-W01")
        #expect(Period(.weekly, containing: LocalDate(iso: "2026-11-25")!).date.description == "2026-11-23")
    }

    @Test func seventyPeriodsOfAFourteenHourWeekdayPatternAreTheNextWeek() throws {
        let observations = TestSeries.weekdayHours(from: LocalDate(iso: "2026-11-02")!, weeks: 3) { _ in 1 }
        let series = try DemandSeries(resolution: .hourly, observations: observations, absentIsZero: true, closure: TestSeries.noClosures)
        #expect(series.seasonLength == 70)
        let future = series.future(count: 70)
        #expect(future.first?.period.description == "2026-11-23T07")
        #expect(future.last?.period.description == "2026-11-27T20")
        #expect(future.allSatisfy { $0.period.date.isoWeekday <= 5 && (7..<21).contains($0.period.hour) })
    }

    @Test func bavarianHolidaysAreClosedInHistoryAndForecast() throws {
        let calendar = ClosingCalendar()
        let closure: @Sendable (LocalDate) -> String? = { calendar.isClosed(officeID: 1, on: $0) ? "closed" : nil }
        // Daily, Monday to Friday, eight weeks up to Friday 2026-12-18; Christmas falls in the horizon.
        var observations: [Period: Double] = [:]
        let first = LocalDate(iso: "2026-10-26")!
        for day in 0..<54 where first.adding(days: day).isoWeekday <= 5 {
            observations[Period(.daily, containing: first.adding(days: day))] = 100
        }
        let series = try DemandSeries(resolution: .daily, observations: observations, absentIsZero: true, closure: closure)
        // Allerheiligen 2026 is a Sunday; none closed in this history but the pattern is Monday to Friday.
        #expect(series.seasonLength == 5)
        let forecast = try Forecast(series: series, horizon: 10)
        let christmas = try #require(forecast.points.first { $0.period.description == "2026-12-25" })
        #expect(christmas.closed != nil && christmas.forecast == 0)
        let eve = try #require(forecast.points.first { $0.period.description == "2026-12-24" })
        #expect(eve.closed != nil)
        let open = try #require(forecast.points.first { $0.period.description == "2026-12-22" })
        #expect(open.closed == nil && abs(open.forecast - 100) < 1e-6)
    }

    @Test func aClosedDayInTheHistoryIsNeitherZeroNorScored() throws {
        let closure: @Sendable (LocalDate) -> String? = { $0 == LocalDate(iso: "2026-10-06") ? "Betriebsausflug" : nil }
        var observations: [Period: Double] = [:]
        let first = LocalDate(iso: "2026-09-07")!
        for day in 0..<56 where first.adding(days: day).isoWeekday <= 5 {
            observations[Period(.daily, containing: first.adding(days: day))] = Double(10 * first.adding(days: day).isoWeekday)
        }
        observations[Period(.daily, containing: LocalDate(iso: "2026-10-06")!)] = 0
        let series = try DemandSeries(resolution: .daily, observations: observations, absentIsZero: true, closure: closure)
        let index = try #require(series.periods.firstIndex { $0.description == "2026-10-06" })
        #expect(series.entries[index] == .closed("Betriebsausflug"))
        #expect(series.filledValues[index] == 20)
        #expect(!series.isObserved(index))
    }
}

/// The reader of a planner's own series: every fault named by line and column.
@Suite struct CSVSeriesReaderTests {
    @Test func aSeriesWithHeaderReads() throws {
        let (resolution, observations) = try CSVSeriesReader.read("period,value\r\n2026-01,10\n2026-02, 12.5\n\n2026-03,0\n")
        #expect(resolution == .monthly && observations.count == 3)
        #expect(observations[Period.parse("2026-02")!] == 12.5)
    }

    @Test(arguments: [
        ("period,value\n2026-01,10\n2026-02\n", 3, nil as Int?),
        ("2026-01,10\n2026-13,4\n", 2, 1),
        ("2026-01,10\n2026-02,many\n", 2, 2),
        ("2026-01,10\n2026-02,-3\n", 2, 2),
        ("2026-01,10\n2026-02,nan\n", 2, 2),
        ("2026-01,10\n2026-01-02,3\n", 2, 1),
        ("2026-01,10\n2026-01,3\n", 2, 1),
        ("2026-01,10,3\n", 1, nil),
        ("period,value\n", 1, nil),
    ])
    func faultsNameLineAndColumn(text: String, line: Int, column: Int?) {
        #expect(throws: CSVSeriesReader.Failure.self) { try CSVSeriesReader.read(text) }
        do {
            _ = try CSVSeriesReader.read(text)
        } catch {
            #expect(error.line == line && error.column == column, "\(error)")
        }
    }
}
