import Dispatch
import Foundation
import Synchronization
import TerminCore
import TerminStore

/// A booking as the engine hands it out: the record and the citizen's secret code.
public struct IssuedBooking: Sendable, Equatable {
    public let record: Appointment
    public let code: String
}

/// The engine behind the API: decides every reservation in the ledger, makes it durable in PostgreSQL, and only
/// then reports success. The database has the last word: a row it refuses is released in memory and answered 409.
public final class BookingEngine: Sendable {
    /// Defaults a deployment may change.
    public struct Configuration: Sendable {
        /// How long a hold keeps its slots, in seconds.
        public var holdTTLSeconds: Int64 = 600
        /// How long an idempotency key and its answer are kept, in seconds.
        public var idempotencyKeyTTLSeconds: Int64 = 86_400
        /// Most holds expired (and most contacts erased, most keys forgotten) per sweep.
        public var expiryBatchMax = 1_000
        /// Days after an appointment's day that its contact data is kept, then erased.
        public var contactRetentionDays = 30
        /// Caps per citizen on online bookings (`nil`: none). With caps, every online booking names its citizen.
        public var identityLimits: IdentityLimits?
        /// The key of the citizens' identity hashes; `nil`: the one the database keeps (made at first use).
        public var identityKey: [UInt8]?
        /// The earlier-time list's rules.
        public var earlierList = EarlierListRules()
        public init() {}
    }

    public let pool: DatabasePool
    /// The master data in force and this instance's desk time under it.
    public let catalogs: LiveCatalog
    /// Writes every change in batches.
    public let writer: CommitWriter
    /// Commits plans and settles the ledger after them.
    let pipeline: WritePipeline
    public let clock: any WallClock
    public let configuration: Configuration
    /// The release rounds not yet closed: online first come first served waits for them.
    public let rounds = RoundGate()
    /// Hashes the citizens' identities when caps are on.
    public let identityHasher: IdentityHasher?
    /// Makes every booking's code from its id.
    public let codes: BookingCodes
    /// Earlier times this instance has held for bookings on the earlier-time list (for metrics).
    let earlierOffers = Atomic<Int>(0)
    /// The ledger in force: a command that writes takes it once (`let live = self.live`) and reserves and settles in it.
    public var live: LiveLedger { catalogs.live }
    /// The scheduler in force, for reading.
    public var scheduler: Scheduler { live.scheduler }
    /// The master data in force, for reading.
    public var catalog: Catalog { live.scheduler.catalog }

    /// An engine over its collaborators. The caller has built `catalogs` from the database (see `EngineAssembly`) and
    /// runs the writer's loops.
    public init(pool: DatabasePool, catalogs: LiveCatalog, writer: CommitWriter, clock: any WallClock,
                configuration: Configuration = Configuration(), codes: BookingCodes, identityHasher: IdentityHasher? = nil) {
        precondition(configuration.identityLimits == nil || identityHasher != nil, "caps need the identity hasher")
        self.identityHasher = identityHasher
        self.codes = codes
        self.pool = pool
        self.catalogs = catalogs
        self.writer = writer
        self.pipeline = WritePipeline(writer: writer)
        self.clock = clock
        self.configuration = configuration
    }

    // MARK: Reading

    /// Free start times of each office for a combination of services.
    public func availability(officeIDs: [Int], services: [ServiceRequest], from: LocalDate, to: LocalDate,
                             channel: Channel, needs: Needs = []) throws(EngineError) -> [(officeID: Int, days: [DayAvailability])] {
        let now = clock.now()
        let scheduler = self.scheduler
        return try shapes(officeIDs: officeIDs, services: services, channel: channel, needs: needs, scheduler.catalog).map { shape in
            (shape.officeID, scheduler.availability(shape: shape, from: from, to: to, channel: channel, now: now))
        }
    }

    /// Per office and open day from `from` to `to`: how many free starts and the first (a portal's month calendar).
    public func availabilityDays(officeIDs: [Int], services: [ServiceRequest], from: LocalDate, to: LocalDate,
                                 channel: Channel, needs: Needs = []) throws(EngineError) -> [(officeID: Int, days: [DaySummary])] {
        let now = clock.now()
        let scheduler = self.scheduler
        return try shapes(officeIDs: officeIDs, services: services, channel: channel, needs: needs, scheduler.catalog).map { shape in
            (shape.officeID, scheduler.daySummaries(shape: shape, from: from, to: to, channel: channel, now: now))
        }
    }

    /// A version that changes whenever the free time of the offices between `from` and `to` changes: the catalogue's
    /// revision and the ledger's change counts summed. Read before the availability, it versions it.
    public func availabilityVersion(officeIDs: [Int], from: LocalDate, to: LocalDate) -> String {
        let live = self.live
        let changes = officeIDs.reduce(0) { $0 + live.scheduler.changeCount(officeID: $1, from: from, to: to) }
        return "\(live.catalogRevision).\(changes)"
    }

    /// The appointment shape at each office, in order; an error names the query parameter at fault, and which
    /// office of the list.
    private func shapes(officeIDs: [Int], services: [ServiceRequest], channel: Channel, needs: Needs, _ catalog: Catalog)
        throws(EngineError) -> [AppointmentShape] {
        var shapes: [AppointmentShape] = []
        for (index, officeID) in officeIDs.enumerated() {
            do {
                shapes.append(try catalog.shape(officeID: officeID, services: services, channel: channel, needs: needs))
            } catch {
                let field = error.field.hasPrefix("services") ? "service"
                    : error.field == "needs" || error.field == "languages" ? error.field
                    : officeIDs.count > 1 ? "office[\(index)]" : "office"
                throw EngineError(SchedulingError(error.code, field: field, detail: error.detail))
            }
        }
        return shapes
    }

    // MARK: Holds

    /// Reserves a time for a few minutes while the citizen completes the form (or `staff` for the citizen).
    public func hold(officeID: Int, start: Instant, services: [ServiceRequest], channel: Channel, needs: Needs = [],
                     by staff: StaffMember? = nil) throws(EngineError) -> Appointment {
        let now = clock.now()
        let live = self.live
        try Self.requireMayBook(officeID: officeID, services: services, staff: staff, live.scheduler.catalog)
        let (placement, run) = try reserve(officeID: officeID, start: start, services: services, channel: channel,
                                           needs: needs, now: now, in: live)
        let record = Appointment(id: Self.newID(), run: run, channel: channel, status: .held, start: placement.start,
                                 end: placement.end, services: services,
                                 expiresAt: now.adding(seconds: configuration.holdTTLSeconds), contact: nil)
        let outcome = pipeline.commit(.init(Decisions.hold(record, now: now), runs: [(run, channel)], in: live))
        return try Self.answer(outcome, booked: record, code: "", caps: nil, now: now).record
    }

    // MARK: Bookings

    /// What a booking request asks for: a hold to confirm, or a time to book directly.
    public enum BookingSource: Sendable, Equatable {
        case hold(id: String)
        /// At `start`; with `seatsOf`, a seat of that session (its service at its start).
        case direct(officeID: Int, start: Instant, services: [ServiceRequest], channel: Channel, needs: Needs = [],
                    seatsOf: GroupSession? = nil)
    }

    /// Books an appointment and waits for its commit. With an idempotency key, a repeat of the same request returns
    /// the first booking and a different request with the same key is refused.
    /// - Parameters:
    ///   - fingerprint: a canonical text of the request, compared for repeats of the key.
    ///   - pseudonym: the portal's name for the citizen, for the per-identity caps (else the contact e-mail).
    ///   - staff: who books a direct booking on the citizen's behalf (authorized by the caller): recorded in the audit
    ///     log with the booking, within the member's daily quota.
    public func book(_ source: BookingSource, contact: Appointment.Contact?, pseudonym: String? = nil,
                     by staff: StaffMember? = nil, idempotencyKey: String?, fingerprint: String) throws(EngineError)
        -> IssuedBooking {
        try Self.awaiting { completion throws(EngineError) in
            try book(source, contact: contact, pseudonym: pseudonym, by: staff,
                     idempotency: idempotencyKey.map { ($0, fingerprint) }, completion: completion)
            return true
        }
    }

    /// Starts a write that answers `completion` later (`start` says whether it started) and waits for its answer.
    static func awaiting<Answer: Sendable>(
        _ start: (@escaping @Sendable (Result<Answer, EngineError>) -> Void) throws(EngineError) -> Bool
    ) throws(EngineError) -> Answer {
        let answer = Mutex<Result<Answer, EngineError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let started = try start { result in
            answer.withLock { $0 = result }
            done.signal()
        }
        precondition(started, "a write waited for always starts")
        done.wait()
        return try answer.withLock { $0! }.get()
    }

    /// Books an appointment without waiting: what a client got wrong (or a time the ledger sees taken, without a key)
    /// is thrown at once; otherwise the plan goes to the commit writer and `completion` hears the booking or why it
    /// failed after the commit, on the writer's thread (it must not block). A keyed request whose time is taken may be
    /// a repeat of its first: it goes to the writer too, which answers it from the key's first answer.
    public func book(_ source: BookingSource, contact: Appointment.Contact?, pseudonym: String? = nil,
                     by staff: StaffMember? = nil, idempotency key: (key: String, fingerprint: String)?,
                     completion: @escaping @Sendable (Result<IssuedBooking, EngineError>) -> Void) throws(EngineError) {
        let idempotency = key.map { WritePlan.Idempotency(key: $0.key, fingerprint: $0.fingerprint) }
        let now = clock.now()
        let live = self.live
        let id = source.holdID ?? Self.newID(), code = codes.code(for: id)
        let reserved: WritePipeline.Reserved
        let booked: Appointment?
        let caps: WritePlan.Caps?
        try Self.requirePhone(at: source.holdID.flatMap(live.officeID(of:)) ?? source.officeID, contact, live.scheduler.catalog)
        switch source {
        case .hold(let holdID):
            // A hold made online is checked against the caps as it is confirmed (an unknown hold: as far as a citizen
            // is named; its confirmation fails anyway).
            let channel = live.channel(of: holdID)
            let capped = channel == nil ? try? cappedIdentity(pseudonym: pseudonym, contact: contact, channel: .online)
                : try cappedIdentity(pseudonym: pseudonym, contact: contact, channel: channel!)
            caps = capped.map { WritePlan.Caps(identity: $0.identity, limits: $0.limits, serviceIDs: []) }
            booked = nil
            // Confirmed by staff for the citizen: recorded as a direct booking is (a hold this instance does not know
            // is unknown to the database as well, and its confirmation fails).
            let onBehalf = staff.flatMap { member in
                live.officeID(of: holdID).map { WritePlan.OnBehalf(staff: member, bookingID: holdID, officeID: $0) }
            }
            reserved = .init(Decisions.confirmation(holdID: holdID, code: code, contact: contact, caps: caps,
                                                    idempotency: idempotency, onBehalf: onBehalf, now: now), in: live)
        case .direct(let officeID, let start, let services, let channel, let needs, let session):
            try Self.requireMayBook(officeID: officeID, services: services, staff: staff, live.scheduler.catalog)
            let capped = try cappedIdentity(pseudonym: pseudonym, contact: contact, channel: channel)
            caps = capped.map { WritePlan.Caps(identity: $0.identity, limits: $0.limits, serviceIDs: services.map(\.serviceID)) }
            do {
                let (placement, run) = try reserve(officeID: officeID, start: start, services: services, channel: channel,
                                                   needs: needs, seatsOf: session, now: now, in: live)
                let record = Appointment(id: id, run: run, channel: channel, status: .confirmed,
                                         start: placement.start, end: placement.end, services: services,
                                         expiresAt: nil, contact: contact)
                booked = record
                let onBehalf = staff.map { WritePlan.OnBehalf(staff: $0, bookingID: record.id, officeID: officeID) }
                reserved = .init(Decisions.booking(record, code: code, caps: caps, idempotency: idempotency,
                                                   onBehalf: onBehalf, now: now),
                                 runs: [(run, channel)], in: live)
            } catch let error where error.scheduling?.code == .slotTaken && idempotency != nil {
                // The first request with this key may have taken the time: the writer answers from its answer.
                booked = nil
                reserved = .init(Decisions.replay(idempotency!, now: now), in: live)
            }
        }
        pipeline.commit(reserved) { outcome in
            completion(Result { () throws(EngineError) in
                try Self.answer(outcome, booked: booked, code: code, caps: caps, holdID: source.holdID, now: now)
            })
        }
    }

    /// An offer reserved for some people is booked only by a helper or an intermediary on their behalf (422 naming the
    /// service, and whom it is for). Online, `Catalog.shape` refuses it already.
    static func requireMayBook(officeID: Int, services: [ServiceRequest], staff: StaffMember?, _ catalog: Catalog)
        throws(EngineError) {
        for (index, service) in services.enumerated() {
            guard let offer = catalog.offers[officeID]?[service.serviceID], !offer.mayBeBooked(by: staff?.role) else { continue }
            throw EngineError(SchedulingError(.reservedOffer, field: "services[\(index)].id",
                                              detail: "Service \(service.serviceID) here is reserved for \(offer.reservedFor!): "
                                                  + "a helper or an intermediary books it for them."))
        }
    }

    /// The office of hold `id`, when this instance's ledger holds its time (to check who may confirm it there).
    public func officeOfHold(_ id: String) -> Int? { live.officeID(of: id) }

    /// A call-back line calls the citizen: a booking there needs a phone number (422 naming `contact.phone`).
    static func requirePhone(at officeID: Int?, _ contact: Appointment.Contact?, _ catalog: Catalog) throws(EngineError) {
        guard let officeID, catalog.offices[officeID]?.kind == .phone, contact?.phone == nil else { return }
        throw EngineError(.invalid, field: "contact.phone",
                          detail: "\(catalog.offices[officeID]!.displayName) calls the citizen back: give contact.phone.")
    }

    /// The booking `id` for the holder of `code`.
    public func booking(id: String, code: String) throws(EngineError) -> Appointment {
        let found: Appointment?
        do { found = try pool.withConnection { try AppointmentRepository.fetch(id: id, code: code, $0) } } catch {
            throw EngineError(.unavailable, detail: "The booking could not be read: \(error)")
        }
        guard let found else { throw EngineError(.notFound, detail: "There is no booking \(id) for this code.") }
        return found
    }

    /// Cancels a booking; its time becomes bookable again. Cancelling twice is harmless; past its cut-off
    /// (`Catalog.changeCutoffMinutes` before the start: its office's, or a service's longer one) a citizen cannot
    /// cancel online (`pastCutoff`, 409); staff of its office can, and the audit log says who.
    public func cancel(id: String, by requester: Requester) throws(EngineError) -> Appointment {
        let now = clock.now()
        if case .staff = requester { _ = try booking(id, by: requester) }
        switch pipeline.commit(.init(Decisions.cancellation(id: id, code: requester.code, by: requester.actor, now: now), in: live)) {
        case .committed(let changed): return changed[0]
        case .refused(.notConfirmed(let booking)): return booking
        case .refused(.pastCutoff(let booking)): throw pastCutoff(booking, change: "cancelled")
        case .refused: throw EngineError(.notFound, detail: "There is no booking \(id) for this code.")
        case let outcome: throw Self.unavailable(outcome, doing: "cancelled")
        }
    }

    /// The refusal of a citizen's change past the booking's office's cut-off, naming the cut-off.
    func pastCutoff(_ booking: Appointment, change verb: String) -> EngineError {
        let minutes = catalog.changeCutoffMinutes(officeID: booking.run.officeID, services: booking.services)
        return EngineError(.pastCutoff, field: "id", detail: "This booking can be \(verb) online until \(minutes) minutes "
                           + "before its start, that is until \(BerlinTime.format(booking.start.adding(seconds: -Int64(minutes) * 60))); "
                           + "please call the office.")
    }

    // MARK: Housekeeping

    /// Expires holds that are over (run out, or an earlier time held for a booking since cancelled) and frees their
    /// time; with `housekeeping`, also erases contact data past its retention and forgets idempotency keys past theirs
    /// (the sweeper asks for it every `HoldSweeper.housekeepingEverySweeps` sweeps). Returns the holds expired.
    @discardableResult
    public func sweep(housekeeping: Bool = true) throws -> Int {
        let now = clock.now()
        if housekeeping {
            let plan = Decisions.housekeeping(contactRetentionDays: configuration.contactRetentionDays,
                                              keyTTLSeconds: configuration.idempotencyKeyTTLSeconds,
                                              limit: configuration.expiryBatchMax, now: now)
            if case .failed(let reason) = pipeline.commit(.init(plan, in: live)) {
                throw EngineError(.unavailable, detail: "The housekeeping could not be written: \(reason)")
            }
        }
        let due = try pool.withConnection { try AppointmentRepository.dueHolds(now: now, limit: configuration.expiryBatchMax, $0) }
        guard !due.isEmpty else { return 0 }
        switch pipeline.commit(.init(Decisions.expiry(holdIDs: due, now: now), in: live)) {
        case .committed(let expired): return expired.count
        case let outcome: throw Self.unavailable(outcome, doing: "expired")
        }
    }

    // MARK: Internals

    /// Validates under `live`'s catalogue and reserves in its ledger.
    /// With `seatsOf`, on that session's seats only; otherwise never on a seat.
    func reserve(officeID: Int, start: Instant, services: [ServiceRequest], channel: Channel, needs: Needs,
                 seatsOf session: GroupSession? = nil, now: Instant, in live: LiveLedger) throws(EngineError) -> (Placement, SlotRun) {
        let placement: Placement
        let scheduler = live.scheduler
        do {
            let shape = try scheduler.catalog.shape(officeID: officeID, services: services, channel: channel, needs: needs,
                                                    seatsOf: session)
            placement = try scheduler.placement(shape: shape, start: start, channel: channel, now: now)
        } catch {
            throw EngineError(error)
        }
        if channel == .online,
           let round = rounds.round(covering: officeID, date: placement.layout.date, serviceIDs: services.map(\.serviceID)) {
            throw EngineError(RoundGate.refusal(round, now: now))
        }
        guard let run = scheduler.ledger.reserve(layout: placement.layout, deskIDs: placement.shape.deskIDs,
                                                 startUnit: placement.startUnit, units: placement.shape.slotUnits,
                                                 channel: channel) else {
            throw EngineError(SchedulingError(.slotTaken, field: "start", detail: "That time is no longer free."))
        }
        return (placement, run)
    }

    /// Runs `body` on a pooled connection; a failure is `unavailable`, saying that `what` could not be reached.
    func withDatabase<T>(_ what: String, _ body: (DatabaseConnection) throws -> T) throws(EngineError) -> T {
        do { return try pool.withConnection(body) } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError(.unavailable, detail: "The \(what) could not be reached: \(error)")
        }
    }

    static func newID() -> String { Secret.newID() }

    /// A booking's code: 128 random bits as 32 hex digits.
}
