import TerminCore

/// A demand series laid out on its calendar: every period of the history's pattern from the first observation to
/// the last, each observed, known closed (a public holiday, an office's closing day) or missing.
///
/// At hourly and daily resolution only the periods of the history's **weekly pattern** exist: the weekday hours
/// (or weekdays) that occur in at least two weeks of the history. An office is closed at night and at weekends;
/// those periods are absent, not zero. The pattern makes the series periodic, one week being `seasonLength` periods.
public struct DemandSeries: Sendable {
    /// What is known of one period.
    public enum Entry: Sendable, Equatable {
        case observed(Double)
        /// A known closure, with its name.
        case closed(String)
        /// Within the pattern but not in the input (a planner's CSV that leaves a period out).
        case missing
    }

    public let resolution: Resolution
    public let periods: [Period]
    public let entries: [Entry]
    /// The weekly pattern's slots (`Period.weeklySlot`) in order; empty at weekly and monthly resolution.
    public let weekPattern: [Int]
    /// Why a day is closed (public holidays, closing days), for history and forecast alike.
    public let closure: @Sendable (LocalDate) -> String?

    /// Periods in one season: the weekly pattern's length, 52 weeks, or 12 months; 1 (no season) for weeks and
    /// months when the history is shorter than a year and two periods, too short to learn a yearly season from.
    public var seasonLength: Int {
        switch resolution {
        case .hourly, .daily: weekPattern.count
        case .weekly: periods.count >= 54 ? 52 : 1
        case .monthly: periods.count >= 14 ? 12 : 1
        }
    }

    /// Observations that cannot make a series.
    public struct Empty: Error, CustomStringConvertible {
        public let description: String
    }

    /// Lays `observations` out on their calendar.
    /// - Parameters:
    ///   - observations: values by period, all of `resolution`.
    ///   - absentIsZero: whether a pattern period missing from `observations` had no demand (counts from the
    ///     database, which has no row for an hour without bookings) rather than being unknown (a planner's CSV).
    ///   - closure: the name of the closure on a day, or `nil` when open.
    public init(resolution: Resolution, observations: [Period: Double], absentIsZero: Bool,
                closure: @escaping @Sendable (LocalDate) -> String?) throws {
        precondition(observations.keys.allSatisfy { $0.resolution == resolution }, "one resolution per series")
        guard let first = observations.keys.min(), let last = observations.keys.max() else {
            throw Empty(description: "the history has no periods")
        }
        self.resolution = resolution
        self.closure = closure
        if first.weeklySlot != nil {
            var weeksBySlot: [Int: Set<Int>] = [:]
            for period in observations.keys { weeksBySlot[period.weeklySlot!, default: []].insert((period.date.dayNumber + 3) / 7) }
            let historyWeeks = Set(weeksBySlot.values.flatMap { $0 }).count
            weekPattern = weeksBySlot.filter { $0.value.count >= min(2, historyWeeks) }.keys.sorted()
        } else {
            weekPattern = []
        }
        let pattern = Set(weekPattern)
        var periods: [Period] = [], entries: [Entry] = []
        var period = first
        while period <= last {
            if let slot = period.weeklySlot, !pattern.contains(slot) { period = period.next; continue }
            periods.append(period)
            if period.weeklySlot != nil, let name = closure(period.date) {
                entries.append(.closed(name))
            } else if let value = observations[period] {
                entries.append(.observed(value))
            } else {
                entries.append(absentIsZero ? .observed(0) : .missing)
            }
            period = period.next
        }
        self.periods = periods
        self.entries = entries
        guard seasonLength > 0 else { throw Empty(description: "the history has no weekly pattern") }
    }

    /// The values with closed and missing periods filled from the same place one season earlier (or, in the first
    /// season, the mean of that place's observations), so that models see a complete periodic series.
    public var filledValues: [Double] {
        let m = seasonLength
        var sums = [Double](repeating: 0, count: m), counts = [Int](repeating: 0, count: m)
        var total = 0.0, observedCount = 0
        for (index, entry) in entries.enumerated() {
            if case .observed(let value) = entry {
                sums[index % m] += value; counts[index % m] += 1
                total += value; observedCount += 1
            }
        }
        let overall = observedCount == 0 ? 0 : total / Double(observedCount)
        var values = [Double](repeating: 0, count: entries.count)
        for (index, entry) in entries.enumerated() {
            if case .observed(let value) = entry { values[index] = value; continue }
            values[index] = index >= m ? values[index - m]
                : (counts[index % m] > 0 ? sums[index % m] / Double(counts[index % m]) : overall)
        }
        return values
    }

    /// Whether period `index` counts in scores (observed, not closed or missing).
    public func isObserved(_ index: Int) -> Bool {
        if case .observed = entries[index] { return true }
        return false
    }

    /// The next `count` periods of the pattern after the history, each with its closure name if closed.
    public func future(count: Int) -> [(period: Period, closed: String?)] {
        guard let last = periods.last else { return [] }
        let pattern = Set(weekPattern)
        var result: [(Period, String?)] = []
        var period = last.next
        while result.count < count {
            if let slot = period.weeklySlot {
                if pattern.contains(slot) { result.append((period, closure(period.date))) }
            } else {
                result.append((period, nil))
            }
            period = period.next
        }
        return result
    }
}
