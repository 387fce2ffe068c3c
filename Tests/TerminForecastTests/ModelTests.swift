import Foundation
import Testing
import TerminCore
@testable import TerminForecast

/// Each model on series whose structure is known.
@Suite struct ModelTests {
    static let season = [5.0, 9, 14, 20, 11, 7, 3]

    @Test func theSeasonalNaiveForecastsAPureSeasonalSeriesExactly() {
        let history = (0..<(7 * 6)).map { Self.season[$0 % 7] }
        let forecast = SeasonalNaive(seasonLength: 7).forecast(history, horizon: 10)
        #expect(forecast == (0..<10).map { Self.season[(42 + $0) % 7] })
    }

    @Test func theBacktestChoosesAModelThatIsExactOnAPureSeason() throws {
        let observations = TestSeries.weekdayHours(from: LocalDate(iso: "2026-01-05")!, weeks: 6) { Double([4, 8, 15, 16, 23, 42, 8][$0 % 7]) }
        let series = try DemandSeries(resolution: .hourly, observations: observations, absentIsZero: true, closure: TestSeries.noClosures)
        let forecast = try Forecast(series: series, horizon: 70)
        let naive = try #require(forecast.backtest.scores.first { $0.model == "seasonal naive" })
        #expect(naive.mase == 0)
        #expect(forecast.backtest.best?.mase == 0)
        // The next week continues the season exactly (the pattern has 70 hours, so the phase carries on).
        let history = series.filledValues
        for (step, point) in forecast.points.enumerated() {
            #expect(abs(point.forecast - Double([4, 8, 15, 16, 23, 42, 8][(history.count + step) % 7])) < 1e-6)
        }
    }

    @Test func additiveHoltWintersRecoversLevelTrendAndSeason() {
        let season = [12.0, -6, 3, -9]
        let history = (0..<80).map { 100 + 0.5 * Double($0) + season[$0 % 4] }
        let model = HoltWinters(seasonLength: 4, seasonality: .additive, fitIterationsMax: 400)
        let (_, state) = model.fit(history)
        // Level and season are known up to a constant moved between them: compare with the season centred.
        let shift = state.season.reduce(0, +) / 4
        #expect(abs(state.level + shift - (100 + 0.5 * 79)) < 0.5)
        #expect(abs(state.trend - 0.5) < 0.05)
        // The state's season starts at the place of period 80.
        for place in 0..<4 { #expect(abs(state.season[place] - shift - season[(80 + place) % 4]) < 0.5) }
        let forecast = model.forecast(history, horizon: 4)
        for h in 0..<4 { #expect(abs(forecast[h] - (100 + 0.5 * Double(80 + h) + season[(80 + h) % 4])) < 1.5) }
    }

    @Test func multiplicativeHoltWintersRecoversLevelAndSeasonRatios() {
        let season = [1.3, 0.7, 1.1, 0.9]
        let history = (0..<80).map { (200 + 1.0 * Double($0)) * season[$0 % 4] }
        let model = HoltWinters(seasonLength: 4, seasonality: .multiplicative, fitIterationsMax: 400)
        let (_, state) = model.fit(history)
        #expect(abs(state.level - 279) / 279 < 0.02)
        #expect(abs(state.trend - 1.0) < 0.15)
        for place in 0..<4 { #expect(abs(state.season[place] - season[(80 + place) % 4]) < 0.03) }
    }

    @Test func theSeasonalProfileScalesTheShapeByTheRecentLevel() {
        // Three seasons at level 1, then one at level 2: the profile keeps the shape, the level doubles it.
        let shape = [1.0, 2, 3, 4]
        let history = (0..<16).map { shape[$0 % 4] * ($0 >= 12 ? 2 : 1) }
        let forecast = SeasonalProfile(seasonLength: 4).forecast(history, horizon: 4)
        for h in 0..<4 { #expect(abs(forecast[h] - 2 * shape[h]) < 1e-9) }
    }

    @Test func onATrendingSeasonHoltWintersBeatsTheSeasonalNaive() throws {
        var random = TestSeries.Random(state: 7)
        let observations = TestSeries.months(from: 2019, count: 84) { index in
            (300 + 4 * Double(index)) * [0.8, 0.9, 1.0, 1.1, 1.3, 1.4, 1.2, 0.8, 1.0, 1.0, 0.9, 0.6][index % 12] + 5 * random.normal()
        }
        let series = try DemandSeries(resolution: .monthly, observations: observations, absentIsZero: false, closure: TestSeries.noClosures)
        let forecast = try Forecast(series: series, horizon: 12)
        let naive = try #require(forecast.backtest.scores.first { $0.model == "seasonal naive" })
        let best = try #require(forecast.backtest.best)
        #expect(best.model.hasPrefix("Holt-Winters"))
        #expect(best.mase < 0.6 * naive.mase)
        #expect(forecast.points.count == 12 && forecast.points[0].period.description == "2026-01")
    }

    @Test func intervalsCoverAboutWhatTheySayOnNoise() throws {
        var random = TestSeries.Random(state: 11)
        let observations = TestSeries.weekdayHours(from: LocalDate(iso: "2026-01-05")!, weeks: 20) { index in
            max(0, 20 + 8 * sin(Double(index % 14) / 14 * .pi) + 4 * random.normal())
        }
        let series = try DemandSeries(resolution: .hourly, observations: observations, absentIsZero: true, closure: TestSeries.noClosures)
        let forecast = try Forecast(series: series, horizon: 70)
        let coverage80 = try #require(forecast.intervals.coverage80), coverage95 = try #require(forecast.intervals.coverage95)
        #expect((0.65...0.92).contains(coverage80))
        #expect((0.85...1.0).contains(coverage95))
        for point in forecast.points {
            #expect(point.lower95 <= point.lower80 && point.lower80 <= point.forecast + 1e-9)
            #expect(point.forecast <= point.upper80 + 1e-9 && point.upper80 <= point.upper95)
        }
    }

    @Test func monthsShorterThanAYearAndTwoAreForecastWithoutASeason() throws {
        let observations = TestSeries.months(from: 2026, count: 8) { 10 + 2 * Double($0) }
        let series = try DemandSeries(resolution: .monthly, observations: observations, absentIsZero: false, closure: TestSeries.noClosures)
        #expect(series.seasonLength == 1)
        let forecast = try Forecast(series: series, horizon: 12)
        // A steady rise: the damped trend carries it on, the naive repeats the last month.
        #expect(forecast.model.hasPrefix("Holt-Winters"))
        #expect(forecast.points[0].forecast > 25 && forecast.points[0].forecast < 27)
    }

    @Test func aHistoryTooShortToBacktestIsRefused() throws {
        let series = try DemandSeries(resolution: .monthly, observations: TestSeries.months(from: 2026, count: 2) { Double($0) },
                                      absentIsZero: false, closure: TestSeries.noClosures)
        #expect(throws: Forecast.TooShort.self) { try Forecast(series: series, horizon: 12) }
    }
}
