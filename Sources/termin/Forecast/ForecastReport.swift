import Foundation
import TerminForecast

/// A demand forecast written for a planner: a table on the terminal, or `period,forecast,lower80,upper80,lower95,
/// upper95` as CSV, or JSON with the backtest beside it.
enum ForecastReport {
    /// The terminal table: what the history is, how each model did in the backtest, the chosen one, the forecast.
    static func table(_ forecast: Forecast, title: String, unit: String) -> String {
        let series = forecast.series
        let observed = series.entries.compactMap { if case .observed(let v) = $0 { return v } else { return nil } }
        let closed = series.entries.filter { if case .closed = $0 { return true } else { return false } }.count
        let m = series.seasonLength
        let lastSeason = observed.suffix(m)
        var lines = [title, ""]
        lines.append("history   \(series.periods.first!) … \(series.periods.last!): \(series.periods.count) \(series.resolution) periods"
                     + (closed > 0 ? " (\(closed) closed)" : "") + (m > 1 ? ", a season is \(m)" : ", too short for a yearly season"))
        lines.append("          mean \(number(observed.reduce(0, +) / Double(max(1, observed.count)))) \(unit); last season "
                     + "mean \(number(lastSeason.reduce(0, +) / Double(max(1, lastSeason.count)))), total \(number(observed.reduce(0, +)))")
        lines.append("")
        lines.append("backtest  rolling origin, \(forecast.backtest.folds) folds of \(forecast.backtest.horizon) periods; MASE against the seasonal naive")
        // The model column as wide as the longest name (a combination names its members).
        let modelWidth = max(34, (forecast.backtest.scores.map(\.model.count).max() ?? 0) + 2)
        lines.append("  " + pad("model", modelWidth) + pad("MASE", 8, right: true) + pad("sMAPE", 10, right: true))
        for score in forecast.backtest.scores.sorted(by: { $0.mase < $1.mase }) {
            let mark = score.model == forecast.model ? "* " : "  "
            lines.append(mark + pad(score.model, modelWidth) + pad(String(format: "%.3f", score.mase), 8, right: true)
                         + pad(score.smape.map { String(format: "%.1f %%", $0) } ?? "–", 10, right: true))
        }
        lines.append(contentsOf: verdict(forecast))
        let intervals = forecast.intervals
        lines.append("intervals from the backtest's errors, wider further ahead; held-out coverage: 80 % → "
                     + (intervals.coverage80.map { String(format: "%.0f %%", $0 * 100) } ?? "–") + ", 95 % → "
                     + (intervals.coverage95.map { String(format: "%.0f %%", $0 * 100) } ?? "–"))
        lines.append("")
        lines.append(pad("period", 16) + pad("forecast", 10, right: true) + pad("80 %", 20, right: true) + pad("95 %", 20, right: true))
        for point in forecast.points {
            if let closed = point.closed {
                lines.append(pad(point.period.description, 16) + pad("closed", 10, right: true) + "  (" + closed + ")")
                continue
            }
            lines.append(pad(point.period.description, 16) + pad(number(point.forecast), 10, right: true)
                         + pad(number(point.lower80) + " – " + number(point.upper80), 20, right: true)
                         + pad(number(point.lower95) + " – " + number(point.upper95), 20, right: true))
        }
        return lines.joined(separator: "\n")
    }

    /// The chosen model, the runner-up and the four-week mean (a planner's spreadsheet) side by side, and by how
    /// much the chosen one beats the spreadsheet, or that it does not.
    static func verdict(_ forecast: Forecast) -> [String] {
        let chosen = forecast.chosen
        var lines = ["chosen    \(chosen.model): MASE " + String(format: "%.3f", chosen.mase)]
        if let runnerUp = forecast.runnerUp {
            var line = "runner-up \(runnerUp.model): MASE " + String(format: "%.3f", runnerUp.mase)
            if runnerUp.mase < chosen.mase, let combination = forecast.combination, runnerUp.model != combination.model {
                // Lower on average, yet not chosen: it did not beat the combination in enough folds.
                let folds = combination.maseByFold.count
                line += "; lower on average, but below the combination in only "
                    + "\(Forecast.foldWins(of: runnerUp, over: combination)) of \(folds) folds "
                    + "(\(Forecast.foldWinsNeeded(folds: folds)) needed to replace it)"
            }
            lines.append(line)
        }
        if let factor = forecast.levelFactor {
            lines.append(String(format: "level     the last two weeks moved away from the window median's level: the forecast is rescaled × %.2f to theirs", factor))
        }
        if let spreadsheet = forecast.fourWeekMean {
            let change = (chosen.mase / spreadsheet.mase - 1) * 100
            let verdict = chosen.model == spreadsheet.model ? "the spreadsheet is the best model here"
                : !change.isFinite ? "both are exact" // a series that repeats exactly: 0 against 0
                : change < 0 ? String(format: "the chosen model's errors are %.0f %% smaller", -change)
                : String(format: "the chosen model does not beat it (%+.0f %%)", change)
            lines.append("4-week mean (a spreadsheet): MASE " + String(format: "%.3f", spreadsheet.mase) + "; " + verdict)
        }
        return lines
    }

    /// `period,forecast,lower80,upper80,lower95,upper95`, one row per future period (closed ones as zeros).
    static func csv(_ forecast: Forecast) -> String {
        var text = "period,forecast,lower80,upper80,lower95,upper95\n"
        for p in forecast.points {
            text += [p.period.description, plain(p.forecast), plain(p.lower80), plain(p.upper80), plain(p.lower95),
                     plain(p.upper95)].joined(separator: ",") + "\n"
        }
        return text
    }

    /// The forecast, the backtest and the history summary as JSON.
    static func json(_ forecast: Forecast, title: String, unit: String) -> String {
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        let scores = forecast.backtest.scores.map { score in
            "{\"model\":\(quoted(score.model)),\"mase\":\(plain(score.mase)),\"smape\":\(score.smape.map(plain) ?? "null")}"
        }
        let points = forecast.points.map { p in
            "{\"period\":\(quoted(p.period.description)),\"forecast\":\(plain(p.forecast)),\"lower80\":\(plain(p.lower80)),"
                + "\"upper80\":\(plain(p.upper80)),\"lower95\":\(plain(p.lower95)),\"upper95\":\(plain(p.upper95))"
                + (p.closed.map { ",\"closed\":\(quoted($0))" } ?? "") + "}"
        }
        let series = forecast.series
        return """
            {"title":\(quoted(title)),"unit":\(quoted(unit)),"resolution":\(quoted(series.resolution.rawValue)),\
            "history":{"first":\(quoted(series.periods.first!.description)),"last":\(quoted(series.periods.last!.description)),\
            "periods":\(series.periods.count),"season_length":\(series.seasonLength)},\
            "model":\(quoted(forecast.model)),"runner_up":\(forecast.runnerUp.map { quoted($0.model) } ?? "null"),\
            "level_rescaled_by":\(forecast.levelFactor.map(plain) ?? "null"),\
            "four_week_mean_mase":\(forecast.fourWeekMean.map { plain($0.mase) } ?? "null"),"backtest":{"folds":\(forecast.backtest.folds),"horizon":\(forecast.backtest.horizon),\
            "scores":[\(scores.joined(separator: ","))]},\
            "coverage":{"interval80":\(forecast.intervals.coverage80.map(plain) ?? "null"),"interval95":\(forecast.intervals.coverage95.map(plain) ?? "null")},\
            "forecast":[\(points.joined(separator: ","))]}

            """
    }

    /// Two decimals, no grouping: for CSV and JSON.
    static func plain(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        return String(format: "%.2f", value)
    }

    /// For people: whole numbers with thin grouping above 100, one decimal below.
    static func number(_ value: Double) -> String {
        abs(value) >= 100 ? Int(value.rounded()).formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))
            : String(format: "%.1f", value)
    }

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(1, width - text.count))
        return right ? fill + text : text + fill
    }
}
