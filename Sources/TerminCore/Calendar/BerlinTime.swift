/// Local time in Europe/Berlin, the zone of every Munich office.
///
/// Computed from the EU summer-time rule (since 1996: CEST from the last Sunday of March 01:00 UTC to the last
/// Sunday of October 01:00 UTC, CET otherwise), so the engine needs no time zone database and is correct on both
/// sides of every change for any year.
public enum BerlinTime {
    /// The IANA name of the zone.
    public static let zoneIdentifier = "Europe/Berlin"

    /// Offset from UTC at an instant, in minutes (60 in winter, 120 in summer).
    public static func utcOffsetMinutes(at instant: Instant) -> Int {
        let seconds = instant.secondsSinceEpoch
        let day = LocalDate(dayNumber: Int(floorDiv(seconds, 86_400)))
        // Dates exist from year 1 to 9999; an instant beyond (a client's "0001-01-01T00:00+01:00" is in year 0 in UTC)
        // takes the rule of the nearest year that exists, which no office's day ever reaches.
        let year = min(max(day.year, 1), 9999)
        let summerStart = Int64(lastSunday(year: year, month: 3).dayNumber) * 86_400 + 3_600
        let summerEnd = Int64(lastSunday(year: year, month: 10).dayNumber) * 86_400 + 3_600
        return (seconds >= summerStart && seconds < summerEnd) ? 120 : 60
    }

    /// The instant of a local wall-clock time. For the hour skipped in March the summer offset is used;
    /// for the hour repeated in October the first (summer) occurrence is taken.
    public static func instant(date: LocalDate, minuteOfDay: Int) -> Instant {
        let localSeconds = Int64(date.dayNumber) * 86_400 + Int64(minuteOfDay) * 60
        let summerGuess = Instant(secondsSinceEpoch: localSeconds - 7_200)
        if utcOffsetMinutes(at: summerGuess) == 120 { return summerGuess }
        return Instant(secondsSinceEpoch: localSeconds - 3_600)
    }

    /// The local date and minute of day of an instant.
    public static func local(_ instant: Instant) -> (date: LocalDate, minuteOfDay: Int) {
        let local = instant.secondsSinceEpoch + Int64(utcOffsetMinutes(at: instant)) * 60
        let day = floorDiv(local, 86_400)
        return (LocalDate(dayNumber: Int(day)), Int((local - day * 86_400) / 60))
    }

    /// RFC 3339 / ISO 8601 with the Berlin offset, e.g. `2026-12-01T08:30:00+01:00`. Written byte by byte: the
    /// availability answer formats hundreds of these.
    public static func format(_ instant: Instant) -> String {
        String(unsafeUninitializedCapacity: formattedBytes) { bytes in
            render(instant, into: bytes)
            return formattedBytes
        }
    }

    /// `format`'s bytes appended to `bytes`, with no string in between (the availability answers are written so).
    public static func append(_ instant: Instant, to bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: formattedBytes))
        bytes.withUnsafeMutableBufferPointer { render(instant, into: UnsafeMutableBufferPointer(rebasing: $0[start...])) }
    }

    /// Length of `2026-12-01T08:30:00+01:00`.
    static let formattedBytes = 25

    private static func render(_ instant: Instant, into bytes: UnsafeMutableBufferPointer<UInt8>) {
        assert(bytes.count >= formattedBytes, "room for the whole date-time")
        let offset = utcOffsetMinutes(at: instant)
        let local = instant.secondsSinceEpoch + Int64(offset) * 60
        let day = floorDiv(local, 86_400)
        let secondOfDay = Int(local - day * 86_400)
        let (year, month, dayOfMonth) = LocalDate.civilFromDays(Int(day))
        precondition((0...9999).contains(year), "a four-digit year")
        func digits(_ value: Int, _ count: Int, at index: Int) {
            var rest = value
            for position in stride(from: index + count - 1, through: index, by: -1) {
                bytes[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
        }
        digits(year, 4, at: 0)
        bytes[4] = UInt8(ascii: "-")
        digits(month, 2, at: 5)
        bytes[7] = UInt8(ascii: "-")
        digits(dayOfMonth, 2, at: 8)
        bytes[10] = UInt8(ascii: "T")
        digits(secondOfDay / 3600, 2, at: 11)
        bytes[13] = UInt8(ascii: ":")
        digits(secondOfDay / 60 % 60, 2, at: 14)
        bytes[16] = UInt8(ascii: ":")
        digits(secondOfDay % 60, 2, at: 17)
        bytes[19] = UInt8(ascii: "+")
        digits(offset / 60, 2, at: 20)
        bytes[22] = UInt8(ascii: ":")
        digits(offset % 60, 2, at: 23)
    }

    /// ISO 8601 basic format: Berlin wall-clock time `20261201T083000`, or with `utc` the UTC time
    /// `20261201T073000Z` (the forms iCalendar uses).
    public static func formatBasic(_ instant: Instant, utc: Bool = false) -> String {
        let seconds = instant.secondsSinceEpoch + (utc ? 0 : Int64(utcOffsetMinutes(at: instant)) * 60)
        let day = floorDiv(seconds, 86_400)
        let secondOfDay = Int(seconds - day * 86_400)
        let (y, m, d) = LocalDate(dayNumber: Int(day)).components
        return LocalDate.pad(y, 4) + LocalDate.pad(m, 2) + LocalDate.pad(d, 2) + "T" + LocalDate.pad(secondOfDay / 3600, 2)
            + LocalDate.pad(secondOfDay / 60 % 60, 2) + LocalDate.pad(secondOfDay % 60, 2) + (utc ? "Z" : "")
    }

    /// Parses `YYYY-MM-DDTHH:MM[:SS]` followed by `Z` or `±HH:MM`. A time without an offset is refused:
    /// a client must say which instant it means.
    public static func parse(_ text: String) -> Instant? {
        let b = Array(text.utf8)
        guard b.count >= 17, let date = LocalDate(iso: String(decoding: b[0..<10], as: UTF8.self)),
              b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
              let hour = LocalDate.digits(b[11..<13]), b[13] == UInt8(ascii: ":"),
              let minute = LocalDate.digits(b[14..<16]), hour < 24, minute < 60 else { return nil }
        var index = 16
        var second = 0
        if b[index] == UInt8(ascii: ":") {
            guard b.count >= 20, let s = LocalDate.digits(b[17..<19]), s < 60 else { return nil }
            second = s
            index = 19
            if index < b.count, b[index] == UInt8(ascii: ".") {   // fractional seconds must be zero
                index += 1
                while index < b.count, b[index] == UInt8(ascii: "0") { index += 1 }
            }
        }
        guard index < b.count else { return nil }
        var offsetSeconds = 0
        if b[index] == UInt8(ascii: "Z") || b[index] == UInt8(ascii: "z") {
            guard index + 1 == b.count else { return nil }
        } else {
            guard index + 6 == b.count, b[index] == UInt8(ascii: "+") || b[index] == UInt8(ascii: "-"),
                  let oh = LocalDate.digits(b[index + 1..<index + 3]), b[index + 3] == UInt8(ascii: ":"),
                  let om = LocalDate.digits(b[index + 4..<index + 6]), oh < 24, om < 60 else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (b[index] == UInt8(ascii: "-") ? -1 : 1)
        }
        let local = Int64(date.dayNumber) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return Instant(secondsSinceEpoch: local - Int64(offsetSeconds))
    }

    /// The last Sunday of a month.
    public static func lastSunday(year: Int, month: Int) -> LocalDate {
        let last = LocalDate(year: year, month: month, day: LocalDate.daysInMonth(year: year, month: month))!
        return last.adding(days: -(last.isoWeekday % 7))
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
}
