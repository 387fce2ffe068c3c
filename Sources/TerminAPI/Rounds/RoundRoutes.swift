import TerminCore
import TerminEngine
import TerminHTTP
import TerminJSON

/// `POST /v1/rounds` (leads and admins define a release round), `GET /v1/rounds` (the rounds not yet closed) and
/// `GET /v1/rounds/{id}` (a round; once closed, its report with the seed).
extension TerminAPI {
    /// `POST /v1/rounds`.
    struct RoundDefinitionJSON: Decodable {
        let name: String
        let offices: [Int]
        let services: [Int]
        let first_date: String
        let last_date: String
        let opens_at: String
        let closes_at: String
    }

    func createRound(_ request: HTTPRequest) throws(APIFailure) -> HTTPResponse {
        let member = try staffMember(request)
        let body = try JSONBody.decode(RoundDefinitionJSON.self, from: request)
        func date(_ text: String, _ field: String) throws(APIFailure) -> LocalDate {
            guard let date = LocalDate(iso: text) else { throw APIFailure.invalid(field, "A date, YYYY-MM-DD.") }
            return date
        }
        func instant(_ text: String, _ field: String) throws(APIFailure) -> Instant {
            guard let instant = BerlinTime.parse(text) else {
                throw APIFailure.invalid(field, "A date-time with offset, e.g. 2026-12-01T07:00:00+01:00.")
            }
            return instant
        }
        let definition = RoundEngine.Definition(
            name: body.name, officeIDs: body.offices, serviceIDs: body.services,
            firstDate: try date(body.first_date, "first_date"), lastDate: try date(body.last_date, "last_date"),
            opensAt: try instant(body.opens_at, "opens_at"), closesAt: try instant(body.closes_at, "closes_at"))
        let round = try run { () throws(EngineError) in try rounds.create(definition, by: member) }
        return JSONBody.response(201, RoundJSON(round, now: engine.clock.now()), headers: [("Location", "/v1/rounds/\(round.id)")])
    }

    func listRounds() throws(APIFailure) -> HTTPResponse {
        let now = engine.clock.now()
        return JSONBody.response(200, ["rounds": engine.rounds.rounds.sorted { $0.id < $1.id }.map { RoundJSON($0, now: now) }])
    }

    func showRound(_ idText: String) throws(APIFailure) -> HTTPResponse {
        guard let id = Int(idText), id > 0 else { throw APIFailure.malformed("id", "A round id is a positive integer.") }
        let (round, report) = try run { () throws(EngineError) in try rounds.round(id: id) }
        // A round holds no NaN or infinity, so encoding cannot fail.
        var json = try! JSONBody.encoder.encodeValue(RoundJSON(round, now: engine.clock.now()))
        if let report, case .object(var members) = json {
            // The report is PostgreSQL's text of a jsonb column, so it is JSON; it is read and written again (keys
            // sorted like the rest) rather than spliced in.
            guard let value = try? JSONReader.parse(Array(report.utf8)) else { preconditionFailure("a jsonb column's text is JSON") }
            members.append(JSONValue.Member(key: "report", value: value))
            json = .object(members)
        }
        return .json(200, json.bytes)
    }
}
