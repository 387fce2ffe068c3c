/// A forecasting method: from a complete periodic history (closed and missing periods filled, see
/// `DemandSeries.filledValues`), the next `horizon` values. Fitting happens inside `forecast`, on the history given,
/// so that a backtest refits at every origin.
public protocol ForecastModel: Sendable {
    /// How the model is named in tables and reports.
    var name: String { get }
    /// The fewest history periods the model needs.
    var historyMin: Int { get }
    /// The forecast of the `horizon` periods after `history`.
    func forecast(_ history: [Double], horizon: Int) -> [Double]
    /// The forecast, and the factor a level guard rescaled it by (`nil` when the model has no guard or it did not fire).
    func guardedForecast(_ history: [Double], horizon: Int) -> (forecast: [Double], levelFactor: Double?)
}

extension ForecastModel {
    /// A model without a level guard: its forecast as it is.
    public func guardedForecast(_ history: [Double], horizon: Int) -> (forecast: [Double], levelFactor: Double?) {
        (forecast(history, horizon: horizon), nil)
    }
}

/// The models tried on a series, all of its season length: few and different, so that a backtest of a dozen
/// noisy weeks can tell them apart (twenty near-twins made the choice a lottery), plus one fixed combination.
public enum ModelCatalog {
    /// The spreadsheet's model, always scored beside the chosen one when the season is a week.
    public static let fourWeekMean = "4-week mean"

    /// Seasonal naive, the seasonal profile and Holt-Winters with a damped trend (additive, and multiplicative when
    /// every value is positive). When the season is a week (`weekSeason`) the profile and the multiplicative
    /// Holt-Winters give way to window models: the 4-week mean (the spreadsheet), the 5-, 9- and 13-week medians and the
    /// 13-week level-adjusted median, and beside them the 52-week profile with a 4-week level. Last,
    /// `combination(of:seasonLength:weekSeason:)` of them.
    public static func candidates(seasonLength: Int, positive: Bool, weekSeason: Bool = false) -> [any ForecastModel] {
        let m = seasonLength
        var models: [any ForecastModel] = [SeasonalNaive(seasonLength: m)]
        let additive = HoltWinters(seasonLength: m, seasonality: .additive)
        if weekSeason {
            models += [SeasonalWindow(seasonLength: m, seasons: 4, statistic: .mean),
                       SeasonalWindow(seasonLength: m, seasons: 5, statistic: .median),
                       SeasonalWindow(seasonLength: m, seasons: 9, statistic: .median),
                       SeasonalWindow(seasonLength: m, seasons: 13, statistic: .median),
                       LevelAdjustedWindow(seasonLength: m, seasons: 13, levelSeasons: 4, statistic: .median),
                       LevelProfile(seasonLength: m), additive]
        } else {
            models += [SeasonalProfile(seasonLength: m), additive]
            if positive { models.append(HoltWinters(seasonLength: m, seasonality: .multiplicative)) }
        }
        if let combination = combination(of: models, seasonLength: m, weekSeason: weekSeason) { models.append(combination) }
        return models
    }

    /// The fixed combination, chosen before looking at any judged week (see `.ci/bench/forecast-real.py`,
    /// `--before`): with a week as season the **median of the window models** (the 4-week mean, the 5-, 9- and 13-week
    /// medians, the 13-week level-adjusted median: short windows follow a change, long ones shrug off a bad week, and
    /// their middle is rarely far off), guarded against a sudden change of level (`LevelGuard`); otherwise the mean of
    /// every candidate but the seasonal naive. `nil` with fewer than two members.
    public static func combination(of models: [any ForecastModel], seasonLength: Int, weekSeason: Bool) -> Combination? {
        if weekSeason {
            let windows = models.filter { $0 is SeasonalWindow || $0 is LevelAdjustedWindow }
            guard windows.count >= 2 else { return nil }
            return Combination(windows, statistic: .median, levelGuard: LevelGuard(seasonLength: seasonLength))
        }
        let members = models.filter { !($0 is SeasonalNaive) }
        return members.count >= 2 ? Combination(members, statistic: .mean) : nil
    }
}

/// Each period as the same period one season earlier: the benchmark every other model must beat.
///
/// A series that repeats exactly with the season is forecast exactly.
public struct SeasonalNaive: ForecastModel {
    public let seasonLength: Int
    public init(seasonLength: Int) {
        precondition(seasonLength >= 1, "a season has at least one period")
        self.seasonLength = seasonLength
    }
    public var name: String { "seasonal naive" }
    public var historyMin: Int { seasonLength }

    public func forecast(_ history: [Double], horizon: Int) -> [Double] {
        precondition(history.count >= historyMin, "seasonal naive needs a season of history")
        let lastSeason = history.suffix(seasonLength)
        return (0..<horizon).map { lastSeason[lastSeason.startIndex + $0 % seasonLength] }
    }
}

/// A profile of the season (each weekday hour's share of the week, or each month's of the year) averaged over the
/// last seasons, scaled by the level of the last season: `ŷ = level × share`.
///
/// Steadier than the seasonal naive where single weeks are noisy; blind to trend within the horizon.
public struct SeasonalProfile: ForecastModel {
    public let seasonLength: Int
    /// Seasons the profile averages, at most.
    public let seasonsMax: Int
    public init(seasonLength: Int, seasonsMax: Int = 8) {
        precondition(seasonLength >= 1 && seasonsMax >= 1)
        self.seasonLength = seasonLength
        self.seasonsMax = seasonsMax
    }
    public var name: String { "seasonal profile" }
    public var historyMin: Int { 2 * seasonLength }

    public func forecast(_ history: [Double], horizon: Int) -> [Double] {
        let m = seasonLength
        let seasons = min(seasonsMax, history.count / m)
        precondition(seasons >= 1, "the profile needs a season of history")
        // Positions are counted from the end of the history, so the last season's places line up.
        let window = Array(history.suffix(seasons * m))
        var profile = [Double](repeating: 0, count: m)
        for (index, value) in window.enumerated() { profile[index % m] += value / Double(seasons) }
        let profileTotal = profile.reduce(0, +)
        guard profileTotal > 0 else { return [Double](repeating: 0, count: horizon) }
        // Level: the last season's total against the profile's; the last season weighs as the profile does.
        let level = history.suffix(m).reduce(0, +) / profileTotal
        return (0..<horizon).map { level * profile[$0 % m] }
    }
}
