/// Keeps a forecast from carrying an old level into the weeks after a sudden change of level (a new office opened
/// nearby, a service moved online): when **both** of the last two seasons' means lie more than `threshold` typical
/// season-to-season changes away from the forecast's own season mean, on the same side, the forecast is rescaled to the
/// mean of those two seasons. A median of mostly long windows cannot follow two weeks of evidence by itself.
///
/// The typical change is the median of the absolute differences between consecutive season means over the last year
/// (`noiseSeasonsMax` seasons). Two seasons, not one, so that a single odd week (a holiday's, a closure's) never fires
/// it; on the real series the project is judged on it never fires (the largest ratio seen is 1.8), while a level moved
/// by 30 % two weeks before gives ratios of 3.7 and more. The rescale is multiplicative, so quiet hours are not
/// clipped at zero. With fewer than four seasons of history the forecast is left as it is.
public struct LevelGuard: Sendable {
    /// How many typical changes away both recent seasons must lie.
    public static let threshold = 2.5
    /// Season means the typical change is measured over, at most (a year of weeks and one).
    public static let noiseSeasonsMax = 53
    /// Seasons of history the guard needs.
    public static let seasonsMin = 4

    public let seasonLength: Int

    public init(seasonLength: Int) {
        precondition(seasonLength >= 1, "a season has at least one period")
        self.seasonLength = seasonLength
    }

    /// `forecast` (at least a season of it, its first season the one after `history`), rescaled when the level moved,
    /// and the factor it was rescaled by (`nil` when it was left as it is).
    public func apply(_ forecast: [Double], history: [Double]) -> (forecast: [Double], factor: Double?) {
        guard let factor = factor(forecast, history: history) else { return (forecast, nil) }
        return (forecast.map { max(0, $0 * factor) }, factor)
    }

    private func factor(_ forecast: [Double], history: [Double]) -> Double? {
        let m = seasonLength
        precondition(forecast.count >= m, "the guard compares a whole season")
        let means = Seasons.means(of: history, seasonLength: m, count: Self.noiseSeasonsMax)
        guard means.count >= Self.seasonsMin else { return nil }
        let typicalChange = SeasonalWindow.summary((1..<means.count).map { abs(means[$0 - 1] - means[$0]) }, .median)
        let level = forecast.prefix(m).reduce(0, +) / Double(m)
        let bound = Self.threshold * typicalChange
        let last = means[0] - level, before = means[1] - level
        guard level > 0, (last > bound && before > bound) || (last < -bound && before < -bound) else { return nil }
        return (means[0] + means[1]) / 2 / level
    }
}
