/// The average of a few models' forecasts, period by period: their plain mean or their median.
///
/// The M4 competition's finding: an equal-weight average of a few good, different methods beats most single ones,
/// because their errors partly cancel and no single bad fold dominates. The **median** of three goes further: where
/// one member fails (Holt-Winters chasing a noisy week, a long window missing a level shift) the other two outvote
/// it, and where all agree it is their middle.
public struct Combination: ForecastModel {
    /// How the members' forecasts of one period are averaged.
    public enum Statistic: String, Sendable { case mean, median }

    public let models: [any ForecastModel]
    public let statistic: Statistic
    /// Rescales the combined forecast after a sudden change of level, if given.
    public let levelGuard: LevelGuard?

    public init(_ models: [any ForecastModel], statistic: Statistic = .mean, levelGuard: LevelGuard? = nil) {
        precondition(models.count >= 2, "a combination has at least two models")
        self.models = models
        self.statistic = statistic
        self.levelGuard = levelGuard
    }

    /// `mean of (A, B, C)`, `median of (A, B, C)`.
    public var name: String { Self.name(of: models.map(\.name), statistic: statistic) }
    public var historyMin: Int { models.map(\.historyMin).max()! }

    /// The name of a combination of models named `names`.
    public static func name(of names: [String], statistic: Statistic = .mean) -> String {
        "\(statistic.rawValue) of (" + names.joined(separator: ", ") + ")"
    }

    public func forecast(_ history: [Double], horizon: Int) -> [Double] { guardedForecast(history, horizon: horizon).forecast }

    /// The forecast, and the factor the level guard rescaled it by (`nil` when it did not, or there is none).
    public func guardedForecast(_ history: [Double], horizon: Int) -> (forecast: [Double], levelFactor: Double?) {
        // The guard compares a whole season of the forecast with the history's level.
        let steps = max(horizon, levelGuard?.seasonLength ?? 0)
        let forecasts = models.map { $0.forecast(history, horizon: steps) }
        let combined = statistic == .mean ? Self.average(forecasts) : Self.median(forecasts)
        guard let levelGuard else { return (Array(combined.prefix(horizon)), nil) }
        let guarded = levelGuard.apply(combined, history: history)
        return (Array(guarded.forecast.prefix(horizon)), guarded.factor)
    }

    /// The element-wise mean of equally long forecasts.
    public static func average(_ forecasts: [[Double]]) -> [Double] {
        precondition(!forecasts.isEmpty && forecasts.allSatisfy { $0.count == forecasts[0].count })
        var sum = [Double](repeating: 0, count: forecasts[0].count)
        for forecast in forecasts { for (index, value) in forecast.enumerated() { sum[index] += value } }
        return sum.map { $0 / Double(forecasts.count) }
    }

    /// The element-wise median of equally long forecasts (the mean of the middle two for an even count).
    public static func median(_ forecasts: [[Double]]) -> [Double] {
        precondition(!forecasts.isEmpty && forecasts.allSatisfy { $0.count == forecasts[0].count })
        return forecasts[0].indices.map { index in SeasonalWindow.summary(forecasts.map { $0[index] }, .median) }
    }
}
