import Synchronization
import TerminCore

/// This instance's picture of desk time: the lock-free ledger (through the scheduler) and which appointments hold
/// time in it (`Occupancy`). Every path that learns of an appointment starting or ending goes through here: the
/// engine's own commits, cancels and expiries, other instances' notifications, the rebuild at start.
///
/// One `LiveLedger` belongs to one revision of the catalogue: when master data changes, `LiveCatalog` puts a new one
/// in its place, and a command settles in the one it reserved in.
public final class LiveLedger: Sendable {
    public let scheduler: Scheduler
    /// The revision of the master data `scheduler.catalog` was read at (`CatalogRepository.revision`).
    public let catalogRevision: Int
    /// The appointments the ledger holds time for; releases go through it.
    let occupancy = Occupancy()
    /// Offices where time was given back since `takeFreedOffices` last took them (at first, every office): where an
    /// earlier time may have come free for the earlier-time list.
    private let freedOffices: Mutex<Set<Int>>

    public init(scheduler: Scheduler, catalogRevision: Int = 0) {
        self.scheduler = scheduler
        self.catalogRevision = catalogRevision
        self.freedOffices = Mutex(Set(scheduler.catalog.offices.keys))
    }

    /// The offices where time was given back (or that `noteFreed` named) since the last call, sorted.
    func takeFreedOffices() -> [Int] {
        freedOffices.withLock { offices in
            defer { offices = [] }
            return offices.sorted()
        }
    }

    /// Marks `officeID` for the next `takeFreedOffices`: time was given back there, or a wish for it waits.
    func noteFreed(_ officeID: Int) {
        _ = freedOffices.withLock { $0.insert(officeID) }
    }

    /// Appointments the ledger holds time for.
    public var appointmentCount: Int { occupancy.count }

    /// Records an appointment whose time this instance reserved and committed; a moved one gives its old time back.
    func recordCommitted(_ appointment: Appointment) {
        if let previous = occupancy.record(appointment.id, run: appointment.run, channel: appointment.channel,
                                           services: appointment.services) {
            scheduler.ledger.release(previous.run, channel: previous.channel)
            noteFreed(previous.run.officeID)
        }
    }

    /// Records a hold this instance confirmed. Its time is the hold's: held here already when the ledger recorded the
    /// hold, and then nothing changes. When it did not (another instance's hold whose notification is not applied
    /// yet, or a day the master data has closed since), the time is taken as the hold's notification would take it,
    /// and the booking is recorded only where its time is taken: its end never gives back time the ledger does not hold.
    func recordConfirmed(_ booking: Appointment) {
        _ = apply(LedgerEvent(live: booking))
    }

    /// The time, channel and services of a live appointment the ledger holds time for, when it knows its services.
    func known(_ appointmentID: String) -> (run: SlotRun, channel: Channel, services: [ServiceRequest])? {
        guard let entry = occupancy.entry(appointmentID), let services = entry.services else { return nil }
        return (entry.run, entry.channel, services)
    }

    /// The office of an appointment the ledger holds time for (a hold about to be confirmed), if it does.
    func officeID(of appointmentID: String) -> Int? { occupancy.entry(appointmentID)?.run.officeID }

    /// The channel of an appointment the ledger holds time for (a hold about to be confirmed), if it does.
    func channel(of appointmentID: String) -> Channel? { occupancy.channel(appointmentID) }

    /// Records a booking this instance moved onto hold `holdID`'s time: the hold's time becomes the booking's, and the
    /// booking's old time is given back. When the hold's end was applied first (its notification came before this and
    /// gave the time back), the booking takes the time again; if another command reserved it meanwhile (the database
    /// refuses that one), the booking's own notification takes it once it is given back. An appointment is recorded
    /// only where its time is taken, so that its end never gives back time it does not hold.
    func recordMovedOntoHold(_ holdID: String, booking: Appointment) {
        if occupancy.remove(holdID) != nil || occupancy.entry(booking.id)?.run == booking.run {
            recordCommitted(booking)
            return
        }
        release(booking.id)
        _ = apply(LedgerEvent(live: booking))
    }

    /// Gives back the time of an appointment this instance ended (cancelled, expired, a no-show), and remembers the end
    /// until its `-` notification comes: its `+`, if it comes only now, must not take the time again. Also when the
    /// ledger never held it (another instance's appointment whose `+` has not come yet).
    func ended(_ appointment: Appointment) {
        guard let entry = occupancy.end(appointment.id, at: appointment.run) else { return }
        scheduler.ledger.release(entry.run, channel: entry.channel)
        noteFreed(entry.run.officeID)
    }

    /// Gives an ended appointment's time back, unless another path already did (or the ledger never held it). Given
    /// `run`, only if the ledger holds the appointment at that time: the end of a moved appointment's old time leaves
    /// its new time taken.
    func release(_ appointmentID: String, at run: SlotRun? = nil) {
        guard let entry = occupancy.remove(appointmentID, at: run) else { return }
        scheduler.ledger.release(entry.run, channel: entry.channel)
        noteFreed(entry.run.officeID)
    }

    /// Marks every live hold and booking as taken, unless already recorded. Returns the events that could not be
    /// applied yet (their time still looks taken here).
    @discardableResult
    public func reconcile(_ appointments: [Appointment]) -> [LedgerEvent] {
        appointments.filter(\.status.isLive).map(LedgerEvent.init(live:)).filter { !apply($0) }
    }

    /// A mark to take before listening again after lost notifications (see `resynchronise`).
    public var mark: UInt64 { occupancy.mark }

    /// Brings the ledger to the database's live appointments after notifications were lost: gives back the time of
    /// every appointment recorded by `mark` that is no longer live, or live at another time (which a lost `-`
    /// notification would have freed), then marks the live ones not recorded yet, moved ones at their new time
    /// (returning the events that cannot be applied yet, as `reconcile`). Take `mark` before listening again, and read
    /// `live` after: an appointment recorded later ended or moved, if at all, after the new listener started, and its
    /// notification arrives.
    /// - Returns: the events not applicable yet, and how many appointments' time was given back.
    public func resynchronise(_ live: [Appointment], recordedBy mark: UInt64) -> (unapplied: [LedgerEvent], released: Int) {
        // The ended and moved first: a missed appointment may hold time one of them held.
        let runs = Dictionary(live.filter(\.status.isLive).map { ($0.id, $0.run) }, uniquingKeysWith: { first, _ in first })
        let stale = occupancy.recorded(atOrBefore: mark, notAt: runs)
        for id in stale { release(id) }
        occupancy.forgetEnds()
        return (reconcile(live), stale.count)
    }

    /// Applies one event. Returns `false` when a `+` cannot be applied yet (its time still looks taken here).
    @discardableResult
    public func apply(_ event: LedgerEvent) -> Bool {
        switch event.operation {
        case .live:
            guard !occupancy.knows(event.id) else { return true }
            guard let layout = scheduler.layout(officeID: event.run.officeID, date: event.run.date), layout.holds(event.run) else {
                return true   // a day this catalogue has closed, or hours or a desk it no longer has: nothing to hold
            }
            guard scheduler.ledger.occupy(layout: layout, run: event.run, channel: event.channel) else { return false }
            if !occupancy.insert(event.id, run: event.run, channel: event.channel, services: event.services) {
                scheduler.ledger.release(event.run, channel: event.channel)   // recorded meanwhile by its owner
            }
        case .ended:
            // A `-` names the time that ended: for a move this instance settled first, the ledger already holds the
            // new time (and knows the booking's services), which stays as it is.
            release(event.id, at: event.run)
            occupancy.heardEnd(event.id, at: event.run)
        }
        return true
    }
}
