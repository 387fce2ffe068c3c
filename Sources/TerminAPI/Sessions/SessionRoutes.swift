import TerminCore
import TerminEngine
import TerminHTTP
import TerminJSON

/// `GET /v1/sessions` (a place's group sessions and their free seats) and `POST /v1/sessions/{id}/seats` (take a seat:
/// a booking, answered as `POST /v1/bookings` answers, code and all).
extension TerminAPI {
    func listSessions(_ request: HTTPRequest) throws(APIFailure) -> HTTPResponse {
        guard let officeText = request.queryValue("office") else {
            throw APIFailure.malformed("office", "Name the place: office=ID.")
        }
        let officeID = try Self.officeID(officeText, field: "office")
        let from = try Self.queryDate(request, "from")
        let to = try Self.queryDate(request, "to")
        guard from <= to else { throw APIFailure.invalid("to", "to is on or after from.") }
        let channel = try Self.channel(request.queryValue("channel"), field: "channel")
        let standings = try run { () throws(EngineError) in
            try engine.sessions(officeID: officeID, from: from, to: to, channel: channel)
        }
        return JSONBody.response(200, SessionListJSON(sessions: standings.map { SessionJSON($0, catalog: engine.catalog) }))
    }

    func takeSeat(_ request: HTTPRequest, id text: String) throws(APIFailure) -> HTTPResponse {
        guard let sessionID = Int(text), let session = engine.catalog.sessions[sessionID] else {
            throw APIFailure(EngineError(.sessionNotFound, detail: "There is no group session \(text)."))
        }
        try requireProofOfWork(request)
        let body = request.body.isEmpty ? SeatRequestJSON(contact: nil, channel: nil)
            : try JSONBody.decode(SeatRequestJSON.self, from: request)
        let key = try Self.idempotencyKey(request)
        let contact = try Self.contact(body.contact)
        let (channel, member) = try bookingChannel(body.channel, field: "channel", officeID: session.officeID, request)
        let pseudonym = try pseudonym(request)
        let fingerprint = Self.fingerprint(asking: "session=\(sessionID);channel=\(channel.rawValue)", contact: contact,
                                           pseudonym: pseudonym)
        let booking = try run { () throws(EngineError) in
            try engine.takeSeat(sessionID: sessionID, channel: channel, contact: contact, pseudonym: pseudonym, by: member,
                                idempotencyKey: key, fingerprint: fingerprint)
        }
        return Self.booked(booking)
    }
}

extension TerminAPI {
    /// `POST /v1/sessions/{id}/waitlist`: a full session's waiting list, joined with an e-mail address (201, its code).
    func joinSessionWaitlist(_ request: HTTPRequest, id text: String) throws(APIFailure) -> HTTPResponse {
        let sessionID = try Self.sessionID(text)
        try requireProofOfWork(request)
        let body = request.body.isEmpty ? SeatRequestJSON(contact: nil, channel: nil)
            : try JSONBody.decode(SeatRequestJSON.self, from: request)
        guard body.channel == nil else { throw APIFailure.invalid("channel", "The waiting list is the citizen's own: no channel.") }
        let contact = try Self.contact(body.contact)
        let (entry, code) = try run { () throws(EngineError) in try engine.joinSessionWaitlist(sessionID: sessionID, contact: contact) }
        return JSONBody.response(201, SessionWaitJSON(entry, code: code),
                                 headers: [("Location", "/v1/sessions/\(sessionID)/waitlist/\(entry.id)")])
    }

    /// `GET /v1/sessions/{id}/waitlist/{entry}` (`Authorization: Booking <code>`): waiting (and where), seated (and the
    /// booking, which the same code reads, moves and cancels), or left.
    func showSessionWait(_ request: HTTPRequest, id text: String, entry: String) throws(APIFailure) -> HTTPResponse {
        let sessionID = try Self.sessionID(text)
        let code = try Self.bookingCode(request)
        let wait = try run { () throws(EngineError) in try engine.sessionWait(id: entry, sessionID: sessionID, code: code) }
        return JSONBody.response(200, SessionWaitJSON(wait, code: nil))
    }

    /// `DELETE /v1/sessions/{id}/waitlist/{entry}`: leaves the list (200 with the entry as it now stands).
    func leaveSessionWaitlist(_ request: HTTPRequest, id text: String, entry: String) throws(APIFailure) -> HTTPResponse {
        let sessionID = try Self.sessionID(text)
        let code = try Self.bookingCode(request)
        let wait = try run { () throws(EngineError) in try engine.leaveSessionWaitlist(id: entry, sessionID: sessionID, code: code) }
        return JSONBody.response(200, SessionWaitJSON(wait, code: nil))
    }

    /// A session id from the path: 404 for one that is not a number.
    static func sessionID(_ text: String) throws(APIFailure) -> Int {
        guard let id = Int(text), id > 0 else { throw APIFailure(EngineError(.sessionNotFound, detail: "There is no group session \(text).")) }
        return id
    }
}

/// An entry on a full session's waiting list.
struct SessionWaitJSON: Encodable {
    let id: String
    let session: Int
    /// Only in the answer that creates the entry: the citizen's key to it, and to the seat's booking.
    let code: String?
    let state: String
    /// 1: next to be seated; only while waiting.
    let position: Int?
    /// The seat's booking, once seated.
    let booking: String?
    let joined_at: String

    init(_ wait: SessionWait, code: String?) {
        id = wait.id
        session = wait.sessionID
        self.code = code
        state = wait.state.rawValue
        position = wait.position
        booking = wait.appointmentID
        joined_at = BerlinTime.format(wait.joinedAt)
    }
}

/// `POST /v1/sessions/{id}/seats`: the citizen's contact, and the channel as for a booking.
struct SeatRequestJSON: Decodable {
    let contact: ContactJSON?
    let channel: String?
}

struct SessionListJSON: Encodable {
    let sessions: [SessionJSON]
}

/// A group session as listed: what, where, when, and its seats.
struct SessionJSON: Encodable {
    let id: Int
    let office: Int
    let service: Int
    let name_de: String
    let name_en: String?
    let start: String
    let end: String
    let seats: Int
    let seats_free: Int
    /// The helper who leads it, if one does.
    let leader: Int?

    init(_ standing: BookingEngine.SessionStanding, catalog: Catalog) {
        let session = standing.session
        id = session.id
        office = session.officeID
        service = session.serviceID
        name_de = catalog.services[session.serviceID]?.nameDE ?? ""
        name_en = catalog.services[session.serviceID]?.nameEN
        start = BerlinTime.format(standing.start)
        end = BerlinTime.format(standing.end)
        seats = session.seats
        seats_free = standing.seatsFree
        leader = session.leaderID
    }
}
