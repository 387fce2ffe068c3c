/// Prediction intervals from a backtest's errors: the forecast plus or minus the empirical 80 % and 95 % quantiles
/// of the chosen model's absolute errors over all folds, never below zero. Symmetric, so the forecast always lies
/// inside its own intervals (quantiles of signed errors would shift them by the backtest's bias, and a biased
/// backtest of few folds would leave the forecast outside).
///
/// **Coverage** is measured honestly: each fold's actuals are checked against intervals built from the other
/// folds' errors only (leave one fold out), so the reported share is what the intervals achieve on data they did
/// not see.
public struct PredictionIntervals: Sendable {
    /// Offsets to add to a forecast: lower and upper, at 80 % and 95 %.
    public let lower80: Double, upper80: Double, lower95: Double, upper95: Double
    /// Share of backtest actuals inside the 80 % and 95 % intervals (leave one fold out); `nil` with one fold.
    public let coverage80: Double?, coverage95: Double?

    public init(score: Backtest.Score) {
        let residuals = score.errorsByFold.flatMap { $0 }.map { -$0 }
        (lower80, upper80, lower95, upper95) = Self.offsets(residuals)
        guard score.errorsByFold.count >= 2 else { (coverage80, coverage95) = (nil, nil); return }
        var inside80 = 0, inside95 = 0, total = 0
        for (fold, errors) in score.errorsByFold.enumerated() {
            let others = score.errorsByFold.enumerated().filter { $0.offset != fold }.flatMap { $0.element }.map { -$0 }
            let (lo80, hi80, lo95, hi95) = Self.offsets(others)
            for error in errors {
                // actual − forecast is −error; inside when it lies between the offsets.
                let residual = -error
                if residual >= lo80 && residual <= hi80 { inside80 += 1 }
                if residual >= lo95 && residual <= hi95 { inside95 += 1 }
                total += 1
            }
        }
        coverage80 = total > 0 ? Double(inside80) / Double(total) : nil
        coverage95 = total > 0 ? Double(inside95) / Double(total) : nil
    }

    /// The interval around `forecast`, clipped at zero.
    public func around(_ forecast: Double) -> (lower80: Double, upper80: Double, lower95: Double, upper95: Double) {
        (max(0, forecast + lower80), max(0, forecast + upper80), max(0, forecast + lower95), max(0, forecast + upper95))
    }

    static func offsets(_ residuals: [Double]) -> (Double, Double, Double, Double) {
        let sorted = residuals.map(abs).sorted()
        let half80 = quantile(sorted, 0.80), half95 = quantile(sorted, 0.95)
        return (-half80, half80, -half95, half95)
    }

    /// The `q` quantile of sorted values, interpolated linearly; 0 for none.
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let position = q * Double(sorted.count - 1)
        let below = Int(position), fraction = position - Double(below)
        return below + 1 < sorted.count ? sorted[below] + fraction * (sorted[below + 1] - sorted[below]) : sorted[below]
    }
}
