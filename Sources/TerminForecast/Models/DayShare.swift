/// Hourly demand as the day's total times the hour's share of its day: the shape of a day (how calls spread over
/// its hours) is steady and is learnt from many weeks, while the day's volume moves and is taken from the last few
/// weeks only. Call-centre forecasters split the two this way; a spreadsheet's four-week mean mixes them.
///
/// `ŷ(day d, hour j) = share(d, j) × total(d)`, where `share` averages each of the last `shareSeasons` weeks'
/// `y(d, j) / Σ_j y(d, j)` and `total` summarises the last `totalSeasons` weeks' day totals (a mean, or a trimmed
/// mean that drops the highest and lowest of four or more).
public struct DayShare: ForecastModel {
    public let seasonLength: Int
    /// For each place of the season (the weekly pattern), the day it belongs to (any numbering).
    public let dayOfPlace: [Int]
    /// Weeks the hours' shares average, at most.
    public let shareSeasons: Int
    /// Weeks the day totals summarise, at most.
    public let totalSeasons: Int
    public let totalStatistic: SeasonalWindow.Statistic

    public init(dayOfPlace: [Int], shareSeasons: Int = 8, totalSeasons: Int, totalStatistic: SeasonalWindow.Statistic) {
        precondition(!dayOfPlace.isEmpty && shareSeasons >= 1 && totalSeasons >= 1)
        self.seasonLength = dayOfPlace.count
        self.dayOfPlace = dayOfPlace
        self.shareSeasons = shareSeasons
        self.totalSeasons = totalSeasons
        self.totalStatistic = totalStatistic
    }

    public var name: String { "\(totalSeasons)-week day \(totalStatistic == .mean ? "" : totalStatistic.rawValue + " ")totals × hour shares" }
    public var historyMin: Int { seasonLength }

    public func forecast(_ history: [Double], horizon: Int) -> [Double] {
        precondition(history.count >= historyMin, "day shares need a season of history")
        let m = seasonLength, available = history.count / m
        // Week w (0 the last) starts at history.count − (w + 1) m; its place p is the place of steps h % m == p.
        func value(week: Int, place: Int) -> Double { history[history.count - (week + 1) * m + place] }
        var places: [Int: [Int]] = [:]
        for (place, day) in dayOfPlace.enumerated() { places[day, default: []].append(place) }
        var byPlace = [Double](repeating: 0, count: m)
        for (_, dayPlaces) in places {
            let weeks = max(shareSeasons, totalSeasons)
            let totals = (0..<min(weeks, available)).map { week in dayPlaces.reduce(0) { $0 + value(week: week, place: $1) } }
            let total = SeasonalWindow.summary(Array(totals.prefix(totalSeasons)), totalStatistic)
            for place in dayPlaces {
                var shareSum = 0.0, shareWeeks = 0
                for week in 0..<min(shareSeasons, available) where totals[week] > 0 {
                    shareSum += value(week: week, place: place) / totals[week]
                    shareWeeks += 1
                }
                let share = shareWeeks > 0 ? shareSum / Double(shareWeeks) : 1 / Double(dayPlaces.count)
                byPlace[place] = share * total
            }
        }
        return (0..<horizon).map { byPlace[$0 % m] }
    }
}
