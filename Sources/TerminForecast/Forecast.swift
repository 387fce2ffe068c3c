/// A forecast a planner can act on: the models' backtest scores, the chosen model (lowest MASE), and the future
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

    public let series: DemandSeries
    public let backtest: Backtest
    /// The chosen model's name.
    public let model: String
    public let intervals: PredictionIntervals
    public let points: [Point]

    /// Backtests `models` (default: `ModelCatalog.candidates`) on `series`, chooses the lowest MASE, refits it on
    /// the whole history and forecasts `horizon` periods.
    public init(series: DemandSeries, horizon: Int, models: [any ForecastModel]? = nil) throws(TooShort) {
        precondition(horizon >= 1, "a forecast has at least one period")
        let values = series.filledValues
        let m = series.seasonLength
        let candidates = models ?? ModelCatalog.candidates(seasonLength: m, positive: values.allSatisfy { $0 > 0 })
        let backtest = Backtest(series: series, models: candidates, horizon: horizon)
        guard let best = backtest.best, let model = candidates.first(where: { $0.name == best.model }) else {
            throw TooShort(description: "the history has \(values.count) \(series.resolution) periods; a season is \(m), "
                           + "and a backtest needs at least a season and one period more")
        }
        let intervals = PredictionIntervals(score: best)
        let future = series.future(count: horizon)
        let predicted = model.forecast(values, horizon: horizon)
        self.series = series
        self.backtest = backtest
        self.model = best.model
        self.intervals = intervals
        points = zip(future, predicted).map { future, value in
            if let closed = future.closed {
                return Point(period: future.period, closed: closed, forecast: 0, lower80: 0, upper80: 0, lower95: 0, upper95: 0)
            }
            let band = intervals.around(value)
            return Point(period: future.period, closed: nil, forecast: value, lower80: band.lower80, upper80: band.upper80,
                         lower95: band.lower95, upper95: band.upper95)
        }
    }
}
