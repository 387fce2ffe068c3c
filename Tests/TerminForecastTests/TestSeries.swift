import TerminCore
@testable import TerminForecast

/// Series with known structure for the tests.
enum TestSeries {
    /// Draws from the project's seeded generator, so noisy series are the same on every run.
    struct Random {
        var generator: SeededRandom
        init(state: UInt64) { generator = SeededRandom(seed: state) }
        /// Uniform in (0, 1).
        mutating func uniform() -> Double { generator.unit() * (1 - 1e-12) + 1e-13 }
        mutating func exponential(mean: Double) -> Double { -mean * log(uniform()) }
        /// Standard normal (Box–Muller).
        mutating func normal() -> Double { sqrt(-2 * log(uniform())) * cos(2 * .pi * uniform()) }
    }

    /// An hourly series open Monday to Friday 07:00–20:59 (14 hours a weekday) for `weeks` weeks from `monday`,
    /// valued by `value(index)` over the open hours in order.
    static func weekdayHours(from monday: LocalDate, weeks: Int, _ value: (Int) -> Double) -> [Period: Double] {
        var observations: [Period: Double] = [:]
        var index = 0
        for day in 0..<(weeks * 7) {
            let date = monday.adding(days: day)
            guard date.isoWeekday <= 5 else { continue }
            for hour in 7..<21 {
                observations[Period(.hourly, containing: date, hour: hour)] = value(index)
                index += 1
            }
        }
        return observations
    }

    /// Monthly observations from January of `year`.
    static func months(from year: Int, count: Int, _ value: (Int) -> Double) -> [Period: Double] {
        var observations: [Period: Double] = [:]
        for index in 0..<count {
            let date = LocalDate(year: year + index / 12, month: index % 12 + 1, day: 1)!
            observations[Period(.monthly, containing: date)] = value(index)
        }
        return observations
    }

    static let noClosures: @Sendable (LocalDate) -> String? = { _ in nil }
}

import Foundation
