import TerminCore

/// RFC 5545 calendar files for bookings, in Europe/Berlin local time with the zone's rules included.
public enum ICalendar {
    /// The Europe/Berlin VTIMEZONE (EU rule since 1996).
    static let berlinTimeZone = [
        "BEGIN:VTIMEZONE", "TZID:Europe/Berlin",
        "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST", "DTSTART:19700329T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
        "BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET", "DTSTART:19701025T030000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD",
        "END:VTIMEZONE",
    ]

    /// A VCALENDAR with one VEVENT for a booking. `method`: `PUBLISH` for a download, `REQUEST` (a booking or a
    /// move: the same `UID`, `SEQUENCE` its revision) or `CANCEL` in a mail (RFC 5546; `SEQUENCE` one higher).
    /// In a mail, `organizer` (the sender) and `attendee` (the citizen) are the addresses iTIP asks for.
    public static func event(for record: Appointment, office: Office, serviceNames: [String], stamp: Instant,
                             method: String = "PUBLISH", organizer: String? = nil, attendee: String? = nil) -> String {
        let address = office.address
        let location = "\(office.displayName), \(address.street) \(address.houseNumber), \(address.postalCode) \(address.city)"
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Termin//Termin 1.0//DE", "CALSCALE:GREGORIAN",
                     "METHOD:\(method)"]
        lines += berlinTimeZone
        lines += [
            "BEGIN:VEVENT",
            "UID:\(record.id)@termin",
            // A cancellation is a change after the last revision (RFC 5546 §3.2.5: a CANCEL raises SEQUENCE; a client
            // may ignore one that does not).
            "SEQUENCE:\(record.status == .cancelled ? record.revision + 1 : record.revision)",
            "DTSTAMP:\(BerlinTime.formatBasic(stamp, utc: true))",
            "DTSTART;TZID=Europe/Berlin:\(BerlinTime.formatBasic(record.start))",
            "DTEND;TZID=Europe/Berlin:\(BerlinTime.formatBasic(record.end))",
            "SUMMARY:\(escape("Termin: " + serviceNames.joined(separator: ", ")))",
            "LOCATION:\(escape(location))",
            "GEO:\(office.geo.lat);\(office.geo.lon)",
            "STATUS:\(record.status == .cancelled ? "CANCELLED" : "CONFIRMED")",
        ]
        if let organizer { lines.append("ORGANIZER:mailto:\(organizer)") }
        if let attendee { lines.append("ATTENDEE;ROLE=REQ-PARTICIPANT:mailto:\(attendee)") }
        lines += [
            "END:VEVENT",
            "END:VCALENDAR",
        ]
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// TEXT escaping (RFC 5545 §3.3.11).
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\\": escaped += "\\\\"
            case ";": escaped += "\\;"
            case ",": escaped += "\\,"
            case "\n", "\r\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// Folds a content line at 75 octets without splitting a UTF-8 character (RFC 5545 §3.1).
    static func fold(_ line: String) -> String {
        var result = ""
        var octets = 0
        for character in line {
            let size = String(character).utf8.count
            if octets + size > 75 {
                result += "\r\n "
                octets = 1
            }
            result.append(character)
            octets += size
        }
        return result
    }
}
