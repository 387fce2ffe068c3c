import TerminCore
import TerminEngine
import TerminHTTP

/// `GET /v1/availability?office=ID[,ID…]&service=ID[:QTY][,ID[:QTY]…]&from=YYYY-MM-DD&to=YYYY-MM-DD[&channel=…]`.
extension TerminAPI {
    func availability(_ request: HTTPRequest) throws(APIFailure) -> HTTPResponse {
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
        guard let fromText = request.queryValue("from"), let from = LocalDate(iso: fromText) else {
            throw APIFailure.malformed("from", "from is a date, YYYY-MM-DD.")
        }
        guard let toText = request.queryValue("to"), let to = LocalDate(iso: toText) else {
            throw APIFailure.malformed("to", "to is a date, YYYY-MM-DD.")
        }
        guard from <= to else { throw APIFailure.invalid("to", "to is on or after from.") }
        guard to.dayNumber - from.dayNumber < Scheduler.availabilityDaysMax else {
            throw APIFailure.invalid("to", "One query spans at most \(Scheduler.availabilityDaysMax) days.")
        }
        let channel = try channel(request.queryValue("channel"), field: "channel", request)
        let offices = try run { () throws(EngineError) in
            try engine.availability(officeIDs: officeIDs, services: services, from: from, to: to, channel: channel)
        }
        // Written by hand: the hottest read of the portal, and every value is a number or a date-time that needs
        // no escaping (Foundation's encoder costs more than the ledger query here).
        var json = #"{"offices":["#
        for (officeIndex, office) in offices.enumerated() {
            json += (officeIndex > 0 ? "," : "") + #"{"days":["#
            for (dayIndex, day) in office.days.enumerated() {
                json += (dayIndex > 0 ? "," : "") + #"{"date":""# + day.date.description + #"","starts":["#
                json += day.starts.map { "\"" + BerlinTime.format($0) + "\"" }.joined(separator: ",")
                json += "]}"
            }
            json += #"],"office":"# + String(office.officeID) + "}"
        }
        json += "]}"
        return .json(200, Array(json.utf8))
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
