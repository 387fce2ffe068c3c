import Dispatch
import Foundation
import Synchronization
import TerminCore
import TerminPostgres
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
        /// Most holds expired (and most contacts erased) per sweep.
        public var expiryBatchMax = 1_000
        /// Days after an appointment's day that its contact data is kept, then erased.
        public var contactRetentionDays = 30
        /// Caps per citizen on online bookings (`nil`: none). With caps, every online booking names its citizen.
        public var identityLimits: IdentityLimits?
        /// The key of the citizens' identity hashes; `nil`: the one the database keeps (made at first use).
        public var identityKey: [UInt8]?
        public init() {}
    }

    public let catalog: Catalog
    public let pool: ConnectionPool
    /// This instance's desk time: the ledger and which appointments hold time in it.
    public let live: LiveLedger
    /// Writes new holds and bookings in batches.
    public let writer: CommitWriter
    public let clock: any WallClock
    public let configuration: Configuration
    /// The release rounds not yet closed: online first come first served waits for them.
    public let rounds = RoundGate()
    /// Hashes the citizens' identities when caps are on.
    public let identityHasher: IdentityHasher?
    public var scheduler: Scheduler { live.scheduler }

    /// An engine over its collaborators. The caller has rebuilt `live` from the database (see `EngineAssembly`) and
    /// runs the writer's loops.
    public init(pool: ConnectionPool, live: LiveLedger, writer: CommitWriter, clock: any WallClock,
                configuration: Configuration = Configuration(), identityHasher: IdentityHasher? = nil) {
        precondition(configuration.identityLimits == nil || identityHasher != nil, "caps need the identity hasher")
        self.identityHasher = identityHasher
        self.pool = pool
        self.live = live
        self.catalog = live.scheduler.catalog
        self.writer = writer
        self.clock = clock
        self.configuration = configuration
    }

    // MARK: Reading

    /// Free start times of each office for a combination of services.
    public func availability(officeIDs: [Int], services: [ServiceRequest], from: LocalDate, to: LocalDate,
                             channel: Channel, needs: Needs = []) throws(EngineError) -> [(officeID: Int, days: [DayAvailability])] {
        let now = clock.now()
        return try shapes(officeIDs: officeIDs, services: services, channel: channel, needs: needs).map { shape in
            (shape.officeID, scheduler.availability(shape: shape, from: from, to: to, channel: channel, now: now))
        }
    }

    /// Per office and open day from `from` to `to`: how many free starts and the first (a portal's month calendar).
    public func availabilityDays(officeIDs: [Int], services: [ServiceRequest], from: LocalDate, to: LocalDate,
                                 channel: Channel, needs: Needs = []) throws(EngineError) -> [(officeID: Int, days: [DaySummary])] {
        let now = clock.now()
        return try shapes(officeIDs: officeIDs, services: services, channel: channel, needs: needs).map { shape in
            (shape.officeID, scheduler.daySummaries(shape: shape, from: from, to: to, channel: channel, now: now))
        }
    }

    /// A count that grows whenever the free time of the offices between `from` and `to` changes (the ledger's change
    /// counts summed): read before the availability, it versions it.
    public func availabilityChangeCount(officeIDs: [Int], from: LocalDate, to: LocalDate) -> Int {
        officeIDs.reduce(0) { $0 + scheduler.changeCount(officeID: $1, from: from, to: to) }
    }

    /// The appointment shape at each office, in order; an error names the query parameter at fault, and which
    /// office of the list.
    private func shapes(officeIDs: [Int], services: [ServiceRequest], channel: Channel, needs: Needs)
        throws(EngineError) -> [AppointmentShape] {
        var shapes: [AppointmentShape] = []
        for (index, officeID) in officeIDs.enumerated() {
            do {
                shapes.append(try catalog.shape(officeID: officeID, services: services, channel: channel, needs: needs))
            } catch {
                let field = error.field.hasPrefix("services") ? "service" : error.field == "needs" ? "needs"
                    : officeIDs.count > 1 ? "office[\(index)]" : "office"
                throw EngineError(SchedulingError(error.code, field: field, detail: error.detail))
            }
        }
        return shapes
    }

    // MARK: Holds

    /// Reserves a time for a few minutes while the citizen completes the form.
    public func hold(officeID: Int, start: Instant, services: [ServiceRequest], channel: Channel, needs: Needs = [])
        throws(EngineError) -> Appointment {
        let now = clock.now()
        let (placement, run) = try reserve(officeID: officeID, start: start, services: services, channel: channel,
                                           needs: needs, now: now)
        let record = Appointment(id: Self.newID(), run: run, channel: channel, status: .held, start: placement.start,
                                       end: placement.end, services: services,
                                       expiresAt: now.adding(seconds: configuration.holdTTLSeconds), contact: nil)
        try commit(CommitWriter.Entry(record: record, code: nil, idempotency: nil, now: now), channel: channel)
        return record
    }

    // MARK: Bookings

    /// What a booking request asks for: a hold to confirm, or a time to book directly.
    public enum BookingSource: Sendable, Equatable {
        case hold(id: String)
        case direct(officeID: Int, start: Instant, services: [ServiceRequest], channel: Channel, needs: Needs = [])
    }

    /// Books an appointment. With an idempotency key, a repeat of the same request returns the first booking and a
    /// different request with the same key is refused.
    /// - Parameters:
    ///   - fingerprint: a canonical text of the request, compared for repeats of the key.
    ///   - pseudonym: the portal's name for the citizen, for the per-identity caps (else the contact e-mail).
    public func book(_ source: BookingSource, contact: Appointment.Contact?, pseudonym: String? = nil,
                     idempotencyKey: String?, fingerprint: String) throws(EngineError) -> IssuedBooking {
        if let key = idempotencyKey, let replay = try replay(key: key, fingerprint: fingerprint) { return replay }
        let now = clock.now()
        let code = Self.newCode()
        switch source {
        case .hold(let holdID):
            var outcome: Result<Appointment, AppointmentRepository.ConfirmFailure> = .failure(.unknown)
            // The hold's channel is known once it is confirmed: an online one is checked against the caps then (the
            // identity's lock taken first), and refused without a citizen named.
            let capped = try? cappedIdentity(pseudonym: pseudonym, contact: contact, channel: .online)
            do {
                outcome = try pool.transaction { db in
                    if let capped { try IdentityRepository.lock([capped.identity], db) }
                    let outcome = try AppointmentRepository.confirmHold(id: holdID, code: code, contact: contact,
                                                                        identity: capped?.identity, now: now, db)
                    if case .success(let record) = outcome, record.channel == .online, configuration.identityLimits != nil {
                        guard let capped else { throw Self.citizenMissing }
                        try checkCaps(capped, serviceIDs: record.services.map(\.serviceID), excluding: record.id, now: now, db)
                    }
                    if case .success(let record) = outcome, let key = idempotencyKey {
                        try storeKey(key, fingerprint: fingerprint, appointmentID: record.id, code: code, now: now, db)
                    }
                    return outcome
                }
            } catch let refusal as EngineError {
                throw refusal
            } catch let race as KeyRace {
                _ = race
                if let replay = try replay(key: idempotencyKey!, fingerprint: fingerprint) { return replay }
                throw EngineError(.unavailable, detail: "The idempotency key's first request vanished.")
            } catch {
                throw EngineError(.unavailable, detail: "The booking could not be stored: \(error)")
            }
            switch outcome {
            case .success(let record): return IssuedBooking(record: record, code: code)
            case .failure(.unknown): throw EngineError(.holdUnknown, detail: "There is no hold \(holdID).")
            case .failure(.expired): throw EngineError(.holdExpired, detail: "The hold ran out; choose a time again.")
            case .failure(.alreadyConfirmed):
                throw EngineError(.holdAlreadyConfirmed, detail: "The hold was already booked.")
            }
        case .direct(let officeID, let start, let services, let channel, let needs):
            let capped = try cappedIdentity(pseudonym: pseudonym, contact: contact, channel: channel)
            let reserved: (Placement, SlotRun)
            do {
                reserved = try reserve(officeID: officeID, start: start, services: services, channel: channel,
                                       needs: needs, now: now)
            } catch let error where error.scheduling?.code == .slotTaken && idempotencyKey != nil {
                // The first request with this key may have taken the slot meanwhile.
                if let replay = try replay(key: idempotencyKey!, fingerprint: fingerprint) { return replay }
                throw error
            }
            let (placement, run) = reserved
            let record = Appointment(id: Self.newID(), run: run, channel: channel, status: .confirmed,
                                           start: placement.start, end: placement.end, services: services,
                                           expiresAt: nil, contact: contact)
            let entry = CommitWriter.Entry(record: record, code: code,
                                           idempotency: idempotencyKey.map { ($0, fingerprint) }, now: now, identity: capped)
            do {
                try commit(entry, channel: channel)
            } catch where idempotencyKey != nil && (error.kind == .unavailable || error.scheduling?.code == .slotTaken) {
                // Another request with this key may have won; answer as it was answered.
                if let replay = try replay(key: idempotencyKey!, fingerprint: fingerprint) { return replay }
                throw error
            }
            return IssuedBooking(record: record, code: code)
        }
    }

    /// Books a time directly without waiting (no hold): validates and reserves in the ledger at once (throwing what a
    /// client got wrong, or that the time is taken), then queues the booking for the group commit; `completion` hears
    /// after the commit the booking or why it failed. It must not block. The same rules and answers as `book`, without
    /// a thread waiting for the commit.
    ///
    /// With an idempotency key the key is stored in the booking's batch, so a first request costs no read: a repeat
    /// finds its time taken (the caller then answers it through `book`, which reads the first answer), and a repeat
    /// racing the first loses the key in the writer and is answered from the first answer, read off the writer's
    /// thread.
    public func bookDirectly(officeID: Int, start: Instant, services: [ServiceRequest], channel: Channel,
                             needs: Needs = [], contact: Appointment.Contact?, pseudonym: String? = nil,
                             idempotency: (key: String, fingerprint: String)? = nil,
                             completion: @escaping @Sendable (Result<IssuedBooking, EngineError>) -> Void) throws(EngineError) {
        let now = clock.now()
        let capped = try cappedIdentity(pseudonym: pseudonym, contact: contact, channel: channel)
        let (placement, run) = try reserve(officeID: officeID, start: start, services: services, channel: channel,
                                           needs: needs, now: now)
        let code = Self.newCode()
        let record = Appointment(id: Self.newID(), run: run, channel: channel, status: .confirmed, start: placement.start,
                                 end: placement.end, services: services, expiresAt: nil, contact: contact)
        let entry = CommitWriter.Entry(record: record, code: code, idempotency: idempotency, now: now, identity: capped)
        writer.submit(entry) { [self] outcome in
            do throws(EngineError) {
                try settle(entry, channel: channel, outcome: outcome)
                completion(.success(IssuedBooking(record: record, code: code)))
            } catch {
                guard let idempotency, error.kind == .unavailable || error.scheduling?.code == .slotTaken else {
                    return completion(.failure(error))
                }
                // Another request with this key may have won; its answer is read on a worker, not the writer's thread.
                DispatchQueue.global().async { [self] in
                    do throws(EngineError) {
                        let first = try replay(key: idempotency.key, fingerprint: idempotency.fingerprint)
                        completion(first.map { .success($0) } ?? .failure(error))
                    } catch {
                        completion(.failure(error))
                    }
                }
            }
        }
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

    /// Cancels a booking; its time becomes bookable again. Cancelling twice is harmless.
    public func cancel(id: String, code: String) throws(EngineError) -> Appointment {
        let outcome: (appointment: Appointment, cancelledNow: Bool)?
        do {
            outcome = try pool.withConnection { try AppointmentRepository.cancel(id: id, code: code, now: clock.now(), $0) }
        } catch {
            throw EngineError(.unavailable, detail: "The booking could not be cancelled: \(error)")
        }
        guard let outcome else { throw EngineError(.notFound, detail: "There is no booking \(id) for this code.") }
        if outcome.cancelledNow { live.release(outcome.appointment.id) }
        return outcome.appointment
    }

    // MARK: Housekeeping

    /// Expires holds that ran out and frees their time; purges old idempotency keys; erases contact data past its
    /// retention. Returns the holds expired.
    @discardableResult
    public func sweep() throws -> Int {
        let now = clock.now()
        let expired = try pool.withConnection { db in
            try IdempotencyRepository.purge(before: now.adding(seconds: -configuration.idempotencyKeyTTLSeconds), db)
            let today = BerlinTime.local(now).date
            try AppointmentRepository.eraseContacts(before: today.adding(days: -configuration.contactRetentionDays),
                                                    limit: configuration.expiryBatchMax, db)
            return try AppointmentRepository.expireHolds(now: now, limit: configuration.expiryBatchMax, db)
        }
        for appointment in expired { live.release(appointment.id) }
        return expired.count
    }

    // MARK: Internals

    /// Thrown inside a transaction when another request stored the same idempotency key first.
    struct KeyRace: Error {}

    private func storeKey(_ key: String, fingerprint: String, appointmentID: String, code: String, now: Instant,
                          _ db: PostgresConnection) throws {
        let answer = IdempotencyRepository.NewAnswer(key: key, fingerprint: fingerprint, appointmentID: appointmentID,
                                                     code: code, now: now)
        guard !(try IdempotencyRepository.store([answer], db)).isEmpty else { throw KeyRace() }
    }

    private func replay(key: String, fingerprint: String) throws(EngineError) -> IssuedBooking? {
        do {
            return try pool.withConnection { db -> IssuedBooking? in
                guard let answer = try IdempotencyRepository.answer(key: key, fingerprint: fingerprint, db) else {
                    return nil
                }
                guard answer.sameRequest else {
                    throw EngineError(.idempotencyKeyReused, detail: "This Idempotency-Key was used with a different request.")
                }
                guard let record = try AppointmentRepository.fetch(id: answer.appointmentID, db) else { return nil }
                return IssuedBooking(record: record, code: answer.code)
            }
        } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError(.unavailable, detail: "The idempotency key could not be checked: \(error)")
        }
    }

    /// Validates and reserves in the ledger.
    private func reserve(officeID: Int, start: Instant, services: [ServiceRequest], channel: Channel, needs: Needs,
                         now: Instant) throws(EngineError) -> (Placement, SlotRun) {
        let placement: Placement
        do {
            let shape = try catalog.shape(officeID: officeID, services: services, channel: channel, needs: needs)
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

    /// Makes a reservation the ledger granted durable. Whatever is not committed is given back to the ledger.
    func commit(_ entry: CommitWriter.Entry, channel: Channel) throws(EngineError) {
        try settle(entry, channel: channel, outcome: writer.submit(entry))
    }

    /// After the commit writer answered for an entry: the live ledger learns of a committed row; anything else gives
    /// the reserved time back and becomes the error to answer.
    func settle(_ entry: CommitWriter.Entry, channel: Channel, outcome: CommitWriter.Outcome) throws(EngineError) {
        if outcome == .committed {
            live.recordCommitted(entry.record)
            return
        }
        scheduler.ledger.release(entry.record.run, channel: channel)
        switch outcome {
        case .refused:
            throw EngineError(SchedulingError(.slotTaken, field: "start", detail: "That time is no longer free."))
        case .keyTaken:
            throw EngineError(.unavailable, detail: "Another request with this Idempotency-Key won the race.")
        case .failed(let reason):
            throw EngineError(.unavailable, detail: "The reservation could not be stored: \(reason)")
        case .limited(let refusal):
            throw EngineError(refusal, identity: entry.identity!.identity, services: entry.record.services.map(\.serviceID),
                              now: entry.now)
        case .committed:
            preconditionFailure("handled above")
        }
    }

    static func newID() -> String { Secret.newID() }

    /// A booking's code: 128 random bits as 32 hex digits.
    static func newCode() -> String { Secret.hex(bits: 128) }
}
