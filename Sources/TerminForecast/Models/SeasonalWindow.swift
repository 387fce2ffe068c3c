/// Each period as a summary of the same place in the last few seasons: what a planner's spreadsheet does when it
/// averages the same weekday hour over the last four weeks, and the variants a spreadsheet cannot pick between
/// without a backtest.
///
/// - `mean`: the plain average of the last `seasons` values at the place.
/// - `median`: shrugs off one bad week (a holiday's echo, an outage) as long as most weeks are normal.
///
/// With fewer seasons of history than `seasons`, the ones there are. Blind to trend, and so steady against level
/// shifts that the next week does not continue.
public struct SeasonalWindow: ForecastModel {
    /// How the seasons' values at a place are summarised.
    public enum Statistic: String, Sendable, CaseIterable {
        case mean, median
    }

    public let seasonLength: Int
    /// Seasons summarised, at most.
    public let seasons: Int
    public let statistic: Statistic
    /// What one season is called in the model's name ("week").
    public let seasonName: String

    public init(seasonLength: Int, seasons: Int, statistic: Statistic, seasonName: String = "week") {
        precondition(seasonLength >= 1 && seasons >= 1, "a window has at least one season of at least one period")
        self.seasonLength = seasonLength
        self.seasons = seasons
        self.statistic = statistic
        self.seasonName = seasonName
    }

    /// `4-week mean`, `13-week median`.
    public var name: String { "\(seasons)-\(seasonName) \(statistic.rawValue)" }
    public var historyMin: Int { seasonLength }

    public func forecast(_ history: [Double], horizon: Int) -> [Double] {
        precondition(history.count >= historyMin, "a seasonal window needs a season of history")
        let m = seasonLength
        // The last season's place p (0-based from its start) is the place of every step h with h % m == p.
        var byPlace = [Double](repeating: 0, count: m)
        var window: [Double] = []
        window.reserveCapacity(seasons)
        for place in 0..<m {
            window.removeAll(keepingCapacity: true)
            var index = history.count - m + place
            while index >= 0 && window.count < seasons {
                window.append(history[index])
                index -= m
            }
            byPlace[place] = Self.summary(window, statistic)
        }
        return (0..<horizon).map { byPlace[$0 % m] }
    }

    /// The statistic of `values` (at least one).
    static func summary(_ values: [Double], _ statistic: Statistic) -> Double {
        precondition(!values.isEmpty, "a summary of nothing")
        switch statistic {
        case .mean:
            return values.reduce(0, +) / Double(values.count)
        case .median:
            let sorted = values.sorted(), middle = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        }
    }
}
