import TerminCore
import TerminEngine

/// `PUT /v1/offices/{id}/opening-rules`.
struct OpeningRulesBodyJSON: Decodable {
    let rules: [OpeningRuleJSON]
}

/// One opening rule: on `weekdays` (1 = Monday … 7 = Sunday) from `valid_from` to `valid_to` (open-ended without),
/// open from `opens` to `closes` (`HH:MM`, `24:00` for midnight) with desks 1…`staffed_desks` staffed.
struct OpeningRuleJSON: Codable {
    let weekdays: [Int]
    let valid_from: String
    let valid_to: String?
    let opens: String
    let closes: String
    let staffed_desks: Int

    init(_ rule: OpeningRule) {
        weekdays = rule.weekdays.sorted()
        valid_from = rule.validFrom.description
        valid_to = rule.validTo?.description
        opens = Self.clock(rule.startMinute)
        closes = Self.clock(rule.endMinute)
        staffed_desks = rule.staffedDesks
    }

    /// The rule as the engine checks it; a field that is not a date or time is a 422 under `field`.
    func draft(field: String) throws(APIFailure) -> BookingEngine.OpeningRuleDraft {
        try Self.draft(weekdays: weekdays, validFrom: valid_from, validTo: valid_to, opens: opens, closes: closes,
                       staffedDesks: staffed_desks, field: field)
    }

    /// Hours as sent (an opening rule's, a helper's shift's); a member that is not a date or time is a 422 under
    /// `field.<member>`.
    static func draft(weekdays: [Int], validFrom: String, validTo: String?, opens: String, closes: String, staffedDesks: Int,
                      field: String) throws(APIFailure) -> BookingEngine.OpeningRuleDraft {
        BookingEngine.OpeningRuleDraft(
            weekdays: weekdays, validFrom: try TerminAPI.bodyDate(validFrom, field + ".valid_from"),
            validTo: try validTo.map { text throws(APIFailure) in try TerminAPI.bodyDate(text, field + ".valid_to") },
            startMinute: try minute(opens, field + ".opens"), endMinute: try minute(closes, field + ".closes"),
            staffedDesks: staffedDesks)
    }

    /// `HH:MM` from 00:00 to 24:00, as minutes of the day.
    static func minute(_ text: String, _ field: String) throws(APIFailure) -> Int {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }), let hours = Int(parts[0]),
              let minutes = Int(parts[1]), (0...59).contains(minutes), hours * 60 + minutes <= 1440 else {
            throw APIFailure.invalid(field, "A time of day, HH:MM (00:00 to 24:00).")
        }
        return hours * 60 + minutes
    }

    static func clock(_ minute: Int) -> String {
        (minute / 60 < 10 ? "0" : "") + "\(minute / 60):" + (minute % 60 < 10 ? "0" : "") + "\(minute % 60)"
    }
}

/// An office's opening rules; after a change, the bookings it left outside the hours.
struct OpeningRulesJSON: Encodable {
    let office: Int
    let rules: [OpeningRuleJSON]
    let conflicts: [String]?
}

/// `POST /v1/offices/{id}/closures` as JSON: the days from `from` to `to` (inclusive; `from` alone without it).
struct ClosureBodyJSON: Decodable {
    let from: String
    let to: String?
    let reason: String
}

struct ClosureJSON: Encodable {
    let date: String
    let reason: String
    init(_ day: ClosingDaysCalendar.Day) {
        date = day.date.description
        reason = day.reason
    }
}

/// An office's closing days (from today on), or the days a closure closed and the bookings it left on them.
struct ClosuresJSON: Encodable {
    let office: Int
    let closures: [ClosureJSON]
    let conflicts: [String]?
}

/// `PATCH /v1/offices/{id}/desks/{desk}`: what is absent stays.
struct DeskChangeBodyJSON: Decodable {
    let services: [Int]?
    let accessible: Bool?
    let in_service: Bool?
}

struct MasterDeskJSON: Encodable {
    let number: Int
    let services: [Int]
    let accessible: Bool
    let in_service: Bool
    init(_ desk: Desk) {
        number = desk.number
        services = desk.serviceIDs.sorted()
        accessible = desk.isAccessible
        in_service = desk.inService
    }
}

struct DeskChangedJSON: Encodable {
    let office: Int
    let desk: MasterDeskJSON
    let conflicts: [String]
}

/// `PATCH /v1/offices/{id}/booking-rules` (what is absent stays) and its answer (all three).
struct BookingRulesJSON: Codable {
    var office: Int?
    let online_withheld_percent: Int?
    let horizon_days: Int?
    let min_notice_minutes: Int?

    init(_ office: Office) {
        self.office = office.id
        online_withheld_percent = office.onlineWithheldPercent
        horizon_days = office.horizonDays
        min_notice_minutes = office.minNoticeMinutes
    }
}

/// A booking the master data in force no longer opens.
struct ConflictJSON: Encodable {
    let booking: String
    let start: String
    let end: String
    let desk: Int?
    let services: [Int]
    init(_ booking: Appointment, deskNumber: Int?) {
        self.booking = booking.id
        start = BerlinTime.format(booking.start)
        end = BerlinTime.format(booking.end)
        desk = deskNumber
        services = booking.services.map(\.serviceID)
    }
}

struct ConflictsJSON: Encodable {
    let office: Int
    let conflicts: [ConflictJSON]
}
