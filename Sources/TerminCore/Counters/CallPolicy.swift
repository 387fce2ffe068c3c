/// Whom a desk calls next, decided from the waiting tickets alone (no I/O, no clock).
///
/// 1. Appointment holders who checked in and are due (their start is at most `dueLeadMinutes` away), earliest start
///    first: an appointment is a promise.
/// 2. Walk-ins in arrival order, the first whose expected service fits before the desk's next appointment. A walk-in
///    waiting `walkInWaitBoundMinutes` or longer may overrun that appointment by up to `appointmentDelayMaxMinutes`,
///    and no younger walk-in is called past it at this desk: so no walk-in waits without bound, and no appointment
///    holder waits more than `appointmentDelayMaxMinutes` past their time because of a walk-in.
/// 3. Otherwise an appointment holder who checked in early, earliest start first, so the desk does not idle.
///
/// Only tickets whose every service the desk is qualified for are called, and a ticket sent to a desk only there.
public enum CallPolicy {
    /// The policy's bounds.
    public struct Limits: Sendable, Equatable {
        /// How long before its start an appointment counts as due, in minutes.
        public var dueLeadMinutes = 5
        /// A walk-in waiting this long is no longer passed by younger walk-ins, in minutes.
        public var walkInWaitBoundMinutes = 45
        /// How far a long-waiting walk-in may push the desk's next appointment, in minutes.
        public var appointmentDelayMaxMinutes = 10
        public init() {}
    }

    /// A waiting ticket with what serving it is expected to take.
    public struct Candidate: Sendable, Equatable {
        public let ticket: QueueTicket
        public let expectedMinutes: Int

        public init(ticket: QueueTicket, expectedMinutes: Int) {
            precondition(expectedMinutes > 0, "serving takes time")
            self.ticket = ticket
            self.expectedMinutes = expectedMinutes
        }
    }

    /// The desk that calls.
    public struct Desk: Sendable, Equatable {
        public let number: Int
        public let serviceIDs: Set<Int>
        /// The start of the desk's next appointment not yet served (`nil`: none left today).
        public let nextAppointmentAt: Instant?

        public init(number: Int, serviceIDs: Set<Int>, nextAppointmentAt: Instant?) {
            self.number = number
            self.serviceIDs = serviceIDs
            self.nextAppointmentAt = nextAppointmentAt
        }

        /// Whether this desk may call `ticket`.
        public func mayCall(_ ticket: QueueTicket) -> Bool {
            (ticket.targetDesk == nil || ticket.targetDesk == number)
                && ticket.services.allSatisfy { serviceIDs.contains($0.serviceID) }
        }
    }

    /// The ticket `desk` calls at `now` among `waiting` (tickets in state waiting), or `nil`: nobody fits.
    public static func next(waiting: [Candidate], desk: Desk, now: Instant, limits: Limits = Limits()) -> Candidate? {
        let callable = waiting.filter { $0.ticket.state == .waiting && desk.mayCall($0.ticket) }
        let appointments = callable.filter { $0.ticket.kind == .appointment }
            .sorted { ($0.ticket.appointmentStart!, $0.ticket.arrivedAt) < ($1.ticket.appointmentStart!, $1.ticket.arrivedAt) }
        let due = now.adding(seconds: Int64(limits.dueLeadMinutes) * 60)
        if let first = appointments.first, first.ticket.appointmentStart! <= due { return first }

        let gapSeconds = desk.nextAppointmentAt.map { $0.secondsSinceEpoch - now.secondsSinceEpoch } ?? Int64.max
        let walkIns = callable.filter { $0.ticket.kind == .walkIn }
            .sorted { ($0.ticket.arrivedAt, $0.ticket.number) < ($1.ticket.arrivedAt, $1.ticket.number) }
        for candidate in walkIns {
            let needSeconds = Int64(candidate.expectedMinutes) * 60
            if needSeconds <= gapSeconds { return candidate }
            let waitedSeconds = now.secondsSinceEpoch - candidate.ticket.arrivedAt.secondsSinceEpoch
            if waitedSeconds >= Int64(limits.walkInWaitBoundMinutes) * 60 {
                // The oldest walk-in has waited its bound: it goes next here, now if the overrun is bounded,
                // else at the desk's next gap; nobody younger passes it.
                let overrunOK = gapSeconds != Int64.max
                    && needSeconds - gapSeconds <= Int64(limits.appointmentDelayMaxMinutes) * 60
                return overrunOK ? candidate : nil
            }
        }
        return appointments.first
    }
}
