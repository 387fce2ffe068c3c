import TerminCore

/// This instance's picture of desk time: the lock-free ledger (through the scheduler) and which appointments hold
/// time in it (`Occupancy`). Every path that learns of an appointment starting or ending goes through here: the
/// engine's own commits, cancels and expiries, other instances' notifications, the rebuild at start.
public final class LiveLedger: Sendable {
    public let scheduler: Scheduler
    /// The appointments the ledger holds time for; releases go through it.
    let occupancy = Occupancy()

    public init(scheduler: Scheduler) { self.scheduler = scheduler }

    /// Appointments the ledger holds time for.
    public var appointmentCount: Int { occupancy.count }

    /// Records an appointment whose time this instance reserved and committed.
    func recordCommitted(_ appointment: Appointment) {
        occupancy.insert(appointment.id, run: appointment.run, channel: appointment.channel)
    }

    /// The channel of an appointment the ledger holds time for (a hold about to be confirmed), if it does.
    func channel(of appointmentID: String) -> Channel? { occupancy.channel(appointmentID) }

    /// Gives an ended appointment's time back, unless another path already did (or the ledger never held it).
    func release(_ appointmentID: String) {
        guard let entry = occupancy.remove(appointmentID) else { return }
        scheduler.ledger.release(entry.run, channel: entry.channel)
    }

    /// Marks every live hold and booking as taken, unless already recorded. Returns the events that could not be
    /// applied yet (their time still looks taken here).
    @discardableResult
    public func reconcile(_ appointments: [Appointment]) -> [LedgerEvent] {
        appointments.filter(\.status.isLive).map(LedgerEvent.init(live:)).filter { !apply($0) }
    }

    /// Applies one event. Returns `false` when a `+` cannot be applied yet (its time still looks taken here).
    @discardableResult
    public func apply(_ event: LedgerEvent) -> Bool {
        switch event.operation {
        case .live:
            guard !occupancy.contains(event.id) else { return true }
            guard let layout = scheduler.layout(officeID: event.run.officeID, date: event.run.date) else {
                return true   // a day this catalogue has closed: nothing to hold
            }
            guard scheduler.ledger.occupy(layout: layout, run: event.run, channel: event.channel) else { return false }
            if !occupancy.insert(event.id, run: event.run, channel: event.channel) {
                scheduler.ledger.release(event.run, channel: event.channel)   // recorded meanwhile by its owner
            }
        case .ended:
            release(event.id)
        }
        return true
    }
}
