import TerminCore
import TerminSolver
import TerminStore

/// Release rounds: staff define them, requests touching their office-days are collected while they are open, and
/// at the close the solver allocates all of them at once (`RoundAllocation`), the lottery breaking ties. The close is
/// one database transaction holding the round's row lock, so two instances never both close a round and a crash
/// during the close neither loses nor duplicates an allocation (the round simply closes again after the restart).
public final class RoundEngine: Sendable {
    /// Defaults a deployment may change.
    public struct Configuration: Sendable {
        /// Most wall-clock seconds the solver spends on one round's close.
        public var solverSecondsMax: Double = 2
        /// Most improvement iterations of the solver on one close (keeps small rounds quick and repeatable).
        public var solverIterationsMax = 20_000
        /// Most requests one round collects; beyond, new requests are refused (409).
        public var requestsPerRoundMax = 100_000
        /// Pause between two looks for rounds to close (and for other instances' new rounds), in seconds.
        public var intervalSeconds = 1.0
        public init() {}
    }

    /// Most rounds a carried-over request gains priority from (the boost is bounded so the urgent stay first).
    public static let boostMax = 2

    let booking: BookingEngine
    let pool: DatabasePool
    let staff: StaffDirectory
    let configuration: Configuration
    private let log: @Sendable (String) -> Void
    private let lifecycle = LoopLifecycle()

    public init(booking: BookingEngine, staff: StaffDirectory, configuration: Configuration = .init(),
                log: @escaping @Sendable (String) -> Void = { _ in }) throws {
        self.booking = booking
        self.pool = booking.pool
        self.staff = staff
        self.configuration = configuration
        self.log = log
        try refresh()
    }

    var gate: RoundGate { booking.rounds }
    var clock: any WallClock { booking.clock }

    // MARK: Defining rounds

    /// What staff send to define a round.
    public struct Definition: Sendable {
        public var name: String
        public var officeIDs: [Int]
        public var serviceIDs: [Int]
        public var firstDate: LocalDate
        public var lastDate: LocalDate
        public var opensAt: Instant
        public var closesAt: Instant
        public init(name: String, officeIDs: [Int], serviceIDs: [Int], firstDate: LocalDate, lastDate: LocalDate,
                    opensAt: Instant, closesAt: Instant) {
            self.name = name
            self.officeIDs = officeIDs
            self.serviceIDs = serviceIDs
            self.firstDate = firstDate
            self.lastDate = lastDate
            self.opensAt = opensAt
            self.closesAt = closesAt
        }
    }

    /// Defines a round (leads and admins of every office in it). Its seed is drawn now; the commitment is public.
    public func create(_ definition: Definition, by member: StaffMember) throws(EngineError) -> ReleaseRound {
        let catalog = booking.catalog
        let now = clock.now()
        for (index, officeID) in definition.officeIDs.enumerated() {
            guard catalog.offices[officeID] != nil else {
                throw EngineError(.invalid, field: "offices[\(index)]", detail: "There is no office \(officeID).")
            }
            try staff.authorize(member, .manageRounds, officeID: officeID)
        }
        try check(definition, now: now)
        let seed = Secret.bytes(count: 32)
        let round: ReleaseRound
        do {
            round = try pool.withConnection { db in
                try RoundRepository.create(name: definition.name, officeIDs: definition.officeIDs, serviceIDs: definition.serviceIDs,
                                           firstDate: definition.firstDate, lastDate: definition.lastDate,
                                           opensAt: definition.opensAt, closesAt: definition.closesAt, seed: seed,
                                           createdBy: member.id, now: now, db)
            }
        } catch {
            throw EngineError(.unavailable, detail: "The round could not be stored: \(error)")
        }
        gate.update(round)
        return round
    }

    /// The rules a definition keeps, each failure naming its field.
    private func check(_ definition: Definition, now: Instant) throws(EngineError) {
        let catalog = booking.catalog
        guard (1...200).contains(definition.name.count) else {
            throw EngineError(.invalid, field: "name", detail: "A round's name has 1 to 200 characters.")
        }
        guard (1...ReleaseRound.officesMax).contains(definition.officeIDs.count), Set(definition.officeIDs).count == definition.officeIDs.count else {
            throw EngineError(.invalid, field: "offices", detail: "Name 1 to \(ReleaseRound.officesMax) distinct offices.")
        }
        let grids = Set(definition.officeIDs.map { catalog.offices[$0]!.slotMinutes })
        guard grids.count == 1 else {
            throw EngineError(.invalid, field: "offices", detail: "A round's offices share one time grid; these use \(grids.sorted()) minutes.")
        }
        guard (1...ReleaseRound.servicesMax).contains(definition.serviceIDs.count), Set(definition.serviceIDs).count == definition.serviceIDs.count else {
            throw EngineError(.invalid, field: "services", detail: "Name 1 to \(ReleaseRound.servicesMax) distinct services.")
        }
        for (index, serviceID) in definition.serviceIDs.enumerated() {
            guard definition.officeIDs.contains(where: { catalog.offers[$0]?[serviceID] != nil }) else {
                throw EngineError(.invalid, field: "services[\(index)]", detail: "No office of the round offers service \(serviceID).")
            }
        }
        guard definition.firstDate <= definition.lastDate else {
            throw EngineError(.invalid, field: "last_date", detail: "last_date is on or after first_date.")
        }
        guard definition.lastDate.dayNumber - definition.firstDate.dayNumber < ReleaseRound.datesMax else {
            throw EngineError(.invalid, field: "last_date", detail: "A round allocates at most \(ReleaseRound.datesMax) days.")
        }
        guard definition.opensAt < definition.closesAt else {
            throw EngineError(.invalid, field: "closes_at", detail: "closes_at is after opens_at.")
        }
        guard now < definition.closesAt else {
            throw EngineError(.invalid, field: "closes_at", detail: "closes_at is in the future.")
        }
        guard BerlinTime.local(definition.closesAt).date < definition.firstDate else {
            throw EngineError(.invalid, field: "closes_at", detail: "A round closes before the first day it allocates.")
        }
        let overlapping = gate.rounds.first { other in
            other.officeIDs.contains(where: definition.officeIDs.contains)
                && !other.serviceIDs.isDisjoint(with: definition.serviceIDs)
                && other.firstDate <= definition.lastDate && definition.firstDate <= other.lastDate
        }
        if let overlapping {
            throw EngineError(.invalid, field: "first_date",
                              detail: "Round \(overlapping.id) (\(overlapping.name)) already allocates some of these office-days.")
        }
    }

    // MARK: Collecting

    /// Refuses a request that no office of `round` it names can serve online as asked: such a request could never be
    /// placed, and its close would have nothing to place it with.
    private func requireServable(_ request: FlexibleRequest, in round: ReleaseRound) throws(EngineError) {
        let catalog = booking.catalog
        var refusal: SchedulingError?
        for officeID in request.officeIDs where round.officeIDs.contains(officeID) {
            do {
                _ = try catalog.shape(officeID: officeID, services: request.services, channel: .online, needs: request.needs)
                return
            } catch {
                refusal = refusal ?? error
            }
        }
        if let refusal { throw EngineError(refusal) }
    }

    /// A request a round collected: its id, the code that reads it (shown once), and the round.
    public struct Collected: Sendable {
        public let id: String
        public let code: String
        public let round: ReleaseRound
    }

    /// Collects `request` if it touches a round not yet closed; `nil` when none does (then it is placed at once).
    /// With per-identity caps on, the citizen (`pseudonym`, else the contact e-mail) may have one open request per
    /// service, and must be within the booking caps as it is collected.
    /// - Throws: `allocatedByRound` when the round it touches is not open (not yet, or closing); the scheduling error
    ///   (422) when no office of the round it names can serve it online as asked (services, quantities, needs), as a
    ///   request placed at once would be refused; `requestOpen`, `bookingLimit`, `coolingDown` over a cap.
    public func collect(_ request: FlexibleRequest, contact: Appointment.Contact?, pseudonym: String? = nil)
        throws(EngineError) -> Collected? {
        let now = clock.now()
        guard let round = gate.rounds.first(where: { $0.touches(request) }) else { return nil }
        guard round.phase(at: now) == .open else { throw EngineError(RoundGate.refusal(round, now: now)) }
        try requireServable(request, in: round)
        let capped = try booking.cappedIdentity(pseudonym: pseudonym, contact: contact, channel: .online)
        let id = Secret.newID(), code = booking.codes.code(for: id)
        do {
            let stored = try pool.transaction { db -> Bool in
                // A share lock on the round keeps its close (FOR UPDATE) out until this request is in, and a round
                // another instance closed meanwhile takes nothing more. Requests arriving together may pass the cap
                // by their number.
                guard try RoundRepository.lockOpenForRequest(roundID: round.id, db),
                      try RoundRepository.requestCount(roundID: round.id, db) < configuration.requestsPerRoundMax else { return false }
                if let capped {
                    try IdentityRepository.lock([capped.identity], db)
                    try booking.checkCaps(capped, serviceIDs: request.services.map(\.serviceID), now: now, db)
                }
                try RoundRepository.insertRequest(id: id, roundID: round.id, request: request, boost: 0, code: code,
                                                  contact: contact, identity: capped?.identity, now: now, db)
                if let capped, let serviceID = try IdentityRepository.claimOpenRequest(
                    capped.identity, serviceIDs: request.services.map(\.serviceID), requestID: id, db) {
                    throw EngineError(.openRequest(serviceID: serviceID), identity: capped.identity,
                                      services: request.services.map(\.serviceID), now: now)
                }
                return true
            }
            guard stored else {
                throw EngineError(SchedulingError(.allocatedByRound, field: "windows",
                                                  detail: "Round \(round.id) is closed or has collected all the requests it takes."))
            }
        } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError(.unavailable, detail: "The request could not be stored: \(error)")
        }
        return Collected(id: id, code: code, round: round)
    }

    /// A collected request and, once it won, its booking.
    public func request(id: String, code: String) throws(EngineError)
        -> (stored: RoundRequest, round: ReleaseRound, booking: Appointment?) {
        do {
            return try pool.withConnection { db in
                guard let stored = try RoundRepository.request(id: id, code: code, db),
                      let round = try RoundRepository.round(id: stored.roundID, db)?.round else {
                    throw EngineError(.requestNotFound, detail: "There is no request \(id) for this code.")
                }
                let booking = try stored.appointmentID.flatMap { try AppointmentRepository.fetch(id: $0, db) }
                return (stored, round, booking)
            }
        } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError(.unavailable, detail: "The request could not be read: \(error)")
        }
    }

    // MARK: Reports

    /// A round with its report once closed (JSON text: counts, seed; no personal data).
    public func round(id: Int) throws(EngineError) -> (round: ReleaseRound, report: String?) {
        let found: (round: ReleaseRound, report: String?)?
        do { found = try pool.withConnection { try RoundRepository.round(id: id, $0) } } catch {
            throw EngineError(.unavailable, detail: "The round could not be read: \(error)")
        }
        guard let found else { throw EngineError(.roundNotFound, detail: "There is no round \(id).") }
        return found
    }

    // MARK: Closing

    /// Re-reads the unclosed rounds (other instances define rounds too).
    public func refresh() throws {
        gate.replace(try pool.withConnection { try RoundRepository.unclosed($0) })
    }

    /// Closes every round that is due. Returns the ids closed by this call.
    @discardableResult
    public func closeDue() throws -> [Int] {
        let now = clock.now()
        var closed: [Int] = []
        for round in gate.rounds where round.phase(at: now) == .due {
            if try close(roundID: round.id) { closed.append(round.id) }
        }
        return closed
    }

    /// The looking-and-closing loop.
    public var loops: [(name: String, run: @Sendable () -> Void)] { [("termin-rounds", { [self] in run() })] }

    /// Stops after the close under way and waits for the loop.
    public func stop() { lifecycle.stop() }

    private func run() {
        lifecycle.run {
            while !lifecycle.isStopped {
                do {
                    try refresh()
                    try closeDue()
                } catch {
                    log("round close failed: \(error)")
                }
                lifecycle.pause(until: .now + .milliseconds(Int(configuration.intervalSeconds * 1_000)))
            }
        }
    }
}
