/// A forecast a planner can act on: the models' backtest scores, the chosen model, and the future
/// periods with 80 % and 95 % prediction intervals. Known closures in the horizon are forecast as zero and named.
public struct Forecast: Sendable {
    /// One future period.
    public struct Point: Sendable {
        public let period: Period
        /// The closure's name when the offices are closed then.
        public let closed: String?
        public let forecast: Double
        public let lower80: Double, upper80: Double, lower95: Double, upper95: Double
    }

    /// A history the models cannot work with.
    public struct TooShort: Error, CustomStringConvertible {
        public let description: String
    }

    /// The share of the backtest's folds in which another model must beat the fixed combination (besides a lower mean
    /// MASE) to be chosen over it. A dozen weeks of backtest rank near-equal models by noise, and a margin on the mean
    /// does not tell a model better every week (the 52-week profile on a few arrivals an hour) from one lucky in a few;
    /// counting the weeks it wins does. The combination is the better bet otherwise.
    public static let combinationFoldWinsShare = 0.75

    public let series: DemandSeries
    /// Every candidate's scores, the combination's among them.
    public let backtest: Backtest
    /// The chosen model's name.
    public let model: String
    /// The fixed combination's score, when it was scored: the model chosen unless another clearly beats it.
    public let combination: Backtest.Score?
    /// When the chosen combination's level guard rescaled the forecast (the last two seasons left its level), by how
    /// much; `nil` otherwise.
    public let levelFactor: Double?
    public let intervals: PredictionIntervals
    public let points: [Point]

    /// Backtests `models` (default: `ModelCatalog.candidates` for the series, the fixed combination among them),
    /// chooses one (`choose`), refits it on the whole history and forecasts `horizon` periods.
    public init(series: DemandSeries, horizon: Int, models: [any ForecastModel]? = nil) throws(TooShort) {
        precondition(horizon >= 1, "a forecast has at least one period")
        let values = series.filledValues
        let m = series.seasonLength
        let weekSeason = series.resolution == .hourly || series.resolution == .daily
        let candidates = models ?? ModelCatalog.candidates(seasonLength: m, positive: values.allSatisfy { $0 > 0 },
                                                           weekSeason: weekSeason)
        let backtest = Backtest(series: series, models: candidates, horizon: horizon)
        let combination = backtest.scores.first { score in candidates.contains { $0.name == score.model && $0 is Combination } }
        guard let best = Self.choose(among: backtest.scores, combination: combination) else {
            throw TooShort(description: "the history has \(values.count) \(series.resolution) periods; a season is \(m), "
                           + "and a backtest needs at least a season and one period more")
        }
        let model = candidates.first { $0.name == best.model }!
        let observed = series.entries.compactMap { if case .observed(let v) = $0 { return v } else { return nil } }
        let intervals = PredictionIntervals(score: best, horizon: backtest.horizon,
                                            scaleFloor: observed.reduce(0, +) / Double(max(1, observed.count)))
        let future = series.future(count: horizon)
        let (predicted, levelFactor) = model.guardedForecast(values, horizon: horizon)
        self.series = series
        self.backtest = backtest
        self.model = best.model
        self.combination = combination
        self.levelFactor = levelFactor
        self.intervals = intervals
        points = zip(future, predicted).enumerated().map { step, pair in
            let (future, value) = pair
            if let closed = future.closed {
                return Point(period: future.period, closed: closed, forecast: 0, lower80: 0, upper80: 0, lower95: 0, upper95: 0)
            }
            let band = intervals.around(value, step: step)
            return Point(period: future.period, closed: nil, forecast: value, lower80: band.lower80, upper80: band.upper80,
                         lower95: band.lower95, upper95: band.upper95)
        }
    }

    /// The model a forecast uses: the fixed combination, unless another has a lower backtest MASE and a lower MASE in
    /// at least `combinationFoldWinsShare` of the folds (of several such, the lowest MASE); without a combination
    /// scored, the lowest MASE. `nil` when nothing was scored.
    static func choose(among scores: [Backtest.Score], combination: Backtest.Score?) -> Backtest.Score? {
        guard let combination else { return Backtest.best(of: scores) }
        let clearlyBetter = scores.filter { score in
            score.model != combination.model && score.mase < combination.mase
                && foldWins(of: score, over: combination) >= foldWinsNeeded(folds: combination.maseByFold.count)
        }
        return Backtest.best(of: clearlyBetter) ?? combination
    }

    /// The folds in which `score` has the lower MASE than `other` (0 when they were not scored on the same folds).
    public static func foldWins(of score: Backtest.Score, over other: Backtest.Score) -> Int {
        guard score.maseByFold.count == other.maseByFold.count else { return 0 }
        return zip(score.maseByFold, other.maseByFold).count { $0 < $1 }
    }

    /// The fold wins another model needs to replace the combination, of `folds`.
    public static func foldWinsNeeded(folds: Int) -> Int { Int((combinationFoldWinsShare * Double(folds)).rounded(.up)) }

    /// The chosen model's score.
    public var chosen: Backtest.Score { backtest.scores.first { $0.model == model }! }

    /// The second-best score, `nil` with one candidate.
    public var runnerUp: Backtest.Score? {
        backtest.scores.filter { $0.model != model }.min { $0.mase < $1.mase }
    }

    /// The four-week mean's score (a planner's spreadsheet), when the season is a week.
    public var fourWeekMean: Backtest.Score? { backtest.scores.first { $0.model == ModelCatalog.fourWeekMean } }
}
