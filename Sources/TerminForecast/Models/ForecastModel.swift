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
}

/// The models tried on a series, all of its season length.
public enum ModelCatalog {
    /// Window lengths (weeks) of the seasonal means, medians and trimmed means tried when the season is a week.
    public static let meanWeeks = [2, 3, 4, 6, 8], medianWeeks = [3, 5, 7], trimmedWeeks = [4, 6, 8]
    /// Weeks of day totals tried by the day-share model.
    public static let dayTotalWeeks = [3, 4, 6]

    /// Seasonal naive, Holt-Winters (additive, and multiplicative when every value is positive) with a damped
    /// trend, and the seasonal profile scaled by the recent level. When the season is a week (`weekSeason`): the
    /// k-week means, medians and trimmed means of the same weekday period, the four-week mean among them; and, at
    /// hourly resolution (`dayOfPlace` given), day totals times hour shares.
    public static func candidates(seasonLength: Int, positive: Bool, weekSeason: Bool = false,
                                  dayOfPlace: [Int]? = nil) -> [any ForecastModel] {
        var models: [any ForecastModel] = [
            SeasonalNaive(seasonLength: seasonLength),
            SeasonalProfile(seasonLength: seasonLength),
            HoltWinters(seasonLength: seasonLength, seasonality: .additive),
        ]
        if positive { models.append(HoltWinters(seasonLength: seasonLength, seasonality: .multiplicative)) }
        guard weekSeason else { return models }
        models += meanWeeks.map { SeasonalWindow(seasonLength: seasonLength, seasons: $0, statistic: .mean) }
        models += medianWeeks.map { SeasonalWindow(seasonLength: seasonLength, seasons: $0, statistic: .median) }
        models += trimmedWeeks.map { SeasonalWindow(seasonLength: seasonLength, seasons: $0, statistic: .trimmedMean) }
        if let dayOfPlace, Set(dayOfPlace).count < dayOfPlace.count {
            for weeks in dayTotalWeeks {
                models.append(DayShare(dayOfPlace: dayOfPlace, totalSeasons: weeks, totalStatistic: .mean))
                models.append(DayShare(dayOfPlace: dayOfPlace, totalSeasons: weeks, totalStatistic: .trimmedMean))
            }
        }
        return models
    }

    /// The spreadsheet's model, always scored beside the chosen one when the season is a week.
    public static let fourWeekMean = "4-week mean"
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
