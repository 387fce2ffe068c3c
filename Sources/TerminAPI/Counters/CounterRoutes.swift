import TerminCore
import TerminEngine
import TerminHTTP

/// The walk-in counters: tickets from the kiosk, check-ins, the public queue status and call stream; for staff
/// (`Authorization: Bearer <token>`) the day's tickets, calling, the ticket's way to done, desks in and out of
/// service, booking look-up and the audit log.
extension TerminAPI {
    /// Most services on one ticket.
    static let ticketServicesMax = 5

    func addCounterRoutes(to router: inout Router) {
        router.add("GET", "/v1/staff/me") { request, _ in respond { try whoAmI(request) } }
        router.add("POST", "/v1/offices/{id}/tickets") { request, parameters in
            respond { try drawTicket(request, office: parameters["id"]!) }
        }
        router.add("GET", "/v1/offices/{id}/tickets") { request, parameters in
            respond { try listTickets(request, office: parameters["id"]!) }
        }
        router.add("GET", "/v1/offices/{id}/tickets/{ticket}") { _, parameters in
            respond { try showTicket(office: parameters["id"]!, ticket: parameters["ticket"]!) }
        }
        router.add("POST", "/v1/offices/{id}/tickets/{ticket}/{action}") { request, parameters in
            respond { try actOnTicket(request, office: parameters["id"]!, ticket: parameters["ticket"]!, action: parameters["action"]!) }
        }
        router.add("POST", "/v1/offices/{id}/check-ins") { request, parameters in
            respond { try checkIn(request, office: parameters["id"]!) }
        }
        router.add("GET", "/v1/offices/{id}/queue") { request, parameters in
            respond { try queueStatus(request, office: parameters["id"]!) }
        }
        router.add("POST", "/v1/offices/{id}/desks/{desk}/call-next") { request, parameters in
            respond { try callNext(request, office: parameters["id"]!, desk: parameters["desk"]!) }
        }
        router.add("POST", "/v1/offices/{id}/desks/{desk}/{change}") { request, parameters in
            respond { try changeDesk(request, office: parameters["id"]!, desk: parameters["desk"]!, change: parameters["change"]!) }
        }
        router.add("GET", "/v1/offices/{id}/bookings/{booking}") { request, parameters in
            respond { try lookUpBooking(request, office: parameters["id"]!, booking: parameters["booking"]!) }
        }
        router.add("GET", "/v1/offices/{id}/audit") { request, parameters in
            respond { try audit(request, office: parameters["id"]!) }
        }
        addCallStreamRoute(to: &router)
        addPageRoutes(to: &router)
    }

    func whoAmI(_ request: HTTPRequest) throws(APIFailure) -> HTTPResponse {
        JSONBody.response(200, StaffMemberJSON(try staffMember(request)))
    }

    func drawTicket(_ request: HTTPRequest, office: String) throws(APIFailure) -> HTTPResponse {
        let officeID = try officeInPath(office)
        let body = try JSONBody.decode(TicketRequestJSON.self, from: request)
        guard (1...Self.ticketServicesMax).contains(body.services.count) else {
            throw APIFailure.invalid("services", "A ticket names 1 to \(Self.ticketServicesMax) services.")
        }
        let member = try optionalStaffMember(request)
        let drawn = try run { () throws(EngineError) in
            try counters.drawTicket(officeID: officeID, services: body.services.map(\.request), staff: member)
        }
        return JSONBody.response(201, TicketJSON(drawn.ticket, waitingAhead: drawn.waitingAhead),
                                 headers: [("Location", "/v1/offices/\(officeID)/tickets/\(drawn.ticket.id)")])
    }

    func listTickets(_ request: HTTPRequest, office: String) throws(APIFailure) -> HTTPResponse {
        let member = try staffMember(request)
        let officeID = try officeInPath(office)
        let tickets = try run { () throws(EngineError) in try counters.tickets(officeID: officeID, staff: member) }
        return JSONBody.response(200, TicketListJSON(office: officeID, tickets: tickets.map { TicketJSON($0) }))
    }

    func showTicket(office: String, ticket: String) throws(APIFailure) -> HTTPResponse {
        let officeID = try officeInPath(office)
        let found = try run { () throws(EngineError) in try counters.ticket(officeID: officeID, id: ticket) }
        return JSONBody.response(200, TicketJSON(found))
    }

    func actOnTicket(_ request: HTTPRequest, office: String, ticket: String, action: String) throws(APIFailure) -> HTTPResponse {
        let member = try staffMember(request)
        let officeID = try officeInPath(office)
        guard let action = TicketAction(rawValue: action) else {
            throw APIFailure(.http(404, "There is no ticket action \(action); the actions are "
                                   + TicketAction.allCases.map(\.rawValue).joined(separator: ", ") + ".", field: "action"))
        }
        // A body is read whenever one is sent (a malformed one is refused); only a redirect names a desk or an office.
        let body = request.body.isEmpty ? nil : try JSONBody.decode(RedirectRequestJSON.self, from: request)
        var redirect: CounterEngine.Redirect?
        switch (action, body?.desk, body?.office) {
        case (.redirect, let desk?, nil):
            guard Self.deskNumbers.contains(desk) else { throw APIFailure.invalid("desk", Self.deskNumberRule) }
            redirect = .desk(desk)
        case (.redirect, nil, let target?):
            guard target > 0 else { throw APIFailure.invalid("office", "An office id is a positive integer.") }
            redirect = .office(target)
        case (.redirect, _, _): throw APIFailure.invalid("desk", "Send either a desk or an office.")
        case (_, nil, nil): break
        case (_, _, _): throw APIFailure.invalid(body?.desk != nil ? "desk" : "office", "Only a redirect names a desk or an office.")
        }
        let changed = try run { () throws(EngineError) in
            try counters.act(action, ticketID: ticket, officeID: officeID, redirect: redirect, staff: member)
        }
        return JSONBody.response(200, TicketJSON(changed))
    }

    func checkIn(_ request: HTTPRequest, office: String) throws(APIFailure) -> HTTPResponse {
        let officeID = try officeInPath(office)
        let body = try JSONBody.decode(CheckInRequestJSON.self, from: request)
        let member = try optionalStaffMember(request)
        if member == nil && body.code == nil {
            throw APIFailure.invalid("code", "Checking in without staff needs the booking's code.")
        }
        let ticket = try run { () throws(EngineError) in
            try counters.checkIn(officeID: officeID, bookingID: body.booking, code: body.code, staff: member)
        }
        return JSONBody.response(201, TicketJSON(ticket), headers: [("Location", "/v1/offices/\(officeID)/tickets/\(ticket.id)")])
    }

    func queueStatus(_ request: HTTPRequest, office: String) throws(APIFailure) -> HTTPResponse {
        let officeID = try officeInPath(office)
        let services = try request.queryValue("service").map { (text: String) throws(APIFailure) in try Self.serviceList(text) }
        let status = try run { () throws(EngineError) in try counters.status(officeID: officeID, services: services) }
        return JSONBody.response(200, QueueStatusJSON(status), headers: [("Cache-Control", "public, max-age=2")])
    }

    func callNext(_ request: HTTPRequest, office: String, desk: String) throws(APIFailure) -> HTTPResponse {
        let member = try staffMember(request)
        let officeID = try officeInPath(office)
        let deskNumber = try Self.deskNumber(desk)
        let called = try run { () throws(EngineError) in
            try counters.callNext(officeID: officeID, deskNumber: deskNumber, staff: member)
        }
        guard let called else { return HTTPResponse(status: 204) }
        return JSONBody.response(200, TicketJSON(called))
    }

    func changeDesk(_ request: HTTPRequest, office: String, desk: String, change: String) throws(APIFailure) -> HTTPResponse {
        let member = try staffMember(request)
        let officeID = try officeInPath(office)
        let deskNumber = try Self.deskNumber(desk)
        guard change == "close" || change == "open" else {
            throw APIFailure(.http(404, "A desk can be called at (call-next), closed (close) or opened (open).", field: "action"))
        }
        try run { () throws(EngineError) in
            try counters.setDesk(officeID: officeID, deskNumber: deskNumber, open: change == "open", staff: member)
        }
        return HTTPResponse(status: 204)
    }

    func lookUpBooking(_ request: HTTPRequest, office: String, booking: String) throws(APIFailure) -> HTTPResponse {
        let member = try staffMember(request)
        let officeID = try officeInPath(office)
        let (appointment, ticket) = try run { () throws(EngineError) in
            try counters.lookUpBooking(officeID: officeID, bookingID: booking, staff: member)
        }
        return JSONBody.response(200, CounterBookingJSON(appointment, ticket: ticket))
    }

    func audit(_ request: HTTPRequest, office: String) throws(APIFailure) -> HTTPResponse {
        let member = try staffMember(request)
        let officeID = try officeInPath(office)
        let date = request.queryValue("date") == nil ? BerlinTime.local(engine.clock.now()).date : try Self.queryDate(request, "date")
        let entries = try run { () throws(EngineError) in try staff.audit(by: member, officeID: officeID, date: date) }
        return JSONBody.response(200, AuditJSON(office: officeID, date: date.description, entries: entries.map(AuditEntryJSON.init)))
    }

    /// The office a counter route's path names: 400 when it is not a positive integer, 404 when there is no such office.
    func officeInPath(_ text: String) throws(APIFailure) -> Int {
        let officeID = try Self.officeID(text, field: "id")
        guard counters.booking.catalog.offices[officeID] != nil else {
            throw APIFailure(.http(404, "There is no office \(officeID).", field: "id"))
        }
        return officeID
    }

    /// The numbers a desk may have, in a path or a redirect's body.
    static let deskNumbers = 1...999
    static let deskNumberRule = "A desk number is an integer from \(deskNumbers.lowerBound) to \(deskNumbers.upperBound)."

    static func deskNumber(_ text: String) throws(APIFailure) -> Int {
        guard let number = Int(text), deskNumbers.contains(number) else { throw APIFailure.malformed("desk", deskNumberRule) }
        return number
    }
}
