import TerminCore
import TerminEngine
import TerminHTTP

/// The master data of in-person help for staff: helpers and their shifts (admins), a place's group sessions (its
/// leads and admins) and offers reserved for some people (admins). Every change is audited and takes effect on every
/// instance at once; a change of shifts answers the bookings it leaves outside the helper's hours (`conflicts`).
extension TerminAPI {
    func addHelpMasterDataRoutes(to router: inout Router) {
        router.add("GET", "/v1/helpers") { request, _ in respond { try listHelpers(request) } }
        router.add("POST", "/v1/helpers") { request, _ in respond { try addHelper(request) } }
        router.add("GET", "/v1/helpers/{id}") { request, parameters in
            respond { try showHelper(request, id: parameters["id"]!) }
        }
        router.add("PATCH", "/v1/helpers/{id}") { request, parameters in
            respond { try changeHelper(request, id: parameters["id"]!) }
        }
        router.add("PUT", "/v1/helpers/{id}/shifts") { request, parameters in
            respond { try replaceShifts(request, id: parameters["id"]!) }
        }
        router.add("POST", "/v1/offices/{id}/sessions") { request, parameters in
            respond { try addSession(request, office: parameters["id"]!) }
        }
        router.add("DELETE", "/v1/sessions/{id}") { request, parameters in
            respond { try removeSession(request, id: parameters["id"]!) }
        }
        router.add("PUT", "/v1/offices/{id}/offers/{service}/reservation") { request, parameters in
            respond { try reserveOffer(request, office: parameters["id"]!, service: parameters["service"]!, open: false) }
        }
        router.add("DELETE", "/v1/offices/{id}/offers/{service}/reservation") { request, parameters in
            respond { try reserveOffer(request, office: parameters["id"]!, service: parameters["service"]!, open: true) }
        }
    }

    // MARK: Helpers

    func listHelpers(_ request: HTTPRequest) throws(APIFailure) -> HTTPResponse {
        _ = try helpStaff(request, .manageHelpers)
        return JSONBody.response(200, HelpersJSON(helpers: engine.helpers.map { helperJSON($0) }))
    }

    func showHelper(_ request: HTTPRequest, id text: String) throws(APIFailure) -> HTTPResponse {
        _ = try helpStaff(request, .manageHelpers)
        return JSONBody.response(200, helperJSON(try helperInPath(text)))
    }

    func addHelper(_ request: HTTPRequest) throws(APIFailure) -> HTTPResponse {
        let member = try helpStaff(request, .manageHelpers)
        let draft = try JSONBody.decode(HelperBodyJSON.self, from: request).draft()
        let helper = try run { () throws(EngineError) in try engine.addHelper(draft, by: member) }
        return JSONBody.response(201, helperJSON(helper), headers: [("Location", "/v1/helpers/\(helper.id)")])
    }

    func changeHelper(_ request: HTTPRequest, id text: String) throws(APIFailure) -> HTTPResponse {
        let member = try helpStaff(request, .manageHelpers)
        let helper = try helperInPath(text)
        let draft = try JSONBody.decode(HelperBodyJSON.self, from: request).draft()
        let changed = try run { () throws(EngineError) in try engine.changeHelper(id: helper.id, draft, by: member) }
        return JSONBody.response(200, helperJSON(changed))
    }

    func replaceShifts(_ request: HTTPRequest, id text: String) throws(APIFailure) -> HTTPResponse {
        let member = try helpStaff(request, .manageHelpers)
        let helper = try helperInPath(text)
        let body = try JSONBody.decode(ShiftsBodyJSON.self, from: request)
        var drafts: [BookingEngine.ShiftDraft] = []
        for (index, shift) in body.shifts.enumerated() {
            drafts.append(try shift.draft(field: "shifts[\(index)]"))
        }
        let (_, conflicts) = try run { () throws(EngineError) in try engine.replaceShifts(helperID: helper.id, drafts: drafts, by: member) }
        return JSONBody.response(200, ShiftsChangedJSON(helper: helperJSON(engine.catalog.helpers[helper.id]!),
                                                        conflicts: conflicts.map(\.id)))
    }

    func helperJSON(_ helper: Helper) -> HelperJSON {
        HelperJSON(helper, shifts: engine.shifts(helperID: helper.id))
    }

    /// The helper a path names: 404 for none.
    func helperInPath(_ text: String) throws(APIFailure) -> Helper {
        guard let id = Int(text), let helper = engine.catalog.helpers[id] else {
            throw APIFailure(EngineError(.helperNotFound, detail: "There is no helper \(text)."))
        }
        return helper
    }

    // MARK: Group sessions

    func addSession(_ request: HTTPRequest, office: String) throws(APIFailure) -> HTTPResponse {
        let (member, officeID) = try masterDataStaff(request, office: office, .manageSessions)
        let body = try JSONBody.decode(SessionBodyJSON.self, from: request)
        let draft = BookingEngine.SessionDraft(serviceID: body.service, date: try Self.bodyDate(body.date, "date"),
                                               startMinute: try OpeningRuleJSON.minute(body.start, "start"), seats: body.seats,
                                               leaderID: body.leader)
        let standing = try run { () throws(EngineError) in
            let session = try engine.addSession(officeID: officeID, draft, by: member)
            return try engine.sessions(officeID: officeID, from: session.date, to: session.date, channel: .staff)
                .first { $0.session.id == session.id }!
        }
        return JSONBody.response(201, SessionJSON(standing, catalog: engine.catalog))
    }

    func removeSession(_ request: HTTPRequest, id text: String) throws(APIFailure) -> HTTPResponse {
        let member = try staffMember(request)
        let sessionID = try Self.sessionID(text)
        guard let session = engine.catalog.sessions[sessionID] else {
            throw APIFailure(EngineError(.sessionNotFound, detail: "There is no group session \(text)."))
        }
        try run { () throws(EngineError) in
            try staff.authorize(member, .manageSessions, officeID: session.officeID)
            try engine.removeSession(id: sessionID, by: member)
        }
        return HTTPResponse(status: 204)
    }

    // MARK: Reserved offers

    /// `PUT …/reservation` with `{"reserved_for": "…"}` reserves the offer; `DELETE` (`open`) opens it to anyone.
    func reserveOffer(_ request: HTTPRequest, office: String, service: String, open: Bool) throws(APIFailure) -> HTTPResponse {
        let (member, officeID) = try masterDataStaff(request, office: office, .manageBookingRules)
        guard let serviceID = Int(service), serviceID > 0 else { throw APIFailure.malformed("service", "A service id is a positive integer.") }
        let reservedFor = open ? nil : try JSONBody.decode(ReservationBodyJSON.self, from: request).reserved_for
        let offer = try run { () throws(EngineError) in
            try engine.reserveOffer(officeID: officeID, serviceID: serviceID, for: reservedFor, by: member)
        }
        return JSONBody.response(200, ReservationJSON(office: officeID, service: serviceID, reserved_for: offer.reservedFor))
    }

    // MARK: Support

    /// The staff member (401 first) and whether they may `action` at every office (403): helpers serve at many places,
    /// so an account scoped to some offices does not manage them.
    func helpStaff(_ request: HTTPRequest, _ action: StaffAction) throws(APIFailure) -> StaffMember {
        let member = try staffMember(request)
        try run { () throws(EngineError) in try staff.authorize(member, action, officeID: nil) }
        guard member.officeIDs.isEmpty else {
            throw APIFailure(EngineError(.forbidden, detail: "Helpers serve at many places: an account of every office may \(action.rawValue)."))
        }
        return member
    }
}
