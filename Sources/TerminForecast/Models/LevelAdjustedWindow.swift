/// Each of the last few seasons moved to the current level, then summarised place by place: a window model that keeps
/// a long memory of the season's shape without carrying an old level into the forecast.
///
/// Season `s` (0 the last) has mean `μ_s`; the level `λ` is the mean of the last `levelSeasons` seasons' means. Each of
/// the last `seasons` seasons is moved by `λ − μ_s`, and each place is forecast as the `statistic` of its moved values,
/// clipped at zero. A plain window of 13 weeks remembers the shape well but answers a level shift a month old with the
/// level of a quarter ago; moving each week to the recent level first keeps the memory and follows the shift. With
/// fewer seasons of history, the ones there are (with one, the seasonal naive).
public struct LevelAdjustedWindow: ForecastModel {
    public let seasonLength: Int
    /// Seasons summarised, at most.
    public let seasons: Int
    /// Seasons whose means make the level, at most.
    public let levelSeasons: Int
    public let statistic: SeasonalWindow.Statistic
    /// What one season is called in the model's name ("week").
    public let seasonName: String

    public init(seasonLength: Int, seasons: Int, levelSeasons: Int, statistic: SeasonalWindow.Statistic,
                seasonName: String = "week") {
        precondition(seasonLength >= 1 && seasons >= 1 && levelSeasons >= 1, "at least one season of at least one period")
        self.seasonLength = seasonLength
        self.seasons = seasons
        self.levelSeasons = levelSeasons
        self.statistic = statistic
        self.seasonName = seasonName
    }

    /// `13-week level-adjusted median`.
    public var name: String { "\(seasons)-\(seasonName) level-adjusted \(statistic.rawValue)" }
    public var historyMin: Int { seasonLength }

    public func forecast(_ history: [Double], horizon: Int) -> [Double] {
        precondition(history.count >= historyMin, "a window needs a season of history")
        let m = seasonLength
        let means = Seasons.means(of: history, seasonLength: m, count: max(seasons, levelSeasons))
        let level = Seasons.level(means, seasons: levelSeasons)
        let summarised = min(seasons, means.count)
        var moved = [Double](repeating: 0, count: summarised)
        let byPlace = (0..<m).map { place in
            for s in 0..<summarised { moved[s] = history[Seasons.start(s, of: history, seasonLength: m) + place] + level - means[s] }
            return max(0, SeasonalWindow.summary(moved, statistic))
        }
        return (0..<horizon).map { byPlace[$0 % m] }
    }
}
