import Foundation
import Testing
import TerminCore
@testable import TerminForecast

/// The window models, combinations, the choice among them and the intervals on series whose answer is known.
@Suite struct CandidateModelTests {
    static let windows: [(SeasonalWindow.Statistic, Int, [Double])] = [
        (.mean, 4, [26.5, 25]),      // (1 + 2 + 3 + 100) / 4, (10 + 20 + 30 + 40) / 4
        (.median, 3, [2, 20]),
        (.median, 4, [2.5, 25]),     // (2 + 3) / 2, (20 + 30) / 2
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

    @Test func theLevelAdjustedWindowKeepsTheShapeOfManyWeeksAtTheRecentLevel() {
        // Two places, shape (−5, +5) every season; the level 10 for five seasons, then 30 for the last two; the fourth
        // season from the end had an outlier (+40 at place 0, its mean 30). The level: the last two seasons' means, 30.
        var history: [Double] = []
        for season in 0..<7 {
            let level = season >= 5 ? 30.0 : 10
            history += [level - 5 + (season == 3 ? 40 : 0), level + 5]
        }
        let model = LevelAdjustedWindow(seasonLength: 2, seasons: 5, levelSeasons: 2, statistic: .median)
        #expect(model.name == "5-week level-adjusted median")
        // Moved to 30, every season is (25, 35) but the outlier's, (45, 15): the median shrugs it off.
        #expect(model.forecast(history, horizon: 4) == [25, 35, 25, 35])
        // The plain windows of five seasons mix the two levels and lose the shape.
        #expect(SeasonalWindow(seasonLength: 2, seasons: 5, statistic: .median).forecast(history, horizon: 2) == [25, 15])
        #expect(SeasonalWindow(seasonLength: 2, seasons: 5, statistic: .mean).forecast(history, horizon: 2) == [21, 23])
        // One season of history: the seasonal naive.
        #expect(model.forecast([3, 7], horizon: 2) == [3, 7])
        // Never below zero: (0, 0) and (0, 100) moved to the last season's level 0 are (0, 0) and (−50, 50).
        #expect(LevelAdjustedWindow(seasonLength: 2, seasons: 2, levelSeasons: 1, statistic: .median)
            .forecast([0, 100, 0, 0], horizon: 2) == [0, 25])
    }

    /// Weeks whose means wander by about 1 around 10 (the typical change 1): a forecast at 10 stays; after two weeks
    /// at 20 it is rescaled to them, but not after one odd week, nor after two on either side.
    @Test func theLevelGuardFollowsTwoWeeksOfANewLevelAndNothingLess() {
        let guardOfTwo = LevelGuard(seasonLength: 2)
        let wandering: [Double] = [10, 11, 10, 11, 10, 11, 10, 11].flatMap { [$0 - 5, $0 + 5] }
        let forecast: [Double] = [5, 15, 5, 15]
        #expect(guardOfTwo.apply(forecast, history: wandering).forecast == forecast)
        // Two weeks at 20: both 9.5 or more above the forecast's level 10, far beyond 2.5 typical changes.
        let shifted = wandering + [20, 20].flatMap { [$0 - 5, $0 + 5] }
        #expect(guardOfTwo.apply(forecast, history: shifted).forecast == [10, 30, 10, 30])
        #expect(guardOfTwo.apply(forecast, history: shifted).factor == 2 && guardOfTwo.apply(forecast, history: wandering).factor == nil)
        // Downwards as well, never below zero.
        let fallen = wandering + [4, 4].flatMap { [$0 - 4, $0 + 4] }
        #expect(guardOfTwo.apply(forecast, history: fallen).forecast == [2, 6, 2, 6])
        // One odd week (a holiday's), or the two last weeks on opposite sides: left as it is.
        #expect(guardOfTwo.apply(forecast, history: wandering + [15, 25]).forecast == forecast)
        #expect(guardOfTwo.apply(forecast, history: wandering + [15, 25, 0, 2]).forecast == forecast)
        // Three weeks of history are too few to know what a typical change is.
        #expect(guardOfTwo.apply(forecast, history: [5, 15, 15, 25, 15, 25]).forecast == forecast)
    }

    @Test func theWindowMedianIsGuardedAndScoredAsItForecasts() throws {
        // Fourteen weeks at level 10, then two at 30: the median of the windows alone stays at the old level (5, 15);
        // guarded, it is rescaled to the last two weeks' level 30 (× 3), its first step as well as its whole season.
        let history = (0..<16).flatMap { week -> [Double] in let level = week >= 14 ? 30.0 : 10; return [level - 5, level + 5] }
        let combination = try #require(ModelCatalog.candidates(seasonLength: 2, positive: true, weekSeason: true).last as? Combination)
        #expect(combination.levelGuard?.seasonLength == 2)
        #expect(Combination(combination.models, statistic: .median).forecast(history, horizon: 2) == [5, 15])
        #expect(combination.forecast(history, horizon: 2) == [15, 45])
        #expect(combination.forecast(history, horizon: 1) == [15])
    }

    @Test func theBacktestScoresTheGuardedMedianAsItForecasts() throws {
        // Weekday hours at 20 … 26 for sixteen weeks, then at 60: the last folds' histories end in two weeks or more of
        // the new level, where the guard rescales (the median of the members' fold forecasts would not).
        let observations = TestSeries.weekdayHours(from: LocalDate(iso: "2026-01-05")!, weeks: 20) { index in
            (index / 70 >= 16 ? 60 : 20) + Double(index % 7)
        }
        let series = try DemandSeries(resolution: .hourly, observations: observations, absentIsZero: true, closure: TestSeries.noClosures)
        let models = ModelCatalog.candidates(seasonLength: series.seasonLength, positive: true, weekSeason: true)
        let combination = try #require(models.last as? Combination)
        let backtest = Backtest(series: series, models: models, horizon: series.seasonLength)
        let score = try #require(backtest.scores.first { $0.model == combination.name })
        var guarded = 0
        for (fold, origin) in backtest.origins.enumerated() {
            let history = Array(series.filledValues[..<origin])
            #expect(score.predictedByFold[fold] == combination.forecast(history, horizon: backtest.horizon))
            if combination.forecast(history, horizon: backtest.horizon)
                != Combination(combination.models, statistic: .median).forecast(history, horizon: backtest.horizon) { guarded += 1 }
        }
        #expect(guarded >= 1)
    }

    @Test func aForecastSaysByHowMuchTheLevelGuardRescaledIt() throws {
        // Sixteen weeks of weekday hours at 20 … 26 (mean 23), then two at 60 … 66 (mean 63): the median of the
        // windows still sits at the old level, and the guard rescales it by 63 / 23. Without the two weeks, nothing.
        func series(weeks: Int) throws -> DemandSeries {
            try DemandSeries(resolution: .hourly, observations: TestSeries.weekdayHours(from: LocalDate(iso: "2026-01-05")!, weeks: weeks) {
                ($0 / 70 >= 16 ? 60 : 20) + Double($0 % 7)
            }, absentIsZero: true, closure: TestSeries.noClosures)
        }
        let combination = try #require(ModelCatalog.candidates(seasonLength: 70, positive: true, weekSeason: true).last as? Combination)
        let shifted = try Forecast(series: try series(weeks: 18), horizon: 70, models: [combination])
        let factor = try #require(shifted.levelFactor)
        #expect(abs(factor - 63.0 / 23) < 1e-9)
        let steady = try Forecast(series: try series(weeks: 16), horizon: 70, models: [combination])
        #expect(steady.levelFactor == nil)
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

    @Test func hourlyCandidatesAreFewAndIncludeTheMedianOfTheWindows() throws {
        let models = ModelCatalog.candidates(seasonLength: 70, positive: true, weekSeason: true)
        let names = models.map(\.name)
        #expect(names.count == Set(names).count && names.count <= 9)
        #expect(names.contains(ModelCatalog.fourWeekMean))
        let combination = try #require(models.last as? Combination)
        #expect(combination.statistic == .median)
        #expect(combination.models.map(\.name) == ["4-week mean", "5-week median", "9-week median", "13-week median",
                                                    "13-week level-adjusted median"])
    }

    /// The combination is chosen unless another model is lower on average and in at least three folds of four.
    @Test func anotherModelIsChosenOverTheCombinationOnlyWhenItWinsMostFolds() throws {
        func score(_ model: String, _ maseByFold: [Double]) -> Backtest.Score {
            Backtest.Score(model: model, mase: maseByFold.reduce(0, +) / Double(maseByFold.count), maseByFold: maseByFold,
                           smape: nil, errorsByFold: [], forecastsByFold: [], stepsByFold: [], predictedByFold: [])
        }
        let combination = score("median of (…)", [1.0, 1.0, 1.0, 1.0])
        // Far lower on average, from one lucky fold: the combination stays.
        let lucky = score("lucky", [0.2, 1.1, 1.1, 1.1])
        #expect(Forecast.choose(among: [combination, lucky], combination: combination)?.model == combination.model)
        #expect(Forecast.foldWins(of: lucky, over: combination) == 1 && Forecast.foldWinsNeeded(folds: 4) == 3)
        #expect(Forecast.foldWinsNeeded(folds: 16) == 12 && Forecast.foldWinsNeeded(folds: 1) == 1)
        // A little lower in three folds of four: chosen; of two such, the lower on average.
        let steady = score("steady", [0.97, 0.97, 0.97, 1.01])
        let steadier = score("steadier", [0.95, 0.95, 0.95, 1.02])
        #expect(Forecast.choose(among: [combination, lucky, steady], combination: combination)?.model == "steady")
        #expect(Forecast.choose(among: [combination, steady, steadier], combination: combination)?.model == "steadier")
        // Winning the folds but not the mean: the combination stays. Without one, the lowest MASE.
        let spiky = score("spiky", [0.99, 0.99, 0.99, 2.0])
        #expect(Forecast.choose(among: [combination, spiky], combination: combination)?.model == combination.model)
        #expect(Forecast.choose(among: [lucky, steady], combination: nil)?.model == "lucky")
        #expect(Forecast.choose(among: [], combination: nil) == nil)
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
        #expect(forecast.chosen.mase <= spreadsheet.mase)
        #expect(forecast.runnerUp != nil && forecast.runnerUp?.model != forecast.model)
        let combination = try #require(forecast.backtest.scores.first { $0.model.hasPrefix("median of (") })
        #expect(forecast.model == Forecast.choose(among: forecast.backtest.scores, combination: combination)?.model)
    }

    @Test func oneExceptionalBacktestWeekDoesNotWidenEveryInterval() {
        // Eight folds of 30 steps (three parts of ten), every forecast 10 and the history's mean 10 (scale 20). Seven
        // ordinary folds miss by step % 10; one holiday week by 100 everywhere.
        let steps = Array(0..<30)
        let errorsByFold = (0..<8).map { fold in steps.map { fold == 3 ? 100.0 : Double($0 % 10) } }
        let score = Backtest.Score(model: "m", mase: 1, maseByFold: Array(repeating: 1, count: 8), smape: nil,
                                   errorsByFold: errorsByFold, forecastsByFold: errorsByFold.map { $0.map { _ in 10 } },
                                   stepsByFold: errorsByFold.map { _ in steps }, predictedByFold: [])
        let intervals = PredictionIntervals(score: score, horizon: 30, scaleFloor: 10)
        // Each ordinary fold's 80 % quantile of 0 … 9 is 7.2, scaled 0.36, and so is the median over the folds; pooled,
        // the holiday's tenth of the errors would push it to 9 (0.45).
        for width in intervals.halfWidth80 { #expect(abs(width - 0.36) < 1e-9) }
        #expect(intervals.halfWidth95.allSatisfy { $0 >= 0.36 })
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
