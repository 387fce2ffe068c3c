import TerminCore
import TerminEngine
import TerminHTTP
import TerminJSON

/// `GET /v1/availability?office=ID[,ID…]&service=ID[:QTY][,ID[:QTY]…]&from=YYYY-MM-DD&to=YYYY-MM-DD[&channel=…][&needs=…]`: every
/// free start; `GET /v1/availability/days?…` (the same query): per office and open day, how many and the first.
/// Both carry an `ETag` (the ledger's change counts for those office-days, the minute, and this process's epoch),
/// answer `304` to a matching `If-None-Match`, and may be cached briefly (`Cache-Control`).
extension TerminAPI {
    /// How long a shared cache may serve an online availability answer without asking again, in seconds.
    public static let availabilityMaxAgeSeconds = 5

    /// A parsed availability query.
    struct AvailabilityQuery {
        let officeIDs: [Int]
        let services: [ServiceRequest]
        let from: LocalDate
        let to: LocalDate
        let channel: Channel
        let needs: Needs
    }

    func availabilityQuery(_ request: HTTPRequest) throws(APIFailure) -> AvailabilityQuery {
        guard let officeText = request.queryValue("office"), !officeText.isEmpty else {
            throw APIFailure.malformed("office", "Name one or more offices: office=ID[,ID…].")
        }
        var officeIDs: [Int] = []
        for part in officeText.split(separator: ",", omittingEmptySubsequences: false) {
            officeIDs.append(try Self.officeID(String(part), field: "office"))
        }
        guard officeIDs.count <= Self.officesPerQueryMax else {
            throw APIFailure.invalid("office", "At most \(Self.officesPerQueryMax) offices per query.")
        }
        guard Set(officeIDs).count == officeIDs.count else { throw APIFailure.invalid("office", "An office is named twice.") }
        let services = try Self.serviceList(request.queryValue("service"))
        let from = try Self.queryDate(request, "from")
        let to = try Self.queryDate(request, "to")
        guard from <= to else { throw APIFailure.invalid("to", "to is on or after from.") }
        guard to.dayNumber - from.dayNumber < Scheduler.availabilityDaysMax else {
            throw APIFailure.invalid("to", "One query spans at most \(Scheduler.availabilityDaysMax) days.")
        }
        // Free times are no secret in any channel: the counter reads the staff channel's without a token (answered on
        // the event loop); booking in it needs one.
        let channel = try Self.channel(request.queryValue("channel"), field: "channel")
        func list(_ name: String) -> [String]? { request.queryValue(name).map { $0.split(separator: ",").map(String.init) } }
        let needs = try Self.needs(list("needs"), languages: list("languages"))
        return AvailabilityQuery(officeIDs: officeIDs, services: services, from: from, to: to, channel: channel, needs: needs)
    }

    func availability(_ request: HTTPRequest) throws(APIFailure) -> HTTPResponse {
        let query = try availabilityQuery(request)
        return try conditionalAvailability(request, query) { () throws(APIFailure) in
            let offices = try run { () throws(EngineError) in
                try engine.availability(officeIDs: query.officeIDs, services: query.services, from: query.from,
                                        to: query.to, channel: query.channel, needs: query.needs)
            }
            return Self.officesJSON(offices) { day, json in
                json += #"{"date":""#.utf8
                json += day.date.description.utf8
                json += #"","starts":["#.utf8
                for (index, start) in day.starts.enumerated() {
                    json += (index == 0 ? "\"" : ",\"").utf8
                    BerlinTime.append(start, to: &json)
                    json.append(UInt8(ascii: "\""))
                }
                json += "]}".utf8
            }
        }
    }

    func availabilityDays(_ request: HTTPRequest) throws(APIFailure) -> HTTPResponse {
        let query = try availabilityQuery(request)
        return try conditionalAvailability(request, query) { () throws(APIFailure) in
            let offices = try run { () throws(EngineError) in
                try engine.availabilityDays(officeIDs: query.officeIDs, services: query.services, from: query.from,
                                            to: query.to, channel: query.channel, needs: query.needs)
            }
            return Self.officesJSON(offices) { day, json in
                json += #"{"date":""#.utf8
                json += day.date.description.utf8
                json += #"","first":"#.utf8
                if let first = day.first {
                    json.append(UInt8(ascii: "\""))
                    BerlinTime.append(first, to: &json)
                    json.append(UInt8(ascii: "\""))
                } else {
                    json += "null".utf8
                }
                json += #","free_starts":"#.utf8
                JSONText.digits(day.freeStarts, into: &json)
                json.append(UInt8(ascii: "}"))
            }
        }
    }

    /// `{"offices":[{"days":[…],"office":ID},…]}`, each day appended by `day`. Written by hand into
    /// bytes: these are the hottest reads of the portal, and every value is a number, a date or a date-time that needs no escaping (Foundation's
    /// encoder costs more than the ledger query here).
    static func officesJSON<Day>(_ offices: [(officeID: Int, days: [Day])], day: (Day, inout [UInt8]) -> Void) -> [UInt8] {
        var json: [UInt8] = []
        json.reserveCapacity(1024)
        json += #"{"offices":["#.utf8
        for (officeIndex, office) in offices.enumerated() {
            json += (officeIndex > 0 ? #",{"days":["# : #"{"days":["#).utf8
            for (dayIndex, each) in office.days.enumerated() {
                if dayIndex > 0 { json.append(UInt8(ascii: ",")) }
                day(each, &json)
            }
            json += #"],"office":"#.utf8
            JSONText.digits(office.officeID, into: &json)
            json.append(UInt8(ascii: "}"))
        }
        json += "]}".utf8
        return json
    }

    /// Answers an availability query with its version: `304` when the client's `If-None-Match` names it, else the
    /// body (rendered once per version, `AvailabilityCache`) with `ETag` and `Cache-Control`.
    private func conditionalAvailability(_ request: HTTPRequest, _ query: AvailabilityQuery,
                                         render: () throws(APIFailure) -> [UInt8]) throws(APIFailure) -> HTTPResponse {
        // The version is read before the body is rendered, so the body is at least as new as its tag. The
        // minute is in the tag because the minimum notice and the horizon move with the clock.
        let version = engine.availabilityVersion(officeIDs: query.officeIDs, from: query.from, to: query.to)
        let minute = engine.clock.now().secondsSinceEpoch / 60
        let etag = "\"\(availabilityEpoch)-\(minute)-\(version)\""
        let cacheControl = query.channel == .online ? "public, max-age=\(Self.availabilityMaxAgeSeconds)" : "private, no-cache"
        let headers = [("ETag", etag), ("Cache-Control", cacheControl)]
        if let given = request.header("if-none-match"), Self.matches(given, etag) {
            return HTTPResponse(status: 304, headers: headers)
        }
        // Keyed by the target as the client spelled it: a portal asks in one spelling, and parsing already checked it.
        let body = try availabilityCache.body(key: request.target, etag: etag, render: render)
        return .json(200, body, headers: headers)
    }

    /// Whether an `If-None-Match` field names `etag` (a list of tags, weak or strong, or `*`; RFC 9110 13.1.2 compares
    /// weakly).
    static func matches(_ field: String, _ etag: String) -> Bool {
        field.split(separator: ",").contains { candidate in
            var tag = candidate.drop { $0 == " " || $0 == "\t" }
            while tag.last == " " || tag.last == "\t" { tag.removeLast() }
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag == etag
        }
    }

    /// `ID[:QTY][,ID[:QTY]…]`.
    static func serviceList(_ text: String?) throws(APIFailure) -> [ServiceRequest] {
        guard let text, !text.isEmpty else {
            throw APIFailure.malformed("service", "Name one or more services: service=ID[:QTY][,ID[:QTY]…].")
        }
        var services: [ServiceRequest] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            guard (1...2).contains(pieces.count), let id = Int(pieces[0]), id > 0 else {
                throw APIFailure.malformed("service", "\(part) is not ID or ID:QTY.")
            }
            guard let quantity = pieces.count == 2 ? Int(pieces[1]) : 1 else {
                throw APIFailure.malformed("service", "\(part) has a quantity that is not a number.")
            }
            services.append(ServiceRequest(serviceID: id, quantity: quantity))
        }
        return services
    }
}
