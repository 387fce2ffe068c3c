/// Rolling-origin backtest: each model is refitted on the history up to an origin and scored on the periods after
/// it, at several origins, each test window `horizon` periods long and ending where the next begins (the last at
/// the end of the history). Scores count observed periods only (not closed, not missing).
///
/// - **MASE**: the mean absolute error over the mean absolute error of the in-sample seasonal naive (one season
///   back) on the same fold's training history; averaged over folds. Below 1: better than repeating last season.
/// - **sMAPE**: `mean(200 |y − ŷ| / (|y| + |ŷ|))` in percent; only where the series has no zeros.
public struct Backtest: Sendable {
    /// One model's scores, and what it forecast in every fold.
    public struct Score: Sendable {
        public let model: String
        public let mase: Double
        /// The MASE of every scored fold, in fold order (`mase` is their mean).
        public let maseByFold: [Double]
        /// `nil` where the series has zeros.
        public let smape: Double?
        /// Forecast minus actual of every scored period of every fold, in fold order.
        public let errorsByFold: [[Double]]
        /// The forecast of every scored period, beside `errorsByFold`.
        public let forecastsByFold: [[Double]]
        /// Steps ahead (0 the first period after the origin) of every scored period, beside `errorsByFold`.
        public let stepsByFold: [[Int]]
        /// The whole forecast of every fold (`horizon` periods each), for combining models afterwards.
        let predictedByFold: [[Double]]
    }

    /// Folds at most.
    public static let foldsMax = 16

    public let horizon: Int
    public let folds: Int
    public private(set) var scores: [Score]
    /// The training length of each fold, oldest first.
    let origins: [Int]
    let series: DemandSeries
    let values: [Double]

    /// Backtests `models` on `series`, with test windows of `horizon` periods (at most a season, or without a
    /// season a quarter of the history; shorter when the history is, so that the seasonal naive gets two folds) and as many folds
    /// (at most `foldsMax`) as leave every model its `historyMin` before the first origin. Models that cannot be
    /// scored with at least one fold are left out.
    public init(series: DemandSeries, models: [any ForecastModel], horizon requested: Int) {
        let values = series.filledValues
        let m = series.seasonLength
        // A season's worth at most (without a season, m = 1, a quarter of the history), and short enough that the
        // seasonal naive gets two folds.
        let horizon = max(1, min(requested, m > 1 ? m : values.count / 4, (values.count - m) / 2))
        self.horizon = horizon
        self.series = series
        self.values = values
        // Every model is scored on the same origins, as many as the most demanding model still scored allows (a
        // model that would leave no fold is left out), each with more than a season of training to scale by.
        var eligible = models
        var folds = 0
        while let need = eligible.map(\.historyMin).max() {
            folds = min(Self.foldsMax, (values.count - max(need, m + 1)) / horizon)
            if folds >= 1 { break }
            eligible.removeAll { $0.historyMin == need }
        }
        let origins = eligible.isEmpty ? [] : (0..<folds).reversed().map { values.count - ($0 + 1) * horizon }
        self.origins = origins
        self.folds = origins.count
        // A combination of scored members is scored from their fold forecasts, not refitted (Holt-Winters once); one
        // with a level guard is refitted (the guard reads the history and a whole season of the forecast).
        var predictedByName: [String: [[Double]]] = [:]
        scores = eligible.compactMap { model in
            let predicted: [[Double]]
            if let combination = model as? Combination, combination.levelGuard == nil,
               case let members = combination.models.compactMap({ predictedByName[$0.name] }), members.count == combination.models.count {
                predicted = origins.indices.map { fold in
                    combination.statistic == .mean ? Combination.average(members.map { $0[fold] })
                                                   : Combination.median(members.map { $0[fold] })
                }
            } else {
                predicted = origins.map { model.forecast(Array(values[..<$0]), horizon: horizon) }
            }
            predictedByName[model.name] = predicted
            return Self.score(model.name, predicted: predicted, series: series, values: values, origins: origins, horizon: horizon)
        }
    }

    static func score(_ name: String, predicted: [[Double]], series: DemandSeries, values: [Double], origins: [Int],
                      horizon: Int) -> Score? {
        let m = series.seasonLength
        let hasZeros = series.entries.contains { if case .observed(let v) = $0 { return v == 0 }; return false }
        var maseByFold: [Double] = [], smapeSum = 0.0, smapeCount = 0
        var errorsByFold: [[Double]] = [], forecastsByFold: [[Double]] = [], stepsByFold: [[Int]] = []
        for (fold, origin) in origins.enumerated() {
            var errors: [Double] = [], forecasts: [Double] = [], steps: [Int] = []
            for step in 0..<horizon where series.isObserved(origin + step) {
                let actual = values[origin + step], forecast = predicted[fold][step]
                errors.append(forecast - actual)
                forecasts.append(forecast)
                steps.append(step)
                if !hasZeros { smapeSum += 200 * abs(forecast - actual) / (abs(actual) + abs(forecast)); smapeCount += 1 }
            }
            errorsByFold.append(errors)
            forecastsByFold.append(forecasts)
            stepsByFold.append(steps)
            guard !errors.isEmpty else { continue }
            let mae = errors.reduce(0) { $0 + abs($1) } / Double(errors.count)
            // A training history that repeats exactly has no naive error to scale by: exact is 0, else infinite.
            let scale = seasonalNaiveMAE(Array(values[..<origin]), seasonLength: m)
            maseByFold.append(scale > 0 ? mae / scale : (mae == 0 ? 0 : .infinity))
        }
        guard !maseByFold.isEmpty else { return nil }
        return Score(model: name, mase: maseByFold.reduce(0, +) / Double(maseByFold.count), maseByFold: maseByFold,
                     smape: smapeCount > 0 ? smapeSum / Double(smapeCount) : nil,
                     errorsByFold: errorsByFold, forecastsByFold: forecastsByFold, stepsByFold: stepsByFold,
                     predictedByFold: predicted)
    }

    /// The best score (lowest MASE; the earlier model on ties), `nil` when no model could be scored.
    public var best: Score? { Self.best(of: scores) }

    /// The lowest MASE of `scores`, the earlier on ties.
    static func best(of scores: [Score]) -> Score? {
        scores.indices.min { scores[$0].mase < scores[$1].mase || (scores[$0].mase == scores[$1].mase && $0 < $1) }
            .map { scores[$0] }
    }

    /// Mean absolute difference between each value and the one a season before.
    static func seasonalNaiveMAE(_ values: [Double], seasonLength m: Int) -> Double {
        guard values.count > m else { return 0 }
        var sum = 0.0
        for t in m..<values.count { sum += abs(values[t] - values[t - m]) }
        return sum / Double(values.count - m)
    }
}
