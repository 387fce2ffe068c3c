import TerminCore
import TerminEngine
import TerminHTTP

/// `POST /v1/requests` (a flexible request: placed at once, or collected by a release round) and
/// `GET /v1/requests/{id}` (a collected request's state, with `Authorization: Booking <code>`).
extension TerminAPI {
    func createRequest(_ request: HTTPRequest) throws(APIFailure) -> HTTPResponse {
        try requireProofOfWork(request)
        let body = try JSONBody.decode(FlexibleRequestJSON.self, from: request)
        let (flexible, contact) = try flexibleRequest(body)
        let pseudonym = try pseudonym(request)
        if let collected = try run({ () throws(EngineError) in try rounds.collect(flexible, contact: contact, pseudonym: pseudonym) }) {
            return JSONBody.response(202, CollectedJSON(id: collected.id, code: collected.code,
                                                        round: RoundJSON(collected.round, now: engine.clock.now())),
                                     headers: [("Location", "/v1/requests/\(collected.id)")])
        }
        let booking = try run { () throws(EngineError) in try engine.place(flexible, channel: .online, contact: contact, pseudonym: pseudonym)
        }
        return Self.booked(booking)
    }

    func showRequest(_ request: HTTPRequest, id: String) throws(APIFailure) -> HTTPResponse {
        let code = try Self.bookingCode(request)
        let (stored, round, booking) = try run { () throws(EngineError) in try rounds.request(id: id, code: code) }
        return JSONBody.response(200, RequestStateJSON(
            id: stored.id, state: stored.outcome.rawValue, round: RoundJSON(round, now: engine.clock.now()),
            lottery_rank: stored.lotteryRank, carried_to: stored.carriedTo,
            booking: booking.map { BookingJSON($0, code: nil) }))
    }

    /// The request checked: services, offices (or the offices near a point), windows, needs, contact.
    func flexibleRequest(_ body: FlexibleRequestJSON) throws(APIFailure) -> (FlexibleRequest, Appointment.Contact?) {
        let services = body.services.map(\.request)
        let needs = try Self.needs(body.needs, languages: body.languages)
        var officeIDs: [Int]
        switch (body.offices, body.near) {
        case (let offices?, nil):
            guard (1...FlexibleRequest.officesMax).contains(offices.count) else {
                throw APIFailure.invalid("offices", "Rank 1 to \(FlexibleRequest.officesMax) offices.")
            }
            guard Set(offices).count == offices.count else { throw APIFailure.invalid("offices", "An office is named twice.") }
            officeIDs = offices
        case (nil, let near?):
            guard (-90...90).contains(near.lat) else { throw APIFailure.invalid("near.lat", "A latitude lies from -90 to 90.") }
            guard (-180...180).contains(near.lon) else { throw APIFailure.invalid("near.lon", "A longitude lies from -180 to 180.") }
            guard near.km > 0, near.km <= Catalog.nearKmMax else {
                throw APIFailure.invalid("near.km", "The distance is more than 0 and at most \(Int(Catalog.nearKmMax)) km.")
            }
            var kinds = Set(Office.Kind.allCases)
            if let names = body.kinds {
                kinds = []
                for (index, name) in names.enumerated() { kinds.insert(try Self.placeKind(name, field: "kinds[\(index)]")) }
            }
            officeIDs = engine.catalog.officesNear(.init(lat: near.lat, lon: near.lon), km: near.km, services: services,
                                                   channel: .online, needs: needs, kinds: kinds)
            guard !officeIDs.isEmpty else {
                throw APIFailure.invalid("near", "No office within \(near.km) km offers these services online.")
            }
        default:
            throw APIFailure.invalid("offices", "Send offices (ranked) or near, one of them.")
        }
        guard body.kinds == nil || body.near != nil else {
            throw APIFailure.invalid("kinds", "kinds chooses among the places near a point: send it with near.")
        }
        let contact = try Self.contact(body.contact)
        if let callBack = officeIDs.first(where: { engine.catalog.offices[$0]?.kind == .phone }), contact?.phone == nil {
            throw APIFailure.invalid("contact.phone", "\(engine.catalog.offices[callBack]!.displayName) calls the citizen back: give contact.phone.")
        }
        for (index, officeID) in officeIDs.enumerated() where engine.catalog.offices[officeID] == nil {
            throw APIFailure.invalid("offices[\(index)]", "There is no office \(officeID).")
        }
        guard (1...FlexibleRequest.windowsMax).contains(body.windows.count) else {
            throw APIFailure.invalid("windows", "Give 1 to \(FlexibleRequest.windowsMax) windows.")
        }
        var windows: [FlexibleRequest.Window] = []
        for (index, window) in body.windows.enumerated() {
            let field = "windows[\(index)]"
            guard let from = BerlinTime.parse(window.from) else {
                throw APIFailure.invalid(field + ".from", "A date-time with offset, e.g. 2026-12-01T08:00:00+01:00.")
            }
            guard let to = BerlinTime.parse(window.to) else {
                throw APIFailure.invalid(field + ".to", "A date-time with offset, e.g. 2026-12-01T12:00:00+01:00.")
            }
            guard from < to else { throw APIFailure.invalid(field + ".to", "to is after from.") }
            guard to.secondsSinceEpoch - from.secondsSinceEpoch <= Int64(FlexibleRequest.windowDaysMax) * 86_400 else {
                throw APIFailure.invalid(field + ".to", "A window spans at most \(FlexibleRequest.windowDaysMax) days.")
            }
            windows.append(FlexibleRequest.Window(from: from, to: to))
        }
        return (FlexibleRequest(services: services, officeIDs: officeIDs, windows: windows, needs: needs), contact)
    }
}
