import TerminCore
import TerminStore

/// Moving a booking: the new time is reserved like a booking's (opening hours, the channel's share, needs, notice,
/// release rounds) and the booking moves onto it in one plan, keeping its id and code; its old time is given back
/// after the commit. A move is not a new booking: the per-citizen caps and the cancel cool-down do not apply.
extension BookingEngine {
    /// Who moves a booking.
    public enum Mover: Sendable, Equatable {
        /// The citizen holding the booking's code, bound by the office's cut-off.
        case citizen(code: String)
        /// A staff member who serves the queue (the caller checks the role) at the booking's office and the new one;
        /// not bound by the cut-off; audited.
        case staff(StaffMember)

        var code: String? {
            if case .citizen(let code) = self { return code }
            return nil
        }

        var actor: AuditRepository.Actor {
            switch self {
            case .citizen: .citizen
            case .staff(let member): .staff(member)
            }
        }
    }

    /// Moves booking `id` to `start` at its office, or at `officeID`, on a desk that meets `needs`; returns the
    /// booking as it now stands (same id and code, revision raised). A move to the time it has already changes nothing.
    public func move(id: String, by mover: Mover, officeID: Int? = nil, start: Instant, needs: Needs = [])
        throws(EngineError) -> Appointment {
        let now = clock.now()
        let current = try movable(id, by: mover, now: now)
        let officeID = officeID ?? current.run.officeID
        if case .staff(let member) = mover {
            for office in [current.run.officeID, officeID] where !member.worksAt(office) {
                throw EngineError(.forbidden, detail: "\(member.name) does not work at office \(office).")
            }
        }
        if officeID == current.run.officeID && start == current.start { return current }
        let (placement, run) = try reserve(officeID: officeID, start: start, services: current.services,
                                           channel: current.channel, needs: needs, now: now)
        let move = AppointmentRepository.Move(id: id, code: mover.code, from: current.run, to: run,
                                              start: placement.start, end: placement.end)
        let outcome = pipeline.commit(.init(Decisions.move(move, by: mover.actor, now: now), runs: [(run, current.channel)]))
        switch outcome {
        case .committed(let changed): return changed[0]
        case .refused(.deskTaken):
            throw EngineError(SchedulingError(.slotTaken, field: "start", detail: "That time is no longer free."))
        case .refused(.pastCutoff(let booking)): throw pastCutoff(booking, change: "moved")
        case .refused(.notConfirmed(let booking)): throw Self.notMovable(booking)
        case .refused(.movedMeanwhile):
            throw EngineError(.bookingState, field: "id", detail: "The booking was moved meanwhile; read it and try again.")
        case .refused(.unknown): throw EngineError(.notFound, detail: "There is no booking \(id) for this code.")
        case let outcome: throw Self.unavailable(outcome, doing: "moved")
        }
    }

    /// The booking as it stands, if `mover` may move it now (the database checks again as it writes).
    private func movable(_ id: String, by mover: Mover, now: Instant) throws(EngineError) -> Appointment {
        let found: Appointment?
        do {
            found = try pool.withConnection { db in
                switch mover {
                case .citizen(let code): try AppointmentRepository.fetch(id: id, code: code, db)
                case .staff: try AppointmentRepository.fetch(id: id, db)
                }
            }
        } catch {
            throw EngineError(.unavailable, detail: "The booking could not be read: \(error)")
        }
        guard let found, found.status != .held, found.status != .expired else {
            throw EngineError(.notFound, detail: "There is no booking \(id) for this code.")
        }
        guard found.status == .confirmed else { throw Self.notMovable(found) }
        if mover.code != nil {
            let minutes = catalog.offices[found.run.officeID]?.changeCutoffMinutes ?? Office.changeCutoffMinutesDefault
            if found.start < now.adding(seconds: Int64(minutes) * 60) { throw pastCutoff(found, change: "moved") }
        }
        return found
    }

    static func notMovable(_ booking: Appointment) -> EngineError {
        EngineError(.bookingState, field: "id", detail: "The booking is \(booking.status == .noShow ? "a no-show" : "cancelled"); "
                    + "it cannot be moved. Book a new time instead.")
    }
}
