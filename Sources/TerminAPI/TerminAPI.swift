import TerminCore
import TerminEngine
import TerminHTTP
import TerminJSON

/// The REST facade: routes requests to the booking engine and answers JSON or problem+json.
public struct TerminAPI: Sendable {
    /// Most offices one availability query may name.
    public static let officesPerQueryMax = 20

    public let engine: BookingEngine
    /// The office queues and counters.
    public let counters: CounterEngine
    /// Staff accounts: `Authorization: Bearer <token>` on staff routes and staff-channel bookings.
    public let staff: StaffDirectory
    /// Release rounds and the requests they collect.
    public let rounds: RoundEngine
    /// Abuse controls of the API (proof of work).
    public let protection: Protection
    /// What `GET /metrics` shows; give the same registry to the HTTP server so it counts the requests.
    public let metrics: HTTPMetrics
    /// Whether the database is reachable now (`GET /readyz`).
    let databaseReachable: @Sendable () -> Bool
    /// Rendered availability answers by query and version.
    let availabilityCache = AvailabilityCache()
    /// Random per process, in every availability `ETag`: the ledger's change counts start again at a restart.
    let availabilityEpoch = String(UInt32.random(in: 0...UInt32.max), radix: 36)

    /// The API over an assembled engine; its figures go to `metrics`.
    /// - Parameter databaseReachable: what `GET /readyz` answers from (the composition root's database supervisor).
    public init(assembly: EngineAssembly, metrics: HTTPMetrics = HTTPMetrics(), protection: Protection = Protection(),
                databaseReachable: @escaping @Sendable () -> Bool = { true }) {
        self.protection = protection
        self.databaseReachable = databaseReachable
        engine = assembly.engine
        counters = assembly.counters
        staff = assembly.staff
        rounds = assembly.rounds
        self.metrics = metrics
        metrics.register("termin_ledger_appointments", help: "Holds and bookings the in-memory ledger holds time for.") {
            Double(assembly.statistics.ledgerAppointments)
        }
        metrics.register("termin_ledger_events_applied_total", help: "Ledger notifications applied (all instances).",
                         type: "counter") { Double(assembly.statistics.ledgerEventsApplied) }
        metrics.register("termin_ledger_resynchronisations_total",
                         help: "Times the ledger notifications were lost and the ledger was brought to the database again.",
                         type: "counter") { Double(assembly.statistics.ledgerResynchronisations) }
        metrics.register("termin_commit_batches_total", help: "Transactions written by the group-commit writer.",
                         type: "counter") { Double(assembly.statistics.commit.batches) }
        metrics.register("termin_commit_entries_total", help: "Plans (holds, bookings, changes) written by the group-commit writer.",
                         type: "counter") { Double(assembly.statistics.commit.entries) }
        metrics.register("termin_commit_batch_largest", help: "Most holds and bookings in one commit so far.") {
            Double(assembly.statistics.commit.largestBatch)
        }
        metrics.register("termin_earlier_offers_total", help: "Earlier times held for bookings on the earlier-time list.",
                         type: "counter") { [engine = assembly.engine] in Double(engine.earlierOffersMade) }
    }

    /// The answer of `GET /healthz`.
    static let healthy = JSONValue.object(["status": .string("ok")]).bytes
    /// The answer of `GET /readyz` while the database is reachable.
    static let ready = JSONValue.object(["status": .string("ready")]).bytes

    /// `GET /readyz`: 200 while the database is reachable, else 503 (writes wait for it; reads answer from memory).
    func readiness() -> HTTPResponse {
        guard databaseReachable() else {
            return APIFailure(ProblemDetails(type: APIFailure.typeBase + "unavailable", title: "Temporarily unavailable",
                                             status: 503, detail: "The database is not reachable; bookings wait for it.",
                                             field: nil), headers: [("Retry-After", "2")]).response
        }
        return .json(200, Self.ready)
    }

    /// Every route of the API. Routes that read only memory (catalogue, availability from the ledger, health,
    /// metrics) are `inline`: answered on the event loop. Routes that touch the database run on the workers.
    public func router() -> Router {
        var router = Router()
        router.add("GET", "/healthz", inline: true) { _, _ in .json(200, Self.healthy) }
        router.add("GET", "/readyz", inline: true) { _, _ in readiness() }
        router.add("GET", "/v1/openapi.json", inline: true) { _, _ in .json(200, OpenAPIDocument.bytes) }
        router.add("GET", "/metrics", inline: true) { [metrics] _, _ in
            HTTPResponse(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")],
                         body: Array(metrics.render().utf8))
        }
        router.add("GET", "/v1/services", inline: true) { request, _ in respond { try listServices(request) } }
        router.add("GET", "/v1/offices", inline: true) { request, _ in respond { try listOffices(request) } }
        router.add("GET", "/v1/offices/{id}", inline: true) { _, parameters in respond { try showOffice(parameters["id"]!) } }
        router.add("GET", "/v1/availability", inline: true) { request, _ in respond { try availability(request) } }
        router.add("GET", "/v1/availability/days", inline: true) { request, _ in respond { try availabilityDays(request) } }
        router.add("POST", "/v1/holds") { request, _ in respond { try createHold(request) } }
        router.add("POST", "/v1/bookings", deferring: { request, _, later in createBookingDeferring(request, later: later) }) { request, _ in
            respond { try createBooking(request) }
        }
        router.add("GET", "/v1/bookings/{id}") { request, parameters in
            respond { try showBooking(request, id: parameters["id"]!) }
        }
        router.add("DELETE", "/v1/bookings/{id}") { request, parameters in
            respond { try cancelBooking(request, id: parameters["id"]!) }
        }
        router.add("POST", "/v1/bookings/{id}/move", deferring: { request, parameters, later in
            moveBookingDeferring(request, id: parameters["id"]!, later: later)
        }) { request, parameters in
            respond { try moveBooking(request, id: parameters["id"]!) }
        }
        router.add("POST", "/v1/bookings/{id}/earlier") { request, parameters in
            respond { try joinEarlierList(request, id: parameters["id"]!) }
        }
        router.add("GET", "/v1/bookings/{id}/earlier") { request, parameters in
            respond { try showEarlierWish(request, id: parameters["id"]!) }
        }
        router.add("DELETE", "/v1/bookings/{id}/earlier") { request, parameters in
            respond { try leaveEarlierList(request, id: parameters["id"]!) }
        }
        router.add("GET", "/v1/sessions", inline: true) { request, _ in respond { try listSessions(request) } }
        router.add("POST", "/v1/sessions/{id}/seats") { request, parameters in
            respond { try takeSeat(request, id: parameters["id"]!) }
        }
        router.add("POST", "/v1/sessions/{id}/waitlist") { request, parameters in
            respond { try joinSessionWaitlist(request, id: parameters["id"]!) }
        }
        router.add("GET", "/v1/sessions/{id}/waitlist/{entry}") { request, parameters in
            respond { try showSessionWait(request, id: parameters["id"]!, entry: parameters["entry"]!) }
        }
        router.add("DELETE", "/v1/sessions/{id}/waitlist/{entry}") { request, parameters in
            respond { try leaveSessionWaitlist(request, id: parameters["id"]!, entry: parameters["entry"]!) }
        }
        router.add("GET", "/v1/bookings/{id}/calendar.ics") { request, parameters in
            respond { try calendar(request, id: parameters["id"]!) }
        }
        router.add("GET", "/v1/challenge", inline: true) { _, _ in respond { try challenge() } }
        router.add("POST", "/v1/requests") { request, _ in respond { try createRequest(request) } }
        router.add("GET", "/v1/requests/{id}") { request, parameters in
            respond { try showRequest(request, id: parameters["id"]!) }
        }
        router.add("POST", "/v1/rounds") { request, _ in respond { try createRound(request) } }
        router.add("GET", "/v1/rounds", inline: true) { _, _ in respond { try listRounds() } }
        router.add("GET", "/v1/rounds/{id}") { _, parameters in respond { try showRound(parameters["id"]!) } }
        addCounterRoutes(to: &router)
        addOpenDataRoutes(to: &router)
        addOutboxRoutes(to: &router)
        addMasterDataRoutes(to: &router)
        addHelpMasterDataRoutes(to: &router)
        addWebhookRoutes(to: &router)
        return router
    }

    /// Runs a handler body, turning its failure into the one problem answer. Handlers only throw `APIFailure`;
    /// anything else is a defect, answered 500 without details.
    func respond(_ body: () throws -> HTTPResponse) -> HTTPResponse {
        do {
            return try body()
        } catch let failure as APIFailure {
            return failure.response
        } catch {
            assertionFailure("a handler threw \(error)")
            return .problem(.http(500, "Something went wrong on our side."))
        }
    }

    /// Runs an engine call, turning its error into an API failure.
    func run<T>(_ body: () throws(EngineError) -> T) throws(APIFailure) -> T {
        do { return try body() } catch { throw APIFailure(error) }
    }

    /// The date in query parameter `name` (YYYY-MM-DD): a 400 naming it when it is missing or not a date.
    static func queryDate(_ request: HTTPRequest, _ name: String) throws(APIFailure) -> LocalDate {
        guard let text = request.queryValue(name), let date = LocalDate(iso: text) else {
            throw APIFailure.malformed(name, "\(name) is a date, YYYY-MM-DD.")
        }
        return date
    }

    /// The channel a request names (online when it names none).
    static func channel(_ name: String?, field: String) throws(APIFailure) -> Channel {
        guard let name else { return .online }
        guard let channel = Channel(rawValue: name) else {
            throw APIFailure.invalid(field, "The channel is one of online, staff, walk_in.")
        }
        return channel
    }

    /// The channel a hold or booking at `officeID` asks for, and who books on the citizen's behalf: anything but online
    /// needs a staff token (`Authorization: Bearer <token>`) of someone who may book there for a citizen (a clerk,
    /// lead or helper of that office, an admin, an intermediary at a help place).
    func bookingChannel(_ name: String?, field: String, officeID: Int, _ request: HTTPRequest) throws(APIFailure)
        -> (channel: Channel, staff: StaffMember?) {
        let channel = try Self.channel(name, field: field)
        guard channel != .online else { return (.online, nil) }
        let member = try staffMember(request)
        try run { () throws(EngineError) in
            if let office = engine.catalog.offices[officeID] {
                try staff.authorizeBooking(member, at: office)
            } else {
                try staff.authorize(member, .bookOnBehalf, officeID: officeID)
            }
        }
        return (channel, member)
    }

    /// The staff member whose bearer token the request carries: 401 without a valid one.
    func staffMember(_ request: HTTPRequest) throws(APIFailure) -> StaffMember {
        let token = Self.credential(request, scheme: "Bearer")
        return try run { () throws(EngineError) in try staff.authenticate(token: token) }
    }

    /// The staff member if the request carries a bearer token (which must then be valid), else `nil`.
    func optionalStaffMember(_ request: HTTPRequest) throws(APIFailure) -> StaffMember? {
        request.header("authorization") == nil ? nil : try staffMember(request)
    }

    /// The credential after `scheme` in the Authorization header (scheme matched case-insensitively).
    static func credential(_ request: HTTPRequest, scheme: String) -> String? {
        guard let header = request.header("authorization") else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == scheme.lowercased() else { return nil }
        let value = parts[1].trimmingCharacters(in: .whitespaces)
        return value.isEmpty ? nil : value
    }
}
