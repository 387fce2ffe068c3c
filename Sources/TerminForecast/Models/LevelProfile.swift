/// A long-run season with a recent level: `ŷ = level + profile`, where `profile` is each place's mean deviation
/// from its own season's mean over the last `profileSeasons` seasons, and `level` is the mean of the last
/// `levelSeasons` seasons' means.
///
/// Arrival counts of a few an hour (an emergency department's) are mostly noise week to week: a profile learnt
/// from a year of weeks is nearly free of it, while the level still follows the last month. This is what
/// Holt-Winters with a small season smoothing γ converges to, without fitting; a planner's four-week mean, by
/// contrast, carries a quarter of each week's noise into every hour. Additive, so a quiet hour's deviation is not
/// multiplied by a busy month; clipped at zero.
public struct LevelProfile: ForecastModel {
    public let seasonLength: Int
    /// Seasons the profile averages, at most.
    public let profileSeasons: Int
    /// Seasons the level averages, at most.
    public let levelSeasons: Int
    /// What one season is called in the model's name ("week").
    public let seasonName: String

    public init(seasonLength: Int, profileSeasons: Int = 52, levelSeasons: Int = 4, seasonName: String = "week") {
        precondition(seasonLength >= 1 && profileSeasons >= 1 && levelSeasons >= 1)
        self.seasonLength = seasonLength
        self.profileSeasons = profileSeasons
        self.levelSeasons = levelSeasons
        self.seasonName = seasonName
    }

    /// `52-week profile + 4-week level`.
    public var name: String { "\(profileSeasons)-\(seasonName) profile + \(levelSeasons)-\(seasonName) level" }
    public var historyMin: Int { seasonLength }

    public func forecast(_ history: [Double], horizon: Int) -> [Double] {
        precondition(history.count >= historyMin, "a profile needs a season of history")
        let m = seasonLength
        let means = Seasons.means(of: history, seasonLength: m, count: max(profileSeasons, levelSeasons))
        let profileCount = min(profileSeasons, means.count)
        var profile = [Double](repeating: 0, count: m)
        for s in 0..<profileCount {
            let start = Seasons.start(s, of: history, seasonLength: m)
            for place in 0..<m { profile[place] += (history[start + place] - means[s]) / Double(profileCount) }
        }
        let level = Seasons.level(means, seasons: levelSeasons)
        return (0..<horizon).map { max(0, level + profile[$0 % m]) }
    }
}
