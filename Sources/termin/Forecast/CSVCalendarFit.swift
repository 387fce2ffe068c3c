import TerminCore
import TerminForecast

/// Whether a closing calendar fits a planner's own series: the city's (Bavarian) holidays are closures for a series
/// of the city's offices, but a series from elsewhere (another state, another country, a call centre open on
/// holidays) has values on them, and forecasting such a day as closed would be an error of a whole day.
enum CSVCalendarFit {
    /// Whether `closure` fits `observations`: of the calendar's closed days that fall within the history on a
    /// weekday the series has values on, at most half have values. True when no such day falls within it.
    static func fits(_ closure: (LocalDate) -> String?, observations: [Period: Double]) -> Bool {
        let days = Set(observations.keys.flatMap(\.days))
        guard let first = days.min(), let last = days.max() else { return true }
        let weekdays = Set(days.map(\.isoWeekday))
        var closedDays = 0, openOnThem = 0
        var day = first
        while day <= last {
            if weekdays.contains(day.isoWeekday), closure(day) != nil {
                closedDays += 1
                if days.contains(day) { openOnThem += 1 }
            }
            day = day.adding(days: 1)
        }
        return 2 * openOnThem <= closedDays
    }
}
