/// Closing days read from an RFC 5545 calendar file, as an office's calendar exports them: every VEVENT closes the
/// days it covers, its SUMMARY the reason.
///
/// An all-day event (`DTSTART;VALUE=DATE:20261224`) closes its start day up to the day before its DTEND (DTEND is
/// exclusive, RFC 5545 3.6.1), or its start day alone without one. A timed event closes every day it touches (an end
/// at midnight does not touch the next day). Lines are unfolded (3.1) and text is unescaped (3.3.11). Recurrence
/// (`RRULE`, `RDATE`) and `DURATION` are refused rather than half read.
public enum ClosingDaysCalendar {
    /// Why a file could not be read, with the line (1-based, after unfolding) where known.
    public struct Failure: Error, Equatable {
        public let line: Int?
        public let detail: String
    }

    /// One closing day.
    public struct Day: Equatable, Sendable {
        public let date: LocalDate
        public let reason: String
        public init(date: LocalDate, reason: String) {
            self.date = date
            self.reason = reason
        }
    }

    /// The reason of an event without a SUMMARY.
    public static let reasonDefault = "Geschlossen"

    /// The closing days of `text`, in date order (a day two events cover keeps the first event's reason).
    /// - Throws: `Failure` for a file that is not a calendar, an event without a start, recurrence, an end before
    ///   its start, or more than `daysMax` days.
    public static func days(_ text: String, daysMax: Int) throws(Failure) -> [Day] {
        let lines = unfolded(text)
        guard lines.first(where: { !$0.isEmpty })?.uppercased() == "BEGIN:VCALENDAR" else {
            throw Failure(line: 1, detail: "This is not an iCalendar file: it must begin with BEGIN:VCALENDAR.")
        }
        var byDate: [LocalDate: String] = [:]
        var event: [String: String]?
        var eventLine = 0
        for (index, line) in lines.enumerated() {
            let number = index + 1
            guard let (name, value) = property(line) else { continue }
            switch (name, value.uppercased()) {
            case ("BEGIN", "VEVENT"):
                event = [:]
                eventLine = number
            case ("END", "VEVENT"):
                guard let properties = event else { throw Failure(line: number, detail: "END:VEVENT without BEGIN:VEVENT.") }
                for day in try covered(properties, line: eventLine) where byDate[day] == nil {
                    byDate[day] = properties["SUMMARY"].map(unescaped).flatMap { $0.isEmpty ? nil : $0 } ?? reasonDefault
                    guard byDate.count <= daysMax else {
                        throw Failure(line: eventLine, detail: "At most \(daysMax) closing days per file.")
                    }
                }
                event = nil
            default:
                if event != nil, event![name] == nil { event![name] = value }
            }
        }
        guard !byDate.isEmpty else { throw Failure(line: nil, detail: "The calendar has no events.") }
        return byDate.sorted { $0.key < $1.key }.map { Day(date: $0.key, reason: $0.value) }
    }

    /// The days one event covers.
    private static func covered(_ properties: [String: String], line: Int) throws(Failure) -> [LocalDate] {
        for name in ["RRULE", "RDATE", "DURATION"] where properties[name] != nil {
            throw Failure(line: line, detail: "An event with \(name) is not read; list each closing day as an event of its own.")
        }
        guard let startText = properties["DTSTART"], let start = dateTime(startText) else {
            throw Failure(line: line, detail: "An event needs a DTSTART that is a date (YYYYMMDD) or date-time.")
        }
        var last = start.date
        if let endText = properties["DTEND"] {
            guard let end = dateTime(endText) else { throw Failure(line: line, detail: "DTEND is not a date or date-time.") }
            // An all-day end, or a timed one at midnight, is the first day not covered.
            last = end.isMidnight ? end.date.adding(days: -1) : end.date
            if last < start.date && end.date == start.date { last = start.date }   // a zero-length event at midnight
            guard last >= start.date else { throw Failure(line: line, detail: "The event ends before it starts.") }
        }
        return (start.date.dayNumber...last.dayNumber).map { LocalDate(dayNumber: $0) }
    }

    /// `YYYYMMDD` or `YYYYMMDDTHHMMSS[Z]`: the date, and whether the time is midnight (a bare date is).
    private static func dateTime(_ text: String) -> (date: LocalDate, isMidnight: Bool)? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 8, let year = LocalDate.digits(bytes[0..<4]), let month = LocalDate.digits(bytes[4..<6]),
              let day = LocalDate.digits(bytes[6..<8]), let date = LocalDate(year: year, month: month, day: day) else { return nil }
        if bytes.count == 8 { return (date, true) }
        guard bytes.count >= 15, bytes[8] == UInt8(ascii: "T"), let time = LocalDate.digits(bytes[9..<15]) else { return nil }
        return (date, time == 0)
    }

    /// The file's content lines, unfolded: a line break followed by a space or tab continues the line before.
    static func unfolded(_ text: String) -> [String] {
        var lines: [String] = []
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            var line = Substring(raw)
            if line.last == "\r" { line.removeLast() }
            if let first = line.first, first == " " || first == "\t", !lines.isEmpty {
                lines[lines.count - 1] += line.dropFirst()
            } else {
                lines.append(String(line))
            }
        }
        return lines
    }

    /// A content line's name (upper-cased, parameters dropped) and value: the value begins after the first colon
    /// outside a quoted parameter value.
    private static func property(_ line: String) -> (name: String, value: String)? {
        var quoted = false
        for index in line.indices {
            switch line[index] {
            case "\"": quoted.toggle()
            case ":" where !quoted:
                let head = line[..<index]
                let name = head.prefix { $0 != ";" }.uppercased()
                return (name, String(line[line.index(after: index)...]))
            default: continue
            }
        }
        return nil
    }

    /// TEXT unescaped: `\,` `\;` `\\` and `\n` (RFC 5545 3.3.11).
    private static func unescaped(_ text: String) -> String {
        var result = ""
        var escaping = false
        for character in text {
            if escaping {
                result.append(character == "n" || character == "N" ? " " : character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                result.append(character)
            }
        }
        return result.trimmingWhitespace()
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    fileprivate func trimmingWhitespace() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
