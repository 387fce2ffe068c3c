import TerminCore
import TerminEngine
import TerminHTTP
import TerminJSON

/// `GET /v1/open-data/office-days` (JSON) and `GET /v1/open-data/office-days.csv`: per public office and complete
/// day, appointments and cancellations by channel, no-shows, walk-ins, served, the median walk-in wait and how far
/// ahead the next free online appointment lay; counts of 1 to 4 people left out. Public, under an open licence.
extension TerminAPI {
    /// The licence the figures are published under (Germany's open data licence with attribution).
    static let openDataLicence = (name: "Datenlizenz Deutschland – Namensnennung – Version 2.0", id: "dl-de/by-2-0",
                                  url: "https://www.govdata.de/dl-de/by-2-0")

    /// The columns of the CSV, in order; the JSON names the same figures.
    static let openDataColumns = ["office", "office_name", "date", "appointments_online", "appointments_staff",
                                  "appointments_walk_in", "cancellations_online", "cancellations_staff",
                                  "cancellations_walk_in", "no_shows", "walk_ins", "served", "median_wait_minutes",
                                  "next_free_online_days"]

    func addOpenDataRoutes(to router: inout Router) {
        router.add("GET", "/v1/open-data/office-days") { request, _ in respond { try openDataJSON(request) } }
        router.add("GET", "/v1/open-data/office-days.csv") { request, _ in respond { try openDataCSV(request) } }
    }

    /// The days asked for (`from`, `to`: dates, both required).
    func openDataRows(_ request: HTTPRequest) throws(APIFailure) -> (from: LocalDate, to: LocalDate, rows: [PublishedOfficeDay]) {
        let from = try Self.queryDate(request, "from")
        let to = try Self.queryDate(request, "to")
        return (from, to, try run { () throws(EngineError) in try engine.openData(from: from, to: to) })
    }

    /// The answers' headers: the licence as a link, cacheable for an hour (past days do not change).
    static var openDataHeaders: [(name: String, value: String)] {
        [("Link", "<\(openDataLicence.url)>; rel=\"license\""), ("Cache-Control", "public, max-age=3600")]
    }

    func openDataJSON(_ request: HTTPRequest) throws(APIFailure) -> HTTPResponse {
        let (from, to, rows) = try openDataRows(request)
        let count = { (value: Int?) -> JSONValue in value.map(JSONValue.int) ?? .null }
        let byChannel = { (values: [Int?]) -> JSONValue in
            .object(zip(Channel.allCases, values).map { JSONValue.Member(key: $0.rawValue, value: count($1)) })
        }
        let days = rows.map { row in
            JSONValue.object([
                "office": .int(row.officeID), "office_name": .string(engine.catalog.offices[row.officeID]?.displayName ?? ""),
                "date": .string(row.date.description),
                "appointments": byChannel(row.appointments), "cancellations": byChannel(row.cancellations),
                "no_shows": count(row.noShows), "walk_ins": count(row.walkIns), "served": count(row.served),
                "median_wait_minutes": count(row.medianWaitMinutes), "next_free_online_days": count(row.nextFreeOnlineDays),
            ])
        }
        let body = JSONValue.object([
            "licence": .object(["name": .string(Self.openDataLicence.name), "id": .string(Self.openDataLicence.id),
                                "url": .string(Self.openDataLicence.url)]),
            "from": .string(from.description), "to": .string(to.description),
            "suppressed_below": .int(OfficeDayFigures.countSuppressedBelow),
            "office_days": .array(days),
        ])
        return .json(200, body.bytes, headers: Self.openDataHeaders)
    }

    /// RFC 4180 CSV with a header line; an empty cell is a suppressed count (1 to 4) or a figure not recorded.
    func openDataCSV(_ request: HTTPRequest) throws(APIFailure) -> HTTPResponse {
        let (_, _, rows) = try openDataRows(request)
        var text = Self.openDataColumns.joined(separator: ",") + "\r\n"
        let cell = { (value: Int?) -> String in value.map(String.init) ?? "" }
        for row in rows {
            let name = engine.catalog.offices[row.officeID]?.displayName ?? ""
            let cells = [String(row.officeID), Self.csvField(name), row.date.description]
                + row.appointments.map(cell) + row.cancellations.map(cell)
                + [row.noShows, row.walkIns, row.served, row.medianWaitMinutes, row.nextFreeOnlineDays].map(cell)
            assert(cells.count == Self.openDataColumns.count)
            text += cells.joined(separator: ",") + "\r\n"
        }
        return HTTPResponse(status: 200, headers: [("Content-Type", "text/csv; charset=utf-8; header=present")] + Self.openDataHeaders,
                            body: Array(text.utf8))
    }

    /// A CSV field, quoted (and its quotes doubled) when it holds a comma, quote or line break.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + String(text.flatMap { $0 == "\"" ? ["\"", "\""] : [$0] }) + "\""
    }
}
