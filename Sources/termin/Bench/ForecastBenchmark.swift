import Foundation
import TerminCore
import TerminForecast
import TerminStore

/// `termin bench forecast`: every model's backtest MASE on series of the demo history (three years up to a fixed
/// day, from when the seeded opening rules begin in January 2025, generated in memory with seed 1), beside the seasonal naive (the anchor: MASE 1 means no better than
/// repeating the last season), with the chosen model, the intervals' held-out coverage and the time taken.
enum ForecastBenchmark {
    /// The history ends before this day, so that every run sees the same series.
    static let origin = LocalDate(year: 2028, month: 1, day: 3)!
    static let months = 36

    /// One series of the benchmark: what is counted, where, and at which resolution.
    struct Case {
        let label: String
        let measure: HistoryRepository.Measure
        let offices: Set<Int>?
        let resolution: Resolution
    }

    static let cases = [
        Case(label: "city, bookings made, daily", measure: .bookings, offices: nil, resolution: .daily),
        Case(label: "city, appointments, weekly", measure: .appointments, offices: nil, resolution: .weekly),
        Case(label: "city, appointments, monthly", measure: .appointments, offices: nil, resolution: .monthly),
        Case(label: "Ruppertstraße, appointments, hourly", measure: .appointments, offices: [10489], resolution: .hourly),
        Case(label: "Bürgerbüros, walk-ins, hourly", measure: .walkIns, offices: StaffingModel.mainCitizenOffices, resolution: .hourly),
        Case(label: "Pasing, appointments, daily", measure: .appointments, offices: [54261], resolution: .daily),
    ]

    static func run() throws {
        let catalog = try MunichCatalog.load().catalog
        let now = BerlinTime.instant(date: origin, minuteOfDay: 0)
        let began = ContinuousClock.now
        var counts = [[Period: Double]](repeating: [:], count: cases.count)
        var firstAppointmentDay: LocalDate?
        var rowsSeen = 0
        DemoHistory.generate(months: months, now: now, seed: 1, catalog: catalog) { (rows: [DemoHistory.Row], _: Int, _: Int) in
            for row in rows {
                rowsSeen += 1
                if row.channel != .walkIn { firstAppointmentDay = min(firstAppointmentDay ?? row.date, row.date) }
                for (index, item) in cases.enumerated() where item.offices?.contains(row.officeID) ?? true {
                    guard let time = item.measure.time(of: row), time < now else { continue }
                    let local = BerlinTime.local(time)
                    if item.measure == .bookings, let first = firstAppointmentDay, local.date < first { continue }
                    counts[index][Period(item.resolution, containing: local.date, hour: local.minuteOfDay / 60), default: 0] += 1
                }
            }
        }
        print("demo history: \(rowsSeen) rows over \(months) months before \(origin), generated in "
              + String(format: "%.1f s", seconds(since: began)))
        let calendar = catalog.closingCalendar
        for (index, item) in cases.enumerated() {
            let startedCase = ContinuousClock.now
            let countsMakingTime = item.measure == .bookings
            let closure: @Sendable (LocalDate) -> String? = { day in
                !countsMakingTime && calendar.isClosed(officeID: 0, on: day) ? "closed" : nil
            }
            let series = try DemandSeries(resolution: item.resolution, observations: counts[index], absentIsZero: true, closure: closure)
            let forecast = try Forecast(series: series, horizon: series.resolution.defaultHorizon(weekSlots: series.seasonLength))
            print("")
            print("\(item.label): \(series.periods.count) periods, season \(series.seasonLength), "
                  + "\(forecast.backtest.folds) folds of \(forecast.backtest.horizon)")
            let naive = forecast.backtest.scores.first { $0.model == "seasonal naive" }?.mase
            for score in forecast.backtest.scores.sorted(by: { $0.mase < $1.mase }) {
                let ratio = naive.map { String(format: "%.2f× the naive", score.mase / $0) } ?? ""
                print("  " + (score.model == forecast.model ? "* " : "  ") + ForecastReport.pad(score.model, 38)
                      + String(format: "MASE %.3f  ", score.mase) + ratio
                      + "  sMAPE " + (score.smape.map { String(format: "%.1f %%", $0) } ?? "–"))
            }
            print("  coverage 80 % → " + (forecast.intervals.coverage80.map { String(format: "%.0f %%", $0 * 100) } ?? "–")
                  + ", 95 % → " + (forecast.intervals.coverage95.map { String(format: "%.0f %%", $0 * 100) } ?? "–")
                  + String(format: "; %.2f s", seconds(since: startedCase)))
        }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
