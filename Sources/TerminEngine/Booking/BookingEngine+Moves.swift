import TerminCore
import TerminStore

/// Moving a booking: the new time is reserved like a booking's (opening hours, the channel's share, needs, notice,
/// release rounds), or is a hold's the citizen made for it, and the booking moves onto it in one plan, keeping its id
/// and code; its old time is given back after the commit. A move is not a new booking: the per-citizen caps and the
/// cancel cool-down do not apply.
extension BookingEngine {
    /// Where a booking moves.
    public enum MoveTarget: Sendable, Equatable {
        /// `start` at the booking's office, or at `officeID`, on a desk that meets `needs`.
        case time(officeID: Int?, start: Instant, needs: Needs)
        /// The time of a live hold for the same services in the same channel (the hold is used up).
        case hold(id: String)
    }

    /// What a move needs to know of the booking it moves: where it is and what for, and its cut-off for a citizen.
    struct Movable {
        let run: SlotRun
        let channel: Channel
        let services: [ServiceRequest]
        let start: Instant
        /// Minutes before the start after which its citizen cannot move it (`nil` for staff, who are not bound).
        let cutoffMinutes: Int?
    }

    /// Moves booking `id`; returns it as it now stands (same id and code, revision raised). A move to the time it has
    /// already changes nothing.
    public func move(id: String, by requester: Requester, to target: MoveTarget) throws(EngineError) -> Appointment {
        try Self.awaiting { completion throws(EngineError) in   // reading, every move is decided
            try move(id: id, by: requester, to: target, reading: true, completion: completion)
        }
    }

    /// Moves booking `id` without waiting for the commit: what a client got wrong is thrown at once; otherwise
    /// `completion` hears the booking as it then stands, or why it did not move, on the writer's thread (it must not
    /// block). Without `reading`, nothing is read from the database: the move is decided from this instance's ledger or
    /// not at all (`false`, nothing done): a booking the ledger does not know or sees past its cut-off, a move onto a
    /// hold, to a call-back line, or to the time it has.
    @discardableResult
    public func move(id: String, by requester: Requester, to target: MoveTarget, reading: Bool,
                     completion: @escaping @Sendable (Result<Appointment, EngineError>) -> Void) throws(EngineError) -> Bool {
        let now = clock.now()
        let live = self.live
        guard let current = try movable(id, by: requester, now: now, reading: reading, in: live) else { return false }
        let reserved: WritePipeline.Reserved
        switch target {
        case .time(let officeID, let start, let needs):
            let newOfficeID = officeID ?? current.run.officeID
            try authorize(requester, officeIDs: [current.run.officeID, newOfficeID])
            if newOfficeID == current.run.officeID && start == current.start {
                guard reading else { return false }
                guard let unchanged = try read(id, code: requester.code), unchanged.status == .confirmed else {
                    throw EngineError(.notFound, detail: "There is no booking \(id) for this code.")
                }
                completion(.success(unchanged))
                return true
            }
            guard try requirePhone(toMove: id, by: requester, from: current.run.officeID, to: newOfficeID, field: "office",
                                   reading: reading, in: live) else { return false }
            let (placement, run): (Placement, SlotRun)
            do {
                (placement, run) = try reserve(officeID: newOfficeID, start: start, services: current.services,
                                               channel: current.channel, needs: needs, now: now, in: live)
            } catch let error where error.field?.hasPrefix("services") == true {
                // The booking's services are not the client's to send: the office it chose does not take them.
                throw EngineError(SchedulingError(error.scheduling?.code ?? .serviceNotOffered, field: "office",
                                                  detail: error.detail))
            }
            let move = AppointmentRepository.Move(id: id, code: requester.code, cutoffMinutes: current.cutoffMinutes,
                                                  from: current.run, to: run, start: placement.start, end: placement.end)
            reserved = .init(Decisions.move(move, by: requester.actor, now: now), runs: [(run, current.channel)], in: live)
        case .hold(let holdID):
            guard reading else { return false }
            let hold = try self.hold(holdID, for: current, now: now)
            try authorize(requester, officeIDs: [current.run.officeID, hold.run.officeID])
            _ = try requirePhone(toMove: id, by: requester, from: current.run.officeID, to: hold.run.officeID, field: "hold",
                                 reading: true, in: live)
            let move = AppointmentRepository.Move(id: id, code: requester.code, cutoffMinutes: current.cutoffMinutes,
                                                  from: current.run, to: hold.run, start: hold.start, end: hold.end, holdID: holdID)
            reserved = .init(Decisions.move(move, by: requester.actor, now: now), in: live)
        }
        pipeline.commit(reserved) { [self] outcome in
            completion(Result { () throws(EngineError) in try moved(outcome, id: id) })
        }
        return true
    }

    /// The booking a move's outcome left, or why it did not move.
    private func moved(_ outcome: WritePlan.Outcome, id: String) throws(EngineError) -> Appointment {
        switch outcome {
        case .committed(let changed): return changed[0]
        case .refused(.deskTaken):
            throw EngineError(SchedulingError(.slotTaken, field: "start", detail: "That time is no longer free."))
        case .refused(.holdExpired): throw EngineError(.holdExpired, detail: "The hold ran out; choose a time again.")
        case .refused(.pastCutoff(let booking)): throw pastCutoff(booking, change: "moved")
        case .refused(.notConfirmed(let booking)): throw Self.notMovable(booking)
        case .refused(.movedMeanwhile):
            throw EngineError(.bookingState, field: "id", detail: "The booking was moved meanwhile; read it and try again.")
        case .refused(.unknown): throw EngineError(.notFound, detail: "There is no booking \(id) for this code.")
        case let outcome: throw Self.unavailable(outcome, doing: "moved")
        }
    }

    /// The booking as it stands, if `requester` may move it now; `nil` when that needs a read and `reading` is off. The
    /// ledger knows this instance's live bookings (and those it read from the database) with their services: those
    /// are moved without a read, and the database checks the code, the state and the cut-off given here as it writes.
    /// Others are read first.
    private func movable(_ id: String, by requester: Requester, now: Instant, reading: Bool, in live: LiveLedger)
        throws(EngineError) -> Movable? {
        let catalog = live.scheduler.catalog
        if let known = live.known(id), let office = catalog.offices[known.run.officeID] {
            let start = BerlinTime.instant(date: known.run.date, minuteOfDay: known.run.startUnit * office.slotMinutes)
            let minutes = catalog.changeCutoffMinutes(officeID: office.id, services: known.services)
            // Past the cut-off, if the code is right: the read says which, and names the cut-off.
            if requester.code == nil || start >= now.adding(seconds: Int64(minutes) * 60) {
                return Movable(run: known.run, channel: known.channel, services: known.services, start: start,
                               cutoffMinutes: requester.code == nil ? nil : minutes)
            }
        }
        return reading ? try movable(read: id, by: requester, now: now) : nil
    }

    /// The booking as the database has it, if `requester` may move it now.
    private func movable(read id: String, by requester: Requester, now: Instant) throws(EngineError) -> Movable {
        let found = try read(id, code: requester.code)
        guard let found, found.status != .held, found.status != .expired else {
            throw EngineError(.notFound, detail: "There is no booking \(id) for this code.")
        }
        guard found.status == .confirmed else { throw Self.notMovable(found) }
        let minutes = requester.code.map { _ in catalog.changeCutoffMinutes(officeID: found.run.officeID, services: found.services) }
        if let minutes, found.start < now.adding(seconds: Int64(minutes) * 60) { throw pastCutoff(found, change: "moved") }
        return Movable(run: found.run, channel: found.channel, services: found.services, start: found.start, cutoffMinutes: minutes)
    }

    /// The live hold `holdID`, if `booking` can move onto it: the same services, in the same channel.
    private func hold(_ holdID: String, for booking: Movable, now: Instant) throws(EngineError) -> Appointment {
        guard let hold = try read(holdID, code: nil), hold.status == .held else {
            throw EngineError(.holdUnknown, detail: "There is no hold \(holdID).")
        }
        guard let expiresAt = hold.expiresAt, expiresAt > now else {
            throw EngineError(.holdExpired, detail: "The hold ran out; choose a time again.")
        }
        guard hold.services == booking.services, hold.channel == booking.channel else {
            throw EngineError(.invalid, field: "hold", detail: "The hold is for other services or another channel than the booking.")
        }
        return hold
    }

    /// An appointment by id, and by code when one is given.
    /// A booking moved onto a call-back line must carry the phone number to call (a move sends no contact): else a
    /// 422 naming `field`, before anything is reserved. `false` when that needs a read and `reading` is off.
    private func requirePhone(toMove id: String, by requester: Requester, from officeID: Int, to newOfficeID: Int, field: String,
                              reading: Bool, in live: LiveLedger) throws(EngineError) -> Bool {
        guard newOfficeID != officeID, let place = live.scheduler.catalog.offices[newOfficeID], place.kind == .phone else { return true }
        guard reading else { return false }
        guard try read(id, code: requester.code)?.contact?.phone == nil else { return true }
        throw EngineError(.invalid, field: field, detail: "\(place.displayName) calls the citizen back, and this booking has no "
                          + "phone number: book a call-back there with contact.phone instead.")
    }

    func read(_ id: String, code: String?) throws(EngineError) -> Appointment? {
        do {
            return try pool.withConnection { db in
                try code.map { try AppointmentRepository.fetch(id: id, code: $0, db) } ?? AppointmentRepository.fetch(id: id, db)
            }
        } catch {
            throw EngineError(.unavailable, detail: "The booking could not be read: \(error)")
        }
    }

    /// Booking `id` as it stands, for its citizen (by code) or staff who work at its office; holds are no bookings.
    func booking(_ id: String, by requester: Requester) throws(EngineError) -> Appointment {
        guard let booking = try read(id, code: requester.code), booking.status != .held, booking.status != .expired else {
            throw EngineError(.notFound, detail: "There is no booking \(id)\(requester.code == nil ? "" : " for this code").")
        }
        try authorize(requester, officeIDs: [booking.run.officeID])
        return booking
    }

    /// Staff must work at every office a move touches.
    func authorize(_ requester: Requester, officeIDs: [Int]) throws(EngineError) {
        guard case .staff(let member) = requester else { return }
        for officeID in officeIDs where !member.worksAt(officeID) {
            throw EngineError(.forbidden, detail: "\(member.name) does not work at office \(officeID).")
        }
    }

    static func notMovable(_ booking: Appointment) -> EngineError { ended(booking, "it cannot be moved. Book a new time instead.") }

    /// The refusal of a change to a booking that is cancelled or a no-show, saying which and what `consequence` is.
    static func ended(_ booking: Appointment, _ consequence: String) -> EngineError {
        EngineError(.bookingState, field: "id", detail: "The booking is \(booking.status == .noShow ? "a no-show" : "cancelled"); "
                    + consequence)
    }
}
