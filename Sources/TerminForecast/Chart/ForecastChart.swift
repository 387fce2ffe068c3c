import Foundation

/// A forecast drawn as a standalone SVG: the recent history as a line, the forecast as a dashed line over its
/// 95 % and 80 % interval bands, axes with period labels and the unit, a title and a legend. Plain SVG 1.1 with
/// no scripts, fonts or external references, so any browser renders it as it is.
public enum ForecastChart {
    /// Width and height in CSS pixels.
    public static let width = 960.0, height = 420.0
    /// History periods drawn at most (the most recent).
    public static let historyPeriodsMax = 240

    /// The chart of `forecast`, titled `title`, the y axis in `unit` (e.g. "bookings per day").
    public static func svg(_ forecast: Forecast, title: String, unit: String) -> String {
        let series = forecast.series
        let historyStart = max(0, series.periods.count - historyPeriodsMax)
        let history: [(Period, Double?)] = (historyStart..<series.periods.count).map { index in
            if case .observed(let value) = series.entries[index] { return (series.periods[index], value) }
            return (series.periods[index], nil)
        }
        let points = forecast.points
        let count = history.count + points.count
        let left = 70.0, right = 20.0, top = 48.0, bottom = 64.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let highest = max(1, (history.compactMap(\.1) + points.map(\.upper95) + points.map(\.forecast)).max() ?? 1)
        let yMax = niceCeiling(highest)
        func x(_ index: Int) -> Double { left + plotWidth * (Double(index) + 0.5) / Double(max(1, count)) }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - value / yMax) }
        func f(_ value: Double) -> String { String(Double((value * 10).rounded()) / 10) }

        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <title>\(escape(title))</title>
            <rect x="0" y="0" width="\(Int(width))" height="\(Int(height))" fill="#ffffff"/>
            <text x="\(f(left))" y="24" font-size="16" font-weight="bold" fill="#1a1a1a">\(escape(title))</text>

            """
        // Horizontal grid lines and the y axis's labels.
        for step in 0...5 {
            let value = yMax * Double(step) / 5
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(y(value)))\" x2=\"\(f(width - right))\" y2=\"\(f(y(value)))\" stroke=\"#e3e3e3\"/>\n"
            svg += "<text x=\"\(f(left - 8))\" y=\"\(f(y(value) + 4))\" text-anchor=\"end\" fill=\"#444\">\(label(value))</text>\n"
        }
        svg += "<text transform=\"translate(16 \(f(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\" fill=\"#444\">\(escape(unit))</text>\n"
        // Interval bands, widest first.
        let first = history.count
        if !points.isEmpty {
            for (lower, upper, colour) in [(\Forecast.Point.lower95, \Forecast.Point.upper95, "#c6dbef"),
                                           (\Forecast.Point.lower80, \Forecast.Point.upper80, "#9ecae1")] {
                let upperEdge = points.indices.map { "\(f(x(first + $0))),\(f(y(points[$0][keyPath: upper])))" }
                let lowerEdge = points.indices.reversed().map { "\(f(x(first + $0))),\(f(y(points[$0][keyPath: lower])))" }
                svg += "<polygon class=\"band\" points=\"\((upperEdge + lowerEdge).joined(separator: " "))\" fill=\"\(colour)\"/>\n"
            }
        }
        // The history, broken where a period is closed or missing.
        var segments: [[String]] = [[]]
        for (index, entry) in history.enumerated() {
            if let value = entry.1 { segments[segments.count - 1].append("\(f(x(index))),\(f(y(value)))") }
            else if !segments[segments.count - 1].isEmpty { segments.append([]) }
        }
        for segment in segments where !segment.isEmpty {
            svg += "<polyline class=\"history\" points=\"\(segment.joined(separator: " "))\" fill=\"none\" stroke=\"#1a1a1a\" stroke-width=\"1.5\"/>\n"
        }
        if !points.isEmpty {
            let line = points.indices.map { "\(f(x(first + $0))),\(f(y(points[$0].forecast)))" }
            svg += "<polyline class=\"forecast\" points=\"\(line.joined(separator: " "))\" fill=\"none\" stroke=\"#08519c\" stroke-width=\"2\" stroke-dasharray=\"6 3\"/>\n"
            svg += "<line x1=\"\(f(x(first) - plotWidth / Double(count) / 2))\" y1=\"\(f(top))\" x2=\"\(f(x(first) - plotWidth / Double(count) / 2))\" y2=\"\(f(top + plotHeight))\" stroke=\"#888\" stroke-dasharray=\"2 2\"/>\n"
        }
        // Axes and about eight period labels.
        svg += "<line x1=\"\(f(left))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(width - right))\" y2=\"\(f(top + plotHeight))\" stroke=\"#444\"/>\n"
        svg += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + plotHeight))\" stroke=\"#444\"/>\n"
        let periods = history.map(\.0) + points.map(\.period)
        let every = max(1, Int((Double(periods.count) / 8).rounded(.up)))
        for index in stride(from: 0, to: periods.count, by: every) {
            svg += "<line x1=\"\(f(x(index)))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(x(index)))\" y2=\"\(f(top + plotHeight + 5))\" stroke=\"#444\"/>\n"
            svg += "<text x=\"\(f(x(index)))\" y=\"\(f(top + plotHeight + 20))\" text-anchor=\"middle\" fill=\"#444\">\(periods[index])</text>\n"
        }
        // Legend.
        let legendY = height - 14
        svg += """
            <line x1="\(f(left))" y1="\(f(legendY - 4))" x2="\(f(left + 24))" y2="\(f(legendY - 4))" stroke="#1a1a1a" stroke-width="1.5"/>
            <text x="\(f(left + 30))" y="\(f(legendY))" fill="#1a1a1a">history</text>
            <line x1="\(f(left + 100))" y1="\(f(legendY - 4))" x2="\(f(left + 124))" y2="\(f(legendY - 4))" stroke="#08519c" stroke-width="2" stroke-dasharray="6 3"/>
            <text x="\(f(left + 130))" y="\(f(legendY))" fill="#1a1a1a">forecast (\(escape(forecast.model)))</text>
            <rect x="\(f(left + 400))" y="\(f(legendY - 10))" width="24" height="12" fill="#9ecae1"/>
            <text x="\(f(left + 430))" y="\(f(legendY))" fill="#1a1a1a">80 % interval</text>
            <rect x="\(f(left + 540))" y="\(f(legendY - 10))" width="24" height="12" fill="#c6dbef"/>
            <text x="\(f(left + 570))" y="\(f(legendY))" fill="#1a1a1a">95 % interval</text>
            </svg>

            """
        return svg
    }

    /// The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 or 10 times a power of ten at or above `value` (five grid steps
    /// then fall on round numbers).
    static func niceCeiling(_ value: Double) -> Double {
        var power = 1.0
        while power * 10 <= value { power *= 10 }
        while power > value { power /= 10 }
        for factor in [1.0, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10] where factor * power >= value { return factor * power }
        return 10 * power
    }

    static func label(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(Double((value * 10).rounded()) / 10)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
