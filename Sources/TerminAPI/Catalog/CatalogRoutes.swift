import TerminCore
import TerminEngine
import TerminHTTP

/// `GET /v1/services`, `GET /v1/offices`, `GET /v1/offices/{id}`.
extension TerminAPI {
    func listServices(_ request: HTTPRequest) throws(APIFailure) -> HTTPResponse {
        let catalog = engine.catalog
        var services = catalog.services.values.sorted { $0.id < $1.id }
        if let text = request.queryValue("office") {
            let officeID = try Self.officeID(text, field: "office")
            let offered = catalog.offers[officeID] ?? [:]
            services = services.filter { offered[$0.id] != nil }
        }
        struct Body: Encodable { let services: [ServiceJSON] }
        return JSONBody.response(200, Body(services: services.map(ServiceJSON.init)))
    }

    func listOffices(_ request: HTTPRequest) throws(APIFailure) -> HTTPResponse {
        let catalog = engine.catalog
        var offices = catalog.offices.values.sorted { $0.id < $1.id }
        if let text = request.queryValue("service") {
            guard let serviceID = Int(text), serviceID > 0 else { throw APIFailure.malformed("service", "A service id is a positive integer.") }
            // A filter: no office offers a service that does not exist, as no service is offered at an unknown office.
            offices = catalog.services[serviceID] == nil ? [] : catalog.offices(offering: [serviceID])
        }
        if let text = request.queryValue("kind") {
            let kinds = try Self.placeKinds(text, field: "kind")
            offices = offices.filter { kinds.contains($0.kind) }
        }
        struct Body: Encodable { let offices: [OfficeJSON] }
        return JSONBody.response(200, Body(offices: offices.map { OfficeJSON($0, offers: Array((catalog.offers[$0.id] ?? [:]).values)) }))
    }

    func showOffice(_ text: String) throws(APIFailure) -> HTTPResponse {
        guard let officeID = Int(text), let office = engine.catalog.offices[officeID] else {
            throw APIFailure(.http(404, "There is no office \(text).", field: "id"))
        }
        return JSONBody.response(200, OfficeJSON(office, offers: Array((engine.catalog.offers[officeID] ?? [:]).values)))
    }

    /// Kinds of places as a query names them: `help_desk,phone`.
    static func placeKinds(_ text: String, field: String) throws(APIFailure) -> Set<Office.Kind> {
        var kinds: Set<Office.Kind> = []
        for name in text.split(separator: ",", omittingEmptySubsequences: false) {
            kinds.insert(try placeKind(String(name), field: field))
        }
        return kinds
    }

    /// A kind of place by its name; 422 naming `field` and the kinds there are for another.
    static func placeKind(_ name: String, field: String) throws(APIFailure) -> Office.Kind {
        guard let kind = Office.Kind(rawValue: name) else {
            throw APIFailure.invalid(field, "Unknown kind \(name); known: " + Office.Kind.allCases.map(\.rawValue).joined(separator: ", ") + ".")
        }
        return kind
    }

    /// An office id from a query or path: a positive integer (whether the office exists is the caller's question).
    static func officeID(_ text: String, field: String) throws(APIFailure) -> Int {
        guard let id = Int(text), id > 0 else { throw APIFailure.malformed(field, "An office id is a positive integer.") }
        return id
    }
}
