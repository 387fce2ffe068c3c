import TerminCore
import TerminStore

/// What a committed, refused or replayed plan answers: pure, so every answer is tested without a database.
extension BookingEngine {
    /// The booking a booking's (or hold's) plan answers with, or the error it answers.
    /// - Parameters:
    ///   - booked: the appointment the plan inserts (`nil` when it confirms a hold, or is a replay).
    ///   - code: the booking's new code.
    ///   - caps: the caps the plan was checked against (to explain a refusal).
    ///   - holdID: the hold the plan confirms, if it does.
    ///   - now: when the command was decided (a cool-down's retry time counts from it).
    static func answer(_ outcome: WritePlan.Outcome, booked: Appointment?, code: String, caps: WritePlan.Caps?,
                       holdID: String? = nil, now: Instant) throws(EngineError) -> IssuedBooking {
        switch outcome {
        case .committed(let changed):
            guard let record = booked ?? changed.first else { throw unavailable(outcome, doing: "stored") }
            return IssuedBooking(record: record, code: code)
        case .replayed(let first, let firstCode):
            return IssuedBooking(record: first, code: firstCode)
        case .refused(.deskTaken):
            throw EngineError(SchedulingError(.slotTaken, field: "start", detail: "That time is no longer free."))
        case .refused(.unknown):
            guard let holdID else {
                throw EngineError(.unavailable, detail: "The idempotency key's first request vanished.")
            }
            throw EngineError(.holdUnknown, detail: "There is no hold \(holdID).")
        case .refused(.holdExpired):
            throw EngineError(.holdExpired, detail: "The hold ran out; choose a time again.")
        case .refused(.holdConfirmed):
            throw EngineError(.holdAlreadyConfirmed, detail: "The hold was already booked.")
        case .refused(.quotaReached(let quota)):
            throw EngineError(.quotaReached, field: "daily_quota",
                              detail: "This account's daily quota of \(quota) bookings on a citizen's behalf is used up for today.")
        case .keyReused:
            throw EngineError(.idempotencyKeyReused, detail: "This Idempotency-Key was used with a different request.")
        case .limited(let refusal):
            guard let caps else { throw unavailable(outcome, doing: "stored") }
            throw EngineError(refusal, identity: caps.identity, services: booked?.services.map(\.serviceID) ?? caps.serviceIDs,
                              now: now)
        case .refused(.notConfirmed), .refused(.pastCutoff), .refused(.movedMeanwhile), .refused(.roundNotDue),
             .refused(.noLongerWaiting), .failed:
            throw unavailable(outcome, doing: "stored")
        }
    }

    /// The 503 for an outcome that is no client's doing.
    static func unavailable(_ outcome: WritePlan.Outcome, doing verb: String) -> EngineError {
        if case .failed(let reason) = outcome {
            return EngineError(.unavailable, detail: "The change could not be \(verb): \(reason)")
        }
        return EngineError(.unavailable, detail: "The change could not be \(verb): \(outcome)")
    }
}

extension BookingEngine.BookingSource {
    /// The hold a booking confirms, if it does.
    var holdID: String? {
        if case .hold(let id) = self { return id }
        return nil
    }

    /// The office a direct booking is for.
    var officeID: Int? {
        if case .direct(let officeID, _, _, _, _, _) = self { return officeID }
        return nil
    }
}
