import TerminCore
import TerminHTTP
import TerminEngine

/// `POST|GET|DELETE /v1/bookings/{id}/earlier`: the earlier-time list, for the holder of the booking's code, or staff
/// of its office on the citizen's behalf (a clerk on the phone).
extension TerminAPI {
    /// Joins the list (201), or changes the latest start and needs of a booking on it (200, keeping its place). The
    /// body may be empty.
    func joinEarlierList(_ request: HTTPRequest, id: String) throws(APIFailure) -> HTTPResponse {
        let requester = try requester(request, bookingID: id)
        let body = request.body.isEmpty ? EarlierRequestJSON(latest: nil, needs: nil, languages: nil)
            : try JSONBody.decode(EarlierRequestJSON.self, from: request)
        var latest: Instant?
        if let text = body.latest {
            guard let parsed = BerlinTime.parse(text) else {
                throw APIFailure.invalid("latest", "latest is a date-time with offset, e.g. 2026-12-01T08:30:00+01:00.")
            }
            latest = parsed
        }
        let needs = try Self.needs(body.needs, languages: body.languages)
        let (standing, joined) = try run { () throws(EngineError) in
            try engine.joinEarlierList(id: id, by: requester, latestStart: latest, needs: needs)
        }
        return JSONBody.response(joined ? 201 : 200, EarlierWishJSON(standing.wish, state: standing.state, offersMax: engine.configuration.earlierList.offersMax))
    }

    func showEarlierWish(_ request: HTTPRequest, id: String) throws(APIFailure) -> HTTPResponse {
        let requester = try requester(request, bookingID: id)
        let standing = try run { () throws(EngineError) in try engine.earlierStanding(id: id, by: requester) }
        return JSONBody.response(200, EarlierWishJSON(standing.wish, state: standing.state, offersMax: engine.configuration.earlierList.offersMax))
    }

    func leaveEarlierList(_ request: HTTPRequest, id: String) throws(APIFailure) -> HTTPResponse {
        let requester = try requester(request, bookingID: id)
        try run { () throws(EngineError) in try engine.leaveEarlierList(id: id, by: requester) }
        return HTTPResponse(status: 204)
    }
}
