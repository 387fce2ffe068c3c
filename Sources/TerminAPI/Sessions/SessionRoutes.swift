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
    }
}
