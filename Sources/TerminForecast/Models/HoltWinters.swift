import Foundation

/// Holt-Winters exponential smoothing with a damped trend and an additive or multiplicative season.
///
/// Additive (errors in the units of the series):
///
///     level_t  = α (y_t − s_{t−m}) + (1 − α)(level_{t−1} + φ trend_{t−1})
///     trend_t  = β (level_t − level_{t−1}) + (1 − β) φ trend_{t−1}
///     s_t      = γ (y_t − level_{t−1} − φ trend_{t−1}) + (1 − γ) s_{t−m}
///     ŷ_{t+h}  = level_t + (φ + … + φ^h) trend_t + s_{t+h−m⌈h/m⌉}
///
/// multiplicative: the season divides instead of subtracting and multiplies the forecast. The parameters α, β ≤ α,
/// γ ≤ 1 − α and φ ∈ [0.80, 0.98] are fitted by minimising the squared errors of the forecasts one period and one
/// season ahead from every point of the history (Nelder–Mead over a logistic reparameterisation that keeps them in
/// range). One-step errors alone hardly depend on the trend and its damping, which the level absorbs; the
/// season-ahead errors pin them down, and a planner's horizon is a season. Initial state: level the first season's mean, trend the change of
/// the mean from the first season to the second per period, season the mean deviations (or ratios) of the first
/// seasons (up to `initialSeasonsMax`).
public struct HoltWinters: ForecastModel {
    public enum Seasonality: String, Sendable { case additive, multiplicative }

    /// Fitted smoothing parameters.
    public struct Parameters: Sendable, Equatable {
        public var alpha: Double, beta: Double, gamma: Double, phi: Double
        public init(alpha: Double, beta: Double, gamma: Double, phi: Double) {
            self.alpha = alpha; self.beta = beta; self.gamma = gamma; self.phi = phi
        }
    }

    /// The state after the history: what the forecast extrapolates.
    public struct State: Sendable {
        public var level: Double
        public var trend: Double
        /// The last season's indices, oldest first.
        public var season: [Double]
    }

    public let seasonLength: Int
    public let seasonality: Seasonality
    /// Fitting steps at most.
    public let fitIterationsMax: Int

    public init(seasonLength: Int, seasonality: Seasonality, fitIterationsMax: Int = 160) {
        precondition(seasonLength >= 1)
        self.seasonLength = seasonLength
        self.seasonality = seasonality
        self.fitIterationsMax = fitIterationsMax
    }

    /// Seasons the initial seasonal indices average, at most.
    public static let initialSeasonsMax = 4

    public var name: String { "Holt-Winters \(seasonality.rawValue), damped" }
    public var historyMin: Int { 2 * seasonLength }

    public func forecast(_ history: [Double], horizon: Int) -> [Double] {
        let fitted = fit(history)
        return Self.extrapolate(fitted.state, parameters: fitted.parameters, seasonality: seasonality, horizon: horizon)
    }

    /// The parameters that minimise the one-step squared error on `history`, and the state they end in.
    public func fit(_ history: [Double]) -> (parameters: Parameters, state: State) {
        precondition(history.count >= historyMin, "Holt-Winters needs two seasons of history")
        func parameters(_ x: [Double]) -> Parameters {
            func logistic(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
            let alpha = 0.001 + 0.998 * logistic(x[0])
            return Parameters(alpha: alpha, beta: alpha * logistic(x[1]), gamma: (1 - alpha) * logistic(x[2]),
                              phi: 0.80 + 0.18 * logistic(x[3]))
        }
        // Start: α 0.3, β 0.03, γ 0.07, φ 0.89.
        let start = [-0.85, -2.2, -2.2, 0]
        let best = NelderMead.minimize({ run(history, parameters($0)).squaredError }, start: start,
                                       iterationsMax: fitIterationsMax)
        let chosen = parameters(best.point)
        return (chosen, run(history, chosen).state)
    }

    /// Runs the recurrences over `history` from the initial state; the squared errors of the forecasts one period
    /// and one season ahead from the second season on, and the final state.
    public func run(_ history: [Double], _ p: Parameters) -> (squaredError: Double, state: State) {
        let m = seasonLength, multiplicative = seasonality == .multiplicative
        let firstMean = history[0..<m].reduce(0, +) / Double(m)
        let secondMean = history[m..<2 * m].reduce(0, +) / Double(m)
        var level = firstMean
        var trend = (secondMean - firstMean) / Double(m)
        // The initial season averages the first few seasons (up to `initialSeasonsMax`): one noisy week of a few
        // arrivals an hour would otherwise stay in the indices for months at a small γ.
        let initialSeasons = max(1, min(Self.initialSeasonsMax, history.count / m - 1))
        var season = [Double](repeating: 0, count: m)
        for k in 0..<initialSeasons {
            let mean = history[k * m..<(k + 1) * m].reduce(0, +) / Double(m)
            for place in 0..<m {
                let y = history[k * m + place]
                season[place] += (multiplicative ? (mean > 0 ? y / mean : 1) : y - mean) / Double(initialSeasons)
            }
        }
        var squaredError = 0.0
        // φ + φ² + … + φ^m: how much of the trend a forecast one season ahead carries.
        var seasonDamping = 0.0, power = 1.0
        for _ in 0..<m { power *= p.phi; seasonDamping += power }
        for t in m..<history.count {
            let y = history[t], index = t % m
            let base = level + p.phi * trend
            let predicted = multiplicative ? base * season[index] : base + season[index]
            squaredError += (y - predicted) * (y - predicted)
            if t - 1 + m < history.count {
                // From the state after t − 1, the forecast of period t − 1 + m uses the index of place (t − 1) % m.
                let ahead = level + seasonDamping * trend, place = (t - 1 + m) % m
                let far = multiplicative ? ahead * season[place] : ahead + season[place]
                squaredError += (history[t - 1 + m] - far) * (history[t - 1 + m] - far)
            }
            let newLevel: Double
            if multiplicative {
                newLevel = p.alpha * (season[index] > 1e-9 ? y / season[index] : base) + (1 - p.alpha) * base
                season[index] = p.gamma * (base > 1e-9 ? y / base : season[index]) + (1 - p.gamma) * season[index]
            } else {
                newLevel = p.alpha * (y - season[index]) + (1 - p.alpha) * base
                season[index] = p.gamma * (y - base) + (1 - p.gamma) * season[index]
            }
            trend = p.beta * (newLevel - level) + (1 - p.beta) * p.phi * trend
            level = newLevel
        }
        // The season as it stands after the history, oldest place first.
        let next = history.count % m
        let ordered = Array(season[next...] + season[..<next])
        return (squaredError.isFinite ? squaredError : .greatestFiniteMagnitude, State(level: level, trend: trend, season: ordered))
    }

    /// The forecast from a state: never below zero (demand is a count).
    public static func extrapolate(_ state: State, parameters p: Parameters, seasonality: Seasonality, horizon: Int) -> [Double] {
        let m = state.season.count
        var damping = 0.0, power = 1.0
        return (0..<horizon).map { h in
            power *= p.phi
            damping += power
            let base = state.level + damping * state.trend
            let value = seasonality == .multiplicative ? base * state.season[h % m] : base + state.season[h % m]
            return max(0, value)
        }
    }
}
