import Foundation
import Testing
import TerminCore
@testable import TerminForecast

/// The window models, day shares, combinations and the intervals on series whose answer is known.
@Suite struct CandidateModelTests {
    static let windows: [(SeasonalWindow.Statistic, Int, [Double])] = [
        (.mean, 4, [26.5, 25]),      // (1 + 2 + 3 + 100) / 4, (10 + 20 + 30 + 40) / 4
        (.median, 3, [2, 20]),
        (.trimmedMean, 4, [2.5, 25]), // (2 + 3) / 2, (20 + 30) / 2
    ]

    @Test(arguments: windows)
    func aWindowSummarisesTheSamePlaceOfTheLastSeasons(statistic: SeasonalWindow.Statistic, seasons: Int, expected: [Double]) {
        // Season of two places; the oldest season first. Place 0 saw one outlier week (100).
        let history: [Double] = [999, 999, 100, 40, 3, 30, 2, 20, 1, 10]
        let model = SeasonalWindow(seasonLength: 2, seasons: seasons, statistic: statistic)
        #expect(model.forecast(history, horizon: 4) == expected + expected)
    }

    @Test func theFourWeekMeanIsNamedAsTheCatalogueNamesIt() {
        #expect(SeasonalWindow(seasonLength: 70, seasons: 4, statistic: .mean).name == ModelCatalog.fourWeekMean)
    }

    @Test func dayShareTakesTheShapeFromManyWeeksAndTheVolumeFromTheLast() {
        // Two days of two hours each; the shape 1:3 every week; day totals 40 then, in the last three weeks, 80.
        var history: [Double] = []
        for week in 0..<8 {
            let total = week >= 5 ? 80.0 : 40
            history += [total / 4, 3 * total / 4, total / 4, 3 * total / 4]
        }
        let model = DayShare(dayOfPlace: [0, 0, 1, 1], totalSeasons: 3, totalStatistic: .mean)
        let forecast = model.forecast(history, horizon: 4)
        for (value, expected) in zip(forecast, [20.0, 60, 20, 60]) { #expect(abs(value - expected) < 1e-9) }
    }

    @Test func aCombinationIsThePlainAverage() {
        let history = [1.0, 2, 3, 4, 5, 6, 7, 8]
        let combination = Combination([SeasonalNaive(seasonLength: 2), SeasonalWindow(seasonLength: 2, seasons: 4, statistic: .mean)])
        let expected: [Double] = [5.5, 6.5] // (7 + 4) / 2, (8 + 5) / 2
        #expect(combination.forecast(history, horizon: 2) == expected)
        #expect(combination.name == "mean of (seasonal naive, 4-week mean)")
    }

    @Test func aMedianCombinationOutvotesTheMemberThatFails() {
        let history = [1.0, 2, 3, 4, 5, 6, 7, 8]
        // Naive (7, 8), 4-week mean (4, 5), and a model that forecasts 1000.
        let combination = Combination([SeasonalNaive(seasonLength: 2), SeasonalWindow(seasonLength: 2, seasons: 4, statistic: .mean),
                                       Constant(value: 1000)], statistic: .median)
        #expect(combination.forecast(history, horizon: 2) == [7, 8])
        #expect(combination.name == "median of (seasonal naive, 4-week mean, constant)")
    }

    @Test func theLevelProfileKeepsTheLongShapeAndTheRecentLevel() {
        // Two places, shape (−5, +5) every season; the level 10 for six seasons, then 30 for the last four.
        var history: [Double] = []
        for season in 0..<10 { let level = season >= 6 ? 30.0 : 10; history += [level - 5, level + 5] }
        let model = LevelProfile(seasonLength: 2, profileSeasons: 52, levelSeasons: 4)
        #expect(model.forecast(history, horizon: 4) == [25, 35, 25, 35])
        #expect(model.name == "52-week profile + 4-week level")
        // A profile deeper than the level is clipped at zero, never negative.
        #expect(LevelProfile(seasonLength: 2, levelSeasons: 1).forecast([0, 40, 0, 0], horizon: 2) == [0, 10])
    }

    @Test func hourlyCandidatesAreFewAndIncludeTheFixedMedianCombination() throws {
        let models = ModelCatalog.candidates(seasonLength: 70, positive: true, weekSeason: true,
                                             dayOfPlace: (0..<70).map { $0 / 14 })
        let names = models.map(\.name)
        #expect(names.count == Set(names).count && names.count <= 8)
        #expect(names.contains(ModelCatalog.fourWeekMean))
        let combination = try #require(models.last as? Combination)
        #expect(combination.statistic == .median)
        #expect(combination.models.map(\.name).sorted() == ["52-week profile + 4-week level", "8-week trimmed mean",
                                                             "Holt-Winters additive, damped"])
    }

    @Test func theForecastBeatsOrMatchesTheFourWeekMeanInItsBacktestAndNamesIt() throws {
        var random = TestSeries.Random(state: 5)
        // Poisson-like noise around a weekday-hour shape, with one week of an outage (a tenth of the demand).
        let observations = TestSeries.weekdayHours(from: LocalDate(iso: "2026-01-05")!, weeks: 20) { index in
            let base = 30 + 20 * sin(Double(index % 14) / 14 * .pi) + Double(index / 14 % 5) * 3
            return max(0, (index / 70 == 17 ? 0.1 : 1) * (base + base.squareRoot() * random.normal()))
        }
        let series = try DemandSeries(resolution: .hourly, observations: observations, absentIsZero: true, closure: TestSeries.noClosures)
        let forecast = try Forecast(series: series, horizon: 140)
        let spreadsheet = try #require(forecast.fourWeekMean)
        // The combination is kept unless another model is clearly better, so it may trail the best by that share.
        #expect(forecast.chosen.mase <= spreadsheet.mase / (1 - Forecast.combinationPreferenceShare))
        #expect(forecast.runnerUp != nil && forecast.runnerUp?.model != forecast.model)
        let best = try #require(forecast.backtest.best)
        let combination = try #require(forecast.backtest.scores.first { $0.model.hasPrefix("median of (") })
        // Chosen: the best when it beats the combination clearly, else the combination.
        let expected = best.mase <= combination.mase * (1 - Forecast.combinationPreferenceShare) ? best.model : combination.model
        #expect(forecast.model == expected)
    }

    @Test func intervalsWidenWithTheHorizonAndWithTheForecast() throws {
        var random = TestSeries.Random(state: 9)
        let observations = TestSeries.weekdayHours(from: LocalDate(iso: "2026-01-05")!, weeks: 16) { index in
            max(0, 40 + 10 * sin(Double(index % 14) / 14 * .pi) + 5 * random.normal())
        }
        let series = try DemandSeries(resolution: .hourly, observations: observations, absentIsZero: true, closure: TestSeries.noClosures)
        let forecast = try Forecast(series: series, horizon: 140)
        let intervals = forecast.intervals
        for step in 1..<200 {
            let near = intervals.around(50, step: step - 1), far = intervals.around(50, step: step)
            #expect(far.upper80 - far.lower80 >= near.upper80 - near.lower80 - 1e-9)
        }
        // The second week, beyond the backtest's horizon, is wider than the first.
        let first = intervals.around(50, step: 0), last = intervals.around(50, step: 139)
        #expect(last.upper80 - last.lower80 > first.upper80 - first.lower80)
        let small = intervals.around(10, step: 0), large = intervals.around(100, step: 0)
        #expect(large.upper80 - large.lower80 > small.upper80 - small.lower80)
        let coverage = try #require(intervals.coverage80)
        #expect((0.7...0.9).contains(coverage))
    }
}

/// A model that forecasts one value: a member that fails, for combination tests.
struct Constant: ForecastModel {
    let value: Double
    var name: String { "constant" }
    var historyMin: Int { 1 }
    func forecast(_ history: [Double], horizon: Int) -> [Double] { [Double](repeating: value, count: horizon) }
}
