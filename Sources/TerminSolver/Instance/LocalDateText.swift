import TerminCore

/// Local dates and times as the exchange format writes them: `2027-03-01`, `07:30`, `2027-03-01T07:30[:00]`.
enum LocalDateText {
    static func format(dayNumber: Int) -> String { LocalDate(dayNumber: dayNumber).description }

    /// `YYYY-MM-DD` → day number.
    static func day(_ text: String) -> Int? {
        guard text.utf8.count == 10 else { return nil }
        return LocalDate(iso: text)?.dayNumber
    }

    /// `HH:MM` (or `HH:MM:SS` with zero seconds) → minute of day; `24:00` is the end of the day.
    static func minuteOfDay(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || (parts.count == 3 && parts[2] == "00"), parts[0].count == 2, parts[1].count == 2,
              let hour = Int(parts[0]), let minute = Int(parts[1]), (0...24).contains(hour), (0..<60).contains(minute),
              hour * 60 + minute <= 1440 else { return nil }
        return hour * 60 + minute
    }

    /// `YYYY-MM-DDTHH:MM[:SS]` → local minute.
    static func localMinute(_ text: String) -> LocalMinute? {
        let parts = text.split(separator: "T", omittingEmptySubsequences: false)
        guard parts.count == 2, let day = day(String(parts[0])), let minute = minuteOfDay(String(parts[1])) else { return nil }
        return LocalMinute(day * 1440 + minute)
    }
}
