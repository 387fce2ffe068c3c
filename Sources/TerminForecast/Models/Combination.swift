/// The plain average of a few models' forecasts. The M4 competition's finding: an equal-weight average of a few
/// good methods beats most single ones, because their errors partly cancel and no single bad fold dominates.
public struct Combination: ForecastModel {
    public let models: [any ForecastModel]

    public init(_ models: [any ForecastModel]) {
        precondition(models.count >= 2, "a combination has at least two models")
        self.models = models
    }

    /// `mean of (A, B, C)`.
    public var name: String { Self.name(of: models.map(\.name)) }
    public var historyMin: Int { models.map(\.historyMin).max()! }

    /// The name of a combination of models named `names`.
    public static func name(of names: [String]) -> String { "mean of (" + names.joined(separator: ", ") + ")" }

    public func forecast(_ history: [Double], horizon: Int) -> [Double] {
        Self.average(models.map { $0.forecast(history, horizon: horizon) })
    }

    /// The element-wise mean of equally long forecasts.
    public static func average(_ forecasts: [[Double]]) -> [Double] {
        precondition(!forecasts.isEmpty && forecasts.allSatisfy { $0.count == forecasts[0].count })
        var sum = [Double](repeating: 0, count: forecasts[0].count)
        for forecast in forecasts { for (index, value) in forecast.enumerated() { sum[index] += value } }
        return sum.map { $0 / Double(forecasts.count) }
    }
}
