import TerminCore
import TerminEngine

/// `POST /v1/helpers` (all three members) and `PATCH /v1/helpers/{id}` (what is absent stays).
struct HelperBodyJSON: Decodable {
    let name: String?
    let languages: [String]?
    let skills: [Int]?

    /// The helper as the engine checks it; an unknown language is a 422 naming `languages[i]`.
    func draft() throws(APIFailure) -> BookingEngine.HelperDraft {
        var spoken: [SpokenLanguage]?
        if let languages {
            spoken = []
            for (index, code) in languages.enumerated() {
                spoken!.append(try TerminAPI.language(code, field: "languages[\(index)]"))
            }
        }
        return BookingEngine.HelperDraft(name: name, languages: spoken, skills: skills)
    }
}

/// A helper with their shifts.
struct HelperJSON: Encodable {
    let id: Int
    let name: String
    let languages: [String]
    let skills: [Int]
    let demo: Bool
    let shifts: [ShiftJSON]

    init(_ helper: Helper, shifts: [HelperShift]) {
        id = helper.id
        name = helper.name
        languages = helper.languages.sorted().map(\.rawValue)
        skills = helper.skills.sorted()
        demo = helper.isDemo
        self.shifts = shifts.map { ShiftJSON($0.hours) }
    }
}

struct HelpersJSON: Encodable {
    let helpers: [HelperJSON]
}

/// One shift: at help place `office`, on `weekdays` from `valid_from` to `valid_to`, from `opens` to `closes`.
struct ShiftJSON: Codable {
    let office: Int
    let weekdays: [Int]
    let valid_from: String
    let valid_to: String?
    let opens: String
    let closes: String

    init(_ hours: OpeningRule) {
        office = hours.officeID
        weekdays = hours.weekdays.sorted()
        valid_from = hours.validFrom.description
        valid_to = hours.validTo?.description
        opens = OpeningRuleJSON.clock(hours.startMinute)
        closes = OpeningRuleJSON.clock(hours.endMinute)
    }

    func draft(field: String) throws(APIFailure) -> BookingEngine.ShiftDraft {
        BookingEngine.ShiftDraft(officeID: office,
                                 hours: try OpeningRuleJSON.draft(weekdays: weekdays, validFrom: valid_from, validTo: valid_to,
                                                                  opens: opens, closes: closes, staffedDesks: 1, field: field))
    }
}

/// `PUT /v1/helpers/{id}/shifts`: every shift of the helper.
struct ShiftsBodyJSON: Decodable {
    let shifts: [ShiftJSON]
}

/// A helper after their shifts changed, and the bookings with them the new shifts leave outside their hours.
struct ShiftsChangedJSON: Encodable {
    let helper: HelperJSON
    let conflicts: [String]
}

/// `POST /v1/offices/{id}/sessions`.
struct SessionBodyJSON: Decodable {
    let service: Int
    let date: String
    let start: String
    let seats: Int
    let leader: Int?
}

/// `PUT /v1/offices/{id}/offers/{service}/reservation`.
struct ReservationBodyJSON: Decodable {
    let reserved_for: String
}

/// Whom an offer is reserved for; absent: anyone.
struct ReservationJSON: Encodable {
    let office: Int
    let service: Int
    let reserved_for: String?
}
