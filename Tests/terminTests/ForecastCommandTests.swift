import Foundation
import Testing
import TerminCore
import TerminForecast
import TerminPostgres
import TerminStore
import TerminTestSupport
@testable import termin

/// `termin forecast` end to end: a planner's CSV, the store's history, staffing and lead time.
@Suite struct ForecastCommandTests {
    /// 36 months of a trending season, as a planner would export it.
    static func monthlyCSV() -> String {
        var text = "period,value\n"
        for index in 0..<36 {
            let value = (400 + 5 * Double(index)) * [0.8, 0.9, 1.0, 1.1, 1.3, 1.4, 1.2, 0.8, 1.0, 1.0, 0.9, 0.6][index % 12]
            text += String(format: "%04d-%02d,%.0f\n", 2023 + index / 12, index % 12 + 1, value)
        }
        return text
    }

    @Test func aPlannersSeriesIsForecastAsCSV() throws {
        let folder = try TerminProcess.temporaryDirectory()
        let input = folder.appendingPathComponent("series.csv")
        try Self.monthlyCSV().write(to: input, atomically: true, encoding: .utf8)
        let outcome = try TerminProcess.termin(["forecast", "--csv", input.path, "--format", "csv"])
        #expect(outcome.status == 0, "\(outcome.errors)")
        let lines = outcome.output.split(separator: "\n")
        #expect(lines.first == "period,forecast,lower80,upper80,lower95,upper95")
        #expect(lines.count == 13 && lines[1].hasPrefix("2026-01,") && lines[12].hasPrefix("2026-12,"))
        for line in lines.dropFirst() {
            let v = line.split(separator: ",").dropFirst().map { Double($0)! }
            #expect(v.count == 5 && v[3] <= v[1] && v[1] <= v[0] && v[0] <= v[2] && v[2] <= v[4])
        }
        // June (the peak) above January, as in every year of the history.
        #expect(Double(lines[6].split(separator: ",")[1])! > 1.5 * Double(lines[1].split(separator: ",")[1])!)
    }

    @Test func aFaultyCSVIsRefusedWithLineAndColumn() throws {
        let folder = try TerminProcess.temporaryDirectory()
        let input = folder.appendingPathComponent("faulty.csv")
        try "period,value\n2026-01,10\n2026-02,ten\n".write(to: input, atomically: true, encoding: .utf8)
        let chart = folder.appendingPathComponent("chart.svg")
        let outcome = try TerminProcess.termin(["forecast", "--csv", input.path, "--chart", chart.path])
        #expect(outcome.status == 65)
        #expect(outcome.errors.contains("line 3, column 2"), "\(outcome.errors)")
        #expect(outcome.output.isEmpty && !FileManager.default.fileExists(atPath: chart.path))
    }

    @Test func aBadOptionIsAUsageError() throws {
        let outcome = try TerminProcess.termin(["forecast", "--resolution", "fortnightly", "--csv", "x.csv"])
        #expect(outcome.status == 64 && outcome.errors.contains("--resolution takes one of hourly, daily, weekly, monthly"))
    }

    /// One office's history, written as `termin seed --history` writes it, up to a fixed day.
    static let now = BerlinTime.instant(date: LocalDate(iso: "2026-11-20")!, minuteOfDay: 0)

    /// One store with history for the tests that read it (written once: generating is slow in a debug build).
    static let sharedStore = Result { try makeStoreWithHistory() }

    static func storeWithHistory() throws -> (conninfo: String, catalog: Catalog, rows: [DemoHistory.Row]) {
        try sharedStore.get()
    }

    static func makeStoreWithHistory() throws -> (conninfo: String, catalog: Catalog, rows: [DemoHistory.Row]) {
        let conninfo = try TestDatabase.create()
        let db = try PostgresConnection(conninfo: conninfo)
        let catalog = try CatalogRepository.load(db)
        var rows: [DemoHistory.Row] = []
        DemoHistory.generate(months: 2, now: now, seed: 1, catalog: catalog, officeIDs: [10489]) { (day: [DemoHistory.Row], _: Int, _: Int) in
            rows += day
        }
        let summary = try DemoHistory.write(months: 2, now: now, seed: 1, catalog: catalog, officeIDs: [10489], db)
        guard summary.bookings + summary.walkIns == rows.count else { throw Mismatch(description: "\(summary) for \(rows.count) rows") }
        return (conninfo, catalog, rows)
    }

    struct Mismatch: Error, CustomStringConvertible { let description: String }

    @Test func aSecondRunOnTheSameDayWritesNothingNew() throws {
        let (conninfo, catalog, rows) = try Self.storeWithHistory()
        let db = try PostgresConnection(conninfo: conninfo)
        _ = try DemoHistory.write(months: 2, now: Self.now, seed: 1, catalog: catalog, officeIDs: [10489], db)
        #expect(try db.query("SELECT count(*) FROM appointment").scalar == String(rows.count))
    }

    @Test func theStoresCountsAgreeWithTheRowsWritten() throws {
        let (conninfo, _, rows) = try Self.storeWithHistory()
        let db = try PostgresConnection(conninfo: conninfo)
        for measure in HistoryRepository.Measure.allCases {
            let counted = try HistoryRepository.hourlyCounts(measure, .init(officeIDs: [10489], before: Self.now), db)
            let expected = rows.filter { $0.officeID == 10489 && (measure.time(of: $0).map { $0 < Self.now } ?? false) }.count
            #expect(counted.reduce(0) { $0 + $1.count } == expected, "\(measure)")
            #expect(expected > 0, "\(measure)")
        }
        #expect(rows.contains { $0.status == .noShow } && rows.contains { $0.status == .cancelled && $0.cancelledAt != nil })
    }

    @Test func theDemoHistoryIsForecastFromTheStore() throws {
        let (conninfo, _, _) = try Self.storeWithHistory()
        let json = try TerminProcess.termin(["forecast", "--database-url", conninfo, "--as-of", "2026-11-20", "--offices", "10489",
                                             "--measure", "appointments", "--format", "json"])
        #expect(json.status == 0, "\(json.errors)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        let points = try #require(object["forecast"] as? [[String: Any]])
        // Monday to Friday: the next week of the pattern, from Friday 2026-11-20 on.
        #expect(points.map { $0["period"] as? String } == ["2026-11-20", "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"])
        let scores = try #require((object["backtest"] as? [String: Any])?["scores"] as? [[String: Any]])
        // The window models and the fixed median combination join the seasonal naive and Holt-Winters.
        #expect(scores.count > 4 && scores.contains { $0["model"] as? String == object["model"] as? String })
        #expect(object["runner_up"] is String && object["four_week_mean_mase"] is Double)

        let table = try TerminProcess.termin(["forecast", "--database-url", conninfo, "--as-of", "2026-11-20", "--office", "10489",
                                              "--measure", "walk-ins", "--resolution", "hourly"])
        #expect(table.status == 0 && table.output.contains("backtest  rolling origin") && table.output.contains("2026-11-20T07"))

        let staffing = try TerminProcess.termin(["forecast", "staffing", "--database-url", conninfo, "--as-of", "2026-11-20",
                                                 "--office", "10489", "--patience", "15", "--format", "csv"])
        #expect(staffing.status == 0, "\(staffing.errors)")
        let hours = staffing.output.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        // Ruppertstraße staffs 30 desks in the morning; every hour needs some desks.
        let morning = try #require(hours.first { $0[0] == "2026-11-20T08" })
        #expect(morning[8] == "30" && Int(morning[3])! > 0)

        let lead = try TerminProcess.termin(["forecast", "lead-time", "--database-url", conninfo, "--as-of", "2026-11-20",
                                             "--office", "10489", "--weeks", "4"])
        #expect(lead.status == 0 && lead.output.contains("lead days") && lead.output.contains("2026-11-23"), "\(lead.errors)")
    }

    /// Weekday hours 07–20 for `weeks` weeks from Monday 2026-09-07, valued by the hour's place in the day and the
    /// weekday, leaving out the days in `skipped`.
    static func callCentreCSV(weeks: Int, skipping skipped: Set<String> = []) -> String {
        var text = "period,value\n"
        let monday = LocalDate(iso: "2026-09-07")!
        for day in 0..<(weeks * 7) {
            let date = monday.adding(days: day)
            guard date.isoWeekday <= 5, !skipped.contains(date.description) else { continue }
            for hour in 7..<21 { text += "\(date)T\(hour < 10 ? "0" : "")\(hour),\(100 + 10 * (hour - 7) + date.isoWeekday)\n" }
        }
        return text
    }

    @Test func aSeriesOpenOnTheCitysHolidaysIsNotForcedClosedOnThem() throws {
        // Open on Christmas Eve, Christmas, New Year's Eve, New Year and Epiphany (all weekdays in 2026/27): a call
        // centre open on the city's holidays, so the city's calendar does not fit it.
        let open = Self.callCentreCSV(weeks: 18)
        let read = try CSVSeriesReader.read(open)
        let calendar = ClosingCalendar()
        let city: (LocalDate) -> String? = { calendar.isClosed(officeID: 0, on: $0) ? "closed" : nil }
        #expect(!CSVCalendarFit.fits(city, observations: read.observations))
        // The same series absent on those days: the calendar fits.
        var closedDays: Set<String> = []
        var day = LocalDate(iso: "2026-09-07")!
        while day < LocalDate(iso: "2027-01-11")! { if city(day) != nil { closedDays.insert(day.description) }; day = day.adding(days: 1) }
        #expect(!closedDays.isEmpty)
        let closed = try CSVSeriesReader.read(Self.callCentreCSV(weeks: 18, skipping: closedDays))
        #expect(CSVCalendarFit.fits(city, observations: closed.observations))
    }

    @Test func theTableShowsTheChosenModelTheRunnerUpAndTheSpreadsheet() throws {
        let folder = try TerminProcess.temporaryDirectory()
        let input = folder.appendingPathComponent("calls.csv")
        try Self.callCentreCSV(weeks: 12).write(to: input, atomically: true, encoding: .utf8)
        let outcome = try TerminProcess.termin(["forecast", "--csv", input.path, "--horizon", "140"])
        #expect(outcome.status == 0, "\(outcome.errors)")
        #expect(outcome.output.contains("chosen    ") && outcome.output.contains("runner-up ")
                && outcome.output.contains("4-week mean (a spreadsheet): MASE"))
    }

    @Test func staffingNeedsAnOffice() throws {
        let conninfo = try TestDatabase.create()
        let outcome = try TerminProcess.termin(["forecast", "staffing", "--database-url", conninfo])
        #expect(outcome.status == 64 && outcome.errors.contains("staffing needs --office ID"))
    }
}
