import TerminCore
import TerminEngine
import TerminHTTP

/// An office's master data for staff: opening rules and booking rules (admins), closing days and desks (leads and
/// admins of the office), and the bookings a change left outside the hours (`conflicts`). Every change is audited,
/// takes effect on every instance at once and answers the conflicts it leaves, which staff then move or cancel.
extension TerminAPI {
    /// Largest calendar file of closing days, in bytes.
    static let closureCalendarBytesMax = 256 * 1024

    func addMasterDataRoutes(to router: inout Router) {
        router.add("GET", "/v1/offices/{id}/opening-rules") { request, parameters in
            respond { try showOpeningRules(request, office: parameters["id"]!) }
        }
        router.add("PUT", "/v1/offices/{id}/opening-rules") { request, parameters in
            respond { try replaceOpeningRules(request, office: parameters["id"]!) }
        }
        router.add("GET", "/v1/offices/{id}/closures") { request, parameters in
            respond { try listClosures(request, office: parameters["id"]!) }
        }
        router.add("POST", "/v1/offices/{id}/closures") { request, parameters in
            respond { try addClosures(request, office: parameters["id"]!) }
        }
        router.add("DELETE", "/v1/offices/{id}/closures/{date}") { request, parameters in
            respond { try removeClosure(request, office: parameters["id"]!, date: parameters["date"]!) }
        }
        router.add("PATCH", "/v1/offices/{id}/desks/{desk}") { request, parameters in
            respond { try changeDesk(request, office: parameters["id"]!, desk: parameters["desk"]!) }
        }
        router.add("PATCH", "/v1/offices/{id}/booking-rules") { request, parameters in
            respond { try changeBookingRules(request, office: parameters["id"]!) }
        }
        router.add("GET", "/v1/offices/{id}/conflicts") { request, parameters in
            respond { try listConflicts(request, office: parameters["id"]!) }
        }
    }

    // MARK: Opening rules

    func showOpeningRules(_ request: HTTPRequest, office: String) throws(APIFailure) -> HTTPResponse {
        let (_, officeID) = try masterDataStaff(request, office: office, .manageClosuresAndDesks)
        return JSONBody.response(200, OpeningRulesJSON(office: officeID, rules: engine.openingRules(officeID: officeID).map(OpeningRuleJSON.init),
                                                       conflicts: nil))
    }

    func replaceOpeningRules(_ request: HTTPRequest, office: String) throws(APIFailure) -> HTTPResponse {
        let (member, officeID) = try masterDataStaff(request, office: office, .manageBookingRules)
        let body = try JSONBody.decode(OpeningRulesBodyJSON.self, from: request)
        var drafts: [BookingEngine.OpeningRuleDraft] = []
        for (index, rule) in body.rules.enumerated() {
            drafts.append(try rule.draft(field: "rules[\(index)]"))
        }
        let conflicts = try run { () throws(EngineError) in
            try engine.replaceOpeningRules(officeID: officeID, drafts: drafts, by: member)
        }
        return JSONBody.response(200, OpeningRulesJSON(office: officeID, rules: engine.openingRules(officeID: officeID).map(OpeningRuleJSON.init),
                                                       conflicts: conflicts.map(\.id)))
    }

    // MARK: Closing days

    func listClosures(_ request: HTTPRequest, office: String) throws(APIFailure) -> HTTPResponse {
        let (_, officeID) = try masterDataStaff(request, office: office, .manageClosuresAndDesks)
        let days = try run { () throws(EngineError) in try engine.closures(officeID: officeID) }
        return JSONBody.response(200, ClosuresJSON(office: officeID, closures: days.map(ClosureJSON.init), conflicts: nil))
    }

    /// A JSON body `{from, to, reason}` closes the days from `from` to `to` inclusive; a `text/calendar` body closes
    /// the days of its events (`ClosingDaysCalendar`).
    func addClosures(_ request: HTTPRequest, office: String) throws(APIFailure) -> HTTPResponse {
        let (member, officeID) = try masterDataStaff(request, office: office, .manageClosuresAndDesks)
        let days: [ClosingDaysCalendar.Day]
        let field: String
        if request.header("content-type")?.lowercased().hasPrefix("text/calendar") == true {
            days = try Self.calendarDays(request)
            field = "body"
        } else {
            let body = try JSONBody.decode(ClosureBodyJSON.self, from: request)
            let from = try Self.bodyDate(body.from, "from")
            let to = try body.to.map { text throws(APIFailure) in try Self.bodyDate(text, "to") } ?? from
            guard to >= from else { throw APIFailure.invalid("to", "A closure ends on or after the day it starts.") }
            guard to.dayNumber - from.dayNumber < BookingEngine.closureDaysMax else {
                throw APIFailure.invalid("to", "A closure closes at most \(BookingEngine.closureDaysMax) days.")
            }
            days = (from.dayNumber...to.dayNumber).map { ClosingDaysCalendar.Day(date: LocalDate(dayNumber: $0), reason: body.reason) }
            field = "from"
        }
        let conflicts = try run { () throws(EngineError) in try engine.close(officeID: officeID, days: days, field: field, by: member) }
        return JSONBody.response(201, ClosuresJSON(office: officeID, closures: days.map(ClosureJSON.init), conflicts: conflicts.map(\.id)))
    }

    func removeClosure(_ request: HTTPRequest, office: String, date: String) throws(APIFailure) -> HTTPResponse {
        let (member, officeID) = try masterDataStaff(request, office: office, .manageClosuresAndDesks)
        guard let day = LocalDate(iso: date) else { throw APIFailure.malformed("date", "A date, YYYY-MM-DD.") }
        try run { () throws(EngineError) in try engine.reopen(officeID: officeID, date: day, by: member) }
        return HTTPResponse(status: 204)
    }

    /// The closing days of a calendar body, or a 422 saying where it cannot be read.
    static func calendarDays(_ request: HTTPRequest) throws(APIFailure) -> [ClosingDaysCalendar.Day] {
        guard request.body.count <= closureCalendarBytesMax else {
            throw APIFailure(.http(413, "A calendar file is at most \(closureCalendarBytesMax) bytes.", field: "Content-Length"))
        }
        guard let text = String(validating: request.body, as: UTF8.self) else {
            throw APIFailure.invalid("body", "A calendar file is UTF-8 text.")
        }
        do {
            return try ClosingDaysCalendar.days(text, daysMax: BookingEngine.closureDaysMax)
        } catch {
            throw APIFailure.invalid("body", error.line.map { "Line \($0): " } .map { $0 + error.detail } ?? error.detail)
        }
    }

    // MARK: Desks and booking rules

    func changeDesk(_ request: HTTPRequest, office: String, desk: String) throws(APIFailure) -> HTTPResponse {
        let (member, officeID) = try masterDataStaff(request, office: office, .manageClosuresAndDesks)
        let number = try Self.deskNumber(desk)
        guard engine.catalog.desks[officeID]?.contains(where: { $0.number == number }) == true else {
            throw APIFailure(.http(404, "Office \(officeID) has no desk \(number).", field: "desk"))
        }
        let body = try JSONBody.decode(DeskChangeBodyJSON.self, from: request)
        let (changed, conflicts) = try run { () throws(EngineError) in
            try engine.changeDesk(officeID: officeID, number: number,
                                  .init(serviceIDs: body.services, accessible: body.accessible, inService: body.in_service), by: member)
        }
        return JSONBody.response(200, DeskChangedJSON(office: officeID, desk: MasterDeskJSON(changed), conflicts: conflicts.map(\.id)))
    }

    func changeBookingRules(_ request: HTTPRequest, office: String) throws(APIFailure) -> HTTPResponse {
        let (member, officeID) = try masterDataStaff(request, office: office, .manageBookingRules)
        let body = try JSONBody.decode(BookingRulesJSON.self, from: request)
        let changed = try run { () throws(EngineError) in
            try engine.changeBookingRules(officeID: officeID, .init(onlineWithheldPercent: body.online_withheld_percent,
                                                                    horizonDays: body.horizon_days,
                                                                    minNoticeMinutes: body.min_notice_minutes), by: member)
        }
        return JSONBody.response(200, BookingRulesJSON(changed))
    }

    // MARK: Conflicts

    func listConflicts(_ request: HTTPRequest, office: String) throws(APIFailure) -> HTTPResponse {
        let (_, officeID) = try masterDataStaff(request, office: office, .manageClosuresAndDesks)
        let conflicts = try run { () throws(EngineError) in try engine.conflicts(officeID: officeID) }
        let desks = Dictionary(uniqueKeysWithValues: (engine.catalog.desks[officeID] ?? []).map { ($0.id, $0.number) })
        return JSONBody.response(200, ConflictsJSON(office: officeID, conflicts: conflicts.map { ConflictJSON($0, deskNumber: desks[$0.run.deskID]) }))
    }

    // MARK: Support

    /// The staff member (401 first), the office in the path (404 for none), and whether they may `action` there (403).
    func masterDataStaff(_ request: HTTPRequest, office: String, _ action: StaffAction) throws(APIFailure)
        -> (StaffMember, Int) {
        let member = try staffMember(request)
        let officeID = try officeInPath(office)
        try run { () throws(EngineError) in try staff.authorize(member, action, officeID: officeID) }
        return (member, officeID)
    }

    /// A date in a body, or a 422 naming its field.
    static func bodyDate(_ text: String, _ field: String) throws(APIFailure) -> LocalDate {
        guard let date = LocalDate(iso: text) else { throw APIFailure.invalid(field, "A date, YYYY-MM-DD.") }
        return date
    }
}
