import TerminCore

/// How finely a demand series is bucketed.
public enum Resolution: String, Sendable, CaseIterable {
    case hourly, daily, weekly, monthly

    /// Future periods forecast when `--horizon` is not given: one week at hourly and daily resolution (the weekly
    /// pattern's periods), a quarter at weekly, one year at monthly. `weekSlots` is the pattern's periods per week.
    public func defaultHorizon(weekSlots: Int) -> Int {
        switch self {
        case .hourly, .daily: weekSlots
        case .weekly: 13
        case .monthly: 12
        }
    }
}

/// One period of a series: an hour, a day, an ISO week (named by its Monday) or a calendar month (its first day).
/// Periods are Berlin wall-clock periods, as the offices keep them.
public struct Period: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let resolution: Resolution
    /// The first day of the period: the day itself, the Monday of a week, the 1st of a month.
    public let date: LocalDate
    /// The hour of the day (0–23) of an hourly period; 0 for the others.
    public let hour: Int

    /// The period of `resolution` that contains `date` (and `hour`, for hourly periods).
    public init(_ resolution: Resolution, containing date: LocalDate, hour: Int = 0) {
        precondition((0..<24).contains(hour), "an hour of the day is 0–23")
        self.resolution = resolution
        switch resolution {
        case .hourly: self.date = date; self.hour = hour
        case .daily: self.date = date; self.hour = 0
        case .weekly: self.date = date.adding(days: 1 - date.isoWeekday); self.hour = 0
        case .monthly:
            let (year, month, _) = date.components
            self.date = LocalDate(year: year, month: month, day: 1)!
            self.hour = 0
        }
    }

    /// A number that grows by one from each period to the next (hours, days, weeks or months since 1970).
    public var ordinal: Int {
        switch resolution {
        case .hourly: date.dayNumber * 24 + hour
        case .daily: date.dayNumber
        case .weekly: (date.dayNumber + 3) / 7
        case .monthly: date.year * 12 + date.components.month - 1
        }
    }

    /// The period that follows.
    public var next: Period {
        switch resolution {
        case .hourly: hour == 23 ? Period(.hourly, containing: date.adding(days: 1)) : Period(.hourly, containing: date, hour: hour + 1)
        case .daily: Period(.daily, containing: date.adding(days: 1))
        case .weekly: Period(.weekly, containing: date.adding(days: 7))
        case .monthly: Period(.monthly, containing: date.adding(days: 31))
        }
    }

    /// Where the period sits in the week (`weekday × 24 + hour`, or the ISO weekday for days); `nil` for weeks and
    /// months, which have no place in a week.
    public var weeklySlot: Int? {
        switch resolution {
        case .hourly: date.isoWeekday * 24 + hour
        case .daily: date.isoWeekday
        case .weekly, .monthly: nil
        }
    }

    /// The days the period covers.
    public var days: [LocalDate] {
        switch resolution {
        case .hourly, .daily: [date]
        case .weekly: (0..<7).map { date.adding(days: $0) }
        case .monthly:
            (0..<LocalDate.daysInMonth(year: date.year, month: date.components.month)).map { date.adding(days: $0) }
        }
    }

    /// `2026-11-23T07`, `2026-11-23`, `2026-W48` (ISO week) or `2026-11`.
    public var description: String {
        let day = date.description
        switch resolution {
        case .hourly: return day + "T" + (hour < 10 ? "0" : "") + String(hour)
        case .daily: return day
        case .monthly: return String(day.prefix(7))
        case .weekly:
            // The ISO week belongs to the year of its Thursday.
            let thursday = date.adding(days: 3)
            let week = (thursday.dayNumber - LocalDate(year: thursday.year, month: 1, day: 1)!.dayNumber) / 7 + 1
            return String(thursday.year) + "-W" + (week < 10 ? "0" : "") + String(week)
        }
    }

    /// Parses `YYYY-MM` (a month), `YYYY-MM-DD` (a day) or `YYYY-MM-DDTHH` (an hour); `nil` for anything else.
    public static func parse(_ text: some StringProtocol) -> Period? {
        let text = String(text)
        switch text.utf8.count {
        case 7:
            guard let date = LocalDate(iso: text + "-01") else { return nil }
            return Period(.monthly, containing: date)
        case 10:
            return LocalDate(iso: text).map { Period(.daily, containing: $0) }
        case 13:
            let bytes = Array(text.utf8)
            guard bytes[10] == UInt8(ascii: "T"), let date = LocalDate(iso: text.prefix(10)),
                  bytes[11...12].allSatisfy({ (48...57).contains($0) }),
                  let hour = Int(text.suffix(2)), hour < 24 else { return nil }
            return Period(.hourly, containing: date, hour: hour)
        default:
            return nil
        }
    }

    public static func < (lhs: Period, rhs: Period) -> Bool { lhs.ordinal < rhs.ordinal }
}
