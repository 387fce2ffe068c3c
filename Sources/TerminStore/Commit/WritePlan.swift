import TerminCore

/// What one command writes, all or nothing: the engine decides it (pure), reserves its desk time in the ledger, and
/// hands it to the `CommitWriter`, which writes it in a batch with others (one transaction a batch) and answers with
/// an `Outcome`. Every change to appointments goes this way: holds, bookings (direct, from a hold, placed requests,
/// a round's winners, staff and walk-in bookings), moves, cancellations, hold expiry, no-shows, offers of earlier
/// times, and the housekeeping that erases contact data and forgets idempotency keys.
public struct WritePlan: Sendable {
    /// One change to the `appointment` table.
    public enum Change: Sendable {
        /// A new hold or booking whose desk time the ledger reserved. Refused when the database sees the time taken.
        case insert(AppointmentRepository.NewRow)
        /// A live, unexpired hold becomes a booking with this code and contact (and, if online, the citizen's identity).
        case confirmHold(id: String, code: String, contact: Appointment.Contact?, identity: CitizenIdentity?)
        /// A confirmed booking is cancelled: by the holder of its `code` only until its cut-off before the start; by
        /// staff (`code` nil) at any time, with an audit line.
        case cancel(id: String, code: String?, by: AuditRepository.Actor)
        /// A confirmed booking moves to the new desk time its mover reserved (or onto a hold's, the hold deleted),
        /// keeping its id and code; refused when that time is taken (or the hold ran out), the booking is no longer
        /// where the move found it, or (for a citizen) its office's cut-off before the old start has passed. A staff
        /// member's move leaves an audit line.
        case move(AppointmentRepository.Move, by: AuditRepository.Actor)
        /// Holds among `ids` that are still held and over by the plan's `now` (run out, or an earlier time held for a
        /// booking since cancelled) expire; the others are left as they are.
        case expireHolds(ids: [String])
        /// The contact data of at most `limit` appointments whose day is before `before` is erased (data protection).
        case eraseContacts(before: LocalDate, limit: Int)
        /// The idempotency keys (and the codes kept for replays) of at most `limit` appointments made before `before`
        /// are forgotten.
        case forgetKeys(before: Instant, limit: Int)
        /// Confirmed bookings among `ids` of the office, starting by `startedBy`, whose holders have not checked in
        /// become no-shows (under the office's queue lock, so a check-in and the mark never both stand), each with an
        /// audit line saying `detail`. One moved since it was found lapsed (to a later time or another office) stays.
        case markNoShows(officeID: Int, ids: [String], startedBy: Instant, detail: String)
        /// The round is locked for its close: refused (`.roundNotDue`) when it is not due, closed, or being closed by
        /// another transaction. First in a close's plan.
        case claimRound(id: Int)
        /// The round's requests settled (unserved ones carried over), its won bookings given their requests' codes,
        /// and the round closed with its report. Last in a close's plan, after the won bookings' inserts.
        case settleRound(RoundClosing)
        /// An earlier time offered to a booking on the earlier-time list: recorded on its wish with the offer's mail,
        /// after the insert of the offer's hold; refused (`.noLongerWaiting`) when the wish waits no more.
        case offerEarlier(EarlierListRepository.Offer)
        /// A seat of a full session given to the first waiting on its list, after the insert of the seat's booking:
        /// the booking takes the entry's code; refused (`.noLongerWaiting`) when the entry waits no more.
        case seatWaiting(entryID: String, appointmentID: String)
        /// A booking made by staff on a citizen's behalf: recorded in the audit log (who booked it), and refused
        /// (`.quotaReached`) when the member's daily quota is used up. Before the booking's own change.
        case onBehalf(OnBehalf)
    }

    /// Who booked which booking for a citizen.
    public struct OnBehalf: Sendable {
        public let staff: StaffMember
        public let bookingID: String
        public let officeID: Int
        public init(staff: StaffMember, bookingID: String, officeID: Int) {
            self.staff = staff
            self.bookingID = bookingID
            self.officeID = officeID
        }
    }

    /// What a release round's close writes besides its won bookings.
    public struct RoundClosing: Sendable {
        public let roundID: Int
        /// Every collected request's outcome.
        public let settlements: [RoundRepository.Settlement]
        /// The copies of unserved requests for the later rounds they move to.
        public let carried: [RoundRepository.CarriedRequest]
        /// The public report (JSON).
        public let report: String

        public init(roundID: Int, settlements: [RoundRepository.Settlement], carried: [RoundRepository.CarriedRequest],
                    report: String) {
            self.roundID = roundID
            self.settlements = settlements
            self.carried = carried
            self.report = report
        }
    }

    /// A client's `Idempotency-Key` and its request's fingerprint. A key stored before answers the plan from its first
    /// answer (`Outcome.replayed`), or refuses it when the fingerprint differs (`.keyReused`); else the key is stored
    /// with the plan's booking in the same transaction.
    public struct Idempotency: Sendable, Equatable {
        public let key: String
        public let fingerprint: String
        public init(key: String, fingerprint: String) {
            self.key = key
            self.fingerprint = fingerprint
        }
    }

    /// The per-identity caps a plan's booking must keep, checked under the citizen's lock in the batch's transaction
    /// before any change of the batch (a hold being confirmed is not counted: it is still a hold then; and it is capped
    /// only if it was made online).
    public struct Caps: Sendable {
        public let identity: CitizenIdentity
        public let limits: IdentityLimits
        /// The services the booking is for (a hold being confirmed: the hold's, read in the batch).
        public let serviceIDs: [Int]
        public init(identity: CitizenIdentity, limits: IdentityLimits, serviceIDs: [Int]) {
            self.identity = identity
            self.limits = limits
            self.serviceIDs = serviceIDs
        }
    }

    /// The changes, applied in order; none or all of them stand.
    public let changes: [Change]
    /// The booking's code, stored with the idempotency key (the code of the plan's insert or hold confirmation).
    public let code: String?
    public let idempotency: Idempotency?
    public let caps: Caps?
    /// When the command was decided.
    public let now: Instant

    public init(_ changes: [Change], code: String? = nil, idempotency: Idempotency? = nil, caps: Caps? = nil, now: Instant) {
        precondition(idempotency == nil || code != nil, "a keyed plan names the code its answer carries")
        self.changes = changes
        self.code = code
        self.idempotency = idempotency
        self.caps = caps
        self.now = now
    }

    /// A plan that writes nothing and answers from the key's first answer: a repeat whose time its first request took.
    public static func replay(_ idempotency: Idempotency, now: Instant) -> WritePlan {
        WritePlan([], code: "", idempotency: idempotency, now: now)
    }

    /// Whether the plan is exactly one insert (without copying the row out).
    var isSingleInsert: Bool {
        guard changes.count == 1, case .insert = changes[0] else { return false }
        return true
    }

    /// The one new row, when the plan is exactly one insert (the batch then writes it in one statement with others).
    var singleInsert: AppointmentRepository.NewRow? {
        guard changes.count == 1, case .insert(let row) = changes[0] else { return nil }
        return row
    }

    /// The one move, when the plan is exactly a citizen's move onto reserved time (the batch then writes it in one
    /// statement with others; staff moves and moves onto holds write more than the booking's row).
    var singleMove: AppointmentRepository.Move? {
        guard changes.count == 1, case .move(let move, .citizen) = changes[0], move.holdID == nil else { return nil }
        return move
    }

    /// The holds whose time the plan's moves hand to their bookings, by booking.
    public var holdsMovedOnto: [String: String] {
        var holds: [String: String] = [:]
        for case .move(let move, _) in changes { holds[move.id] = move.holdID }
        return holds
    }

    /// The hold the plan confirms, if it does.
    public var confirmedHoldID: String? {
        for case .confirmHold(let id, _, _, _) in changes { return id }
        return nil
    }

    /// The appointment id the plan's idempotency key answers with: its insert's or its confirmed hold's.
    var answerID: String? {
        for change in changes {
            switch change {
            case .insert(let row): return row.appointment.id
            case .confirmHold(let id, _, _, _): return id
            case .cancel, .move, .expireHolds, .eraseContacts, .forgetKeys, .markNoShows, .claimRound, .settleRound, .offerEarlier,
                 .onBehalf, .seatWaiting:
                continue
            }
        }
        return nil
    }

    /// What became of a plan.
    public enum Outcome: Sendable, Equatable {
        /// Committed: the appointments the plan changed, as they now stand (inserts as planned).
        case committed([Appointment])
        /// The key was answered before: the first answer's appointment (as it stands now) and code. Nothing written.
        case replayed(Appointment, code: String)
        /// The database refused a change; nothing of the plan was written.
        case refused(Refusal)
        /// The key was used before with another request; nothing written.
        case keyReused
        /// The citizen is over a cap; nothing written.
        case limited(IdentityLimits.Refusal)
        /// The batch could not be written (database down, queue full); nothing of the plan was written.
        case failed(String)
    }

    /// Why the database refused a plan.
    public enum Refusal: Error, Sendable, Equatable {
        /// A new row's desk time is taken (by another instance, or a row the ledger missed).
        case deskTaken
        /// The hold, or the booking with that code, does not exist.
        case unknown
        /// The hold ran out before it was confirmed.
        case holdExpired
        /// The hold was confirmed already.
        case holdConfirmed
        /// The booking was not confirmed (cancelled already, or a no-show): it stands as given.
        case notConfirmed(Appointment)
        /// The booking's office's cut-off for changes by citizens has passed: it stands as given.
        case pastCutoff(Appointment)
        /// The booking was moved by another command since this one was decided: it stands as given.
        case movedMeanwhile(Appointment)
        /// The round is not due, closed already, or being closed by another transaction; or a request joined it after
        /// its close read the requests (the close reads them again).
        case roundNotDue
        /// The booking no longer waits for an earlier time (moved or ended, offered one meanwhile, or out of offers), or
        /// the entry on a session's waiting list no longer waits (seated or left).
        case noLongerWaiting
        /// The staff member booking on a citizen's behalf has used up the daily quota of this many bookings.
        case quotaReached(Int)
    }
}
