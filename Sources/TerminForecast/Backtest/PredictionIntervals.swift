/// Prediction intervals from a backtest's errors that widen with the distance ahead and with the forecast's size.
///
/// Each backtest error is divided by the scale `ŷ + c` (the forecast plus the history's mean `c`, so that a busy hour's
/// band is wider than a quiet one's and a forecast of zero still has a band). The steps ahead are cut into up to
/// `bucketsMax` buckets (the first, middle and last part of the backtest horizon); in each, the 80 % and 95 %
/// quantiles of each fold's scaled absolute errors, their median over the folds, give the half-widths, never narrower
/// than the bucket before. The median over folds keeps one exceptional week (a holiday's echo) from widening every
/// band: pooled, a sixteenth of the errors from one bad week made 80 % bands cover 90 % of the weeks after. Beyond the
/// backtest horizon the last half-width grows as the square root of the horizons ahead. Symmetric around the
/// forecast, clipped at zero, so the forecast always lies inside its own intervals.
///
/// **Coverage** is measured honestly: each fold's actuals are checked against intervals built from the other
/// folds' errors only (leave one fold out), so the reported share is what the intervals achieve on data they did
/// not see.
public struct PredictionIntervals: Sendable {
    /// Buckets of steps ahead, at most.
    public static let bucketsMax = 3

    /// Half-widths in units of the scale `ŷ + scaleFloor`, per bucket, at 80 % and 95 %.
    public let halfWidth80: [Double], halfWidth95: [Double]
    /// Steps ahead per bucket.
    public let bucketSteps: Int
    /// The backtest's horizon: steps beyond it widen further.
    public let horizon: Int
    /// `c` of the scale `ŷ + c`: the history's mean.
    public let scaleFloor: Double
    /// Share of backtest actuals inside the 80 % and 95 % intervals (leave one fold out); `nil` with one fold.
    public let coverage80: Double?, coverage95: Double?

    /// - Parameters:
    ///   - score: the chosen model's backtest score.
    ///   - horizon: the backtest's horizon (test window) in periods.
    ///   - scaleFloor: the history's mean value (at least a small positive number is used).
    public init(score: Backtest.Score, horizon: Int, scaleFloor: Double) {
        precondition(horizon >= 1)
        let floor = max(scaleFloor, 1e-6)
        let buckets = min(Self.bucketsMax, horizon)
        let bucketSteps = (horizon + buckets - 1) / buckets
        self.bucketSteps = bucketSteps
        self.horizon = horizon
        self.scaleFloor = floor
        func widths(_ folds: [Int]) -> ([Double], [Double]) {
            var q80 = [[Double]](repeating: [], count: buckets), q95 = [[Double]](repeating: [], count: buckets)
            var all = [Double]()
            for fold in folds {
                var scaled = [[Double]](repeating: [], count: buckets)
                for (index, error) in score.errorsByFold[fold].enumerated() {
                    let bucket = min(buckets - 1, score.stepsByFold[fold][index] / bucketSteps)
                    scaled[bucket].append(abs(error) / (max(0, score.forecastsByFold[fold][index]) + floor))
                }
                all += scaled.flatMap { $0 }
                for bucket in 0..<buckets where !scaled[bucket].isEmpty {
                    let sorted = scaled[bucket].sorted()
                    q80[bucket].append(Self.quantile(sorted, 0.80))
                    q95[bucket].append(Self.quantile(sorted, 0.95))
                }
            }
            let allSorted = all.sorted()
            var w80: [Double] = [], w95: [Double] = []
            for bucket in 0..<buckets {
                let m80 = q80[bucket].isEmpty ? Self.quantile(allSorted, 0.80) : SeasonalWindow.summary(q80[bucket], .median)
                let m95 = q95[bucket].isEmpty ? Self.quantile(allSorted, 0.95) : SeasonalWindow.summary(q95[bucket], .median)
                w80.append(max(w80.last ?? 0, m80))
                w95.append(max(w95.last ?? 0, m95, w80.last!))
            }
            return (w80, w95)
        }
        (halfWidth80, halfWidth95) = widths(Array(score.errorsByFold.indices))
        guard score.errorsByFold.count >= 2 else { (coverage80, coverage95) = (nil, nil); return }
        var inside80 = 0, inside95 = 0, total = 0
        for fold in score.errorsByFold.indices {
            let (w80, w95) = widths(score.errorsByFold.indices.filter { $0 != fold })
            for (index, error) in score.errorsByFold[fold].enumerated() {
                let bucket = min(buckets - 1, score.stepsByFold[fold][index] / bucketSteps)
                let scale = max(0, score.forecastsByFold[fold][index]) + floor
                if abs(error) <= w80[bucket] * scale { inside80 += 1 }
                if abs(error) <= w95[bucket] * scale { inside95 += 1 }
                total += 1
            }
        }
        coverage80 = total > 0 ? Double(inside80) / Double(total) : nil
        coverage95 = total > 0 ? Double(inside95) / Double(total) : nil
    }

    /// The interval around `forecast` made `step` periods ahead (0 the first), clipped at zero.
    public func around(_ forecast: Double, step: Int) -> (lower80: Double, upper80: Double, lower95: Double, upper95: Double) {
        precondition(step >= 0)
        let bucket = min(halfWidth80.count - 1, step / bucketSteps)
        // Past the backtest's horizon: √(horizons ahead), as the spread of a random walk's sum grows.
        let beyond = step < horizon ? 1 : (1 + Double(step - horizon + 1) / Double(horizon)).squareRoot()
        let scale = max(0, forecast) + scaleFloor
        let half80 = halfWidth80[bucket] * beyond * scale, half95 = halfWidth95[bucket] * beyond * scale
        return (max(0, forecast - half80), max(0, forecast + half80), max(0, forecast - half95), max(0, forecast + half95))
    }

    /// The `q` quantile of sorted values, interpolated linearly; 0 for none.
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let position = q * Double(sorted.count - 1)
        let below = Int(position), fraction = position - Double(below)
        return below + 1 < sorted.count ? sorted[below] + fraction * (sorted[below + 1] - sorted[below]) : sorted[below]
    }
}
