import Foundation
import Synchronization
import TerminCore
import TerminPostgres
import TerminStore
import TerminPostgres

/// Keeps this instance's ledger in step with the database when other instances (or an operator's SQL) change
/// appointments: applies every `termin_ledger` notification, its own included (those find the occupancy map
/// already up to date and change nothing).
///
/// Staleness: a change is applied as soon as its notification arrives, normally milliseconds after its commit.
/// A `+` whose time this ledger still shows taken by a reservation in flight here is retried every
/// `tickMilliseconds` for up to `pendingSeconds`. If the notification connection breaks, the sync reconnects and
/// adds what it missed from the database; time another instance freed meanwhile stays hidden here until a
/// restart. Correctness never depends on this: the database refuses any double booking.
final class LedgerSync: Sendable {
    /// Wait for notifications per round, in milliseconds (also the retry period of pending events).
    static let tickMilliseconds: Int32 = 100
    /// How long an event that cannot be applied yet is retried, in seconds.
    static let pendingSeconds = 60.0
    /// Most events waiting to be retried.
    static let pendingMax = 10_000
    static let channel = "termin_ledger"

    private let conninfo: String
    private let scheduler: Scheduler
    private let occupancy: Occupancy
    private let log: @Sendable (String) -> Void
    /// Owned by the sync thread once started; the mutex only hands it over.
    private let listener: Mutex<UnsafeSendable<PostgresListener>?>
    private let stopped = Atomic<Bool>(false)
    private let exited = DispatchSemaphore(value: 0)
    private let started = Atomic<Bool>(false)
    /// Events applied so far.
    private let applied = Atomic<Int>(0)

    /// Starts listening at once, so that nothing committed from now on is missed; events are applied from `start`.
    init(conninfo: String, scheduler: Scheduler, occupancy: Occupancy, log: @escaping @Sendable (String) -> Void) throws {
        self.conninfo = conninfo
        self.scheduler = scheduler
        self.occupancy = occupancy
        self.log = log
        listener = Mutex(UnsafeSendable(try PostgresListener(conninfo: conninfo, channel: Self.channel)))
    }

    /// Events applied so far (for tests and metrics).
    var appliedCount: Int { applied.load(ordering: .relaxed) }

    /// Marks every live hold and booking in the database as taken, unless already recorded.
    func reconcile(records: [Appointment]) {
        for record in records where record.status.isLive {
            apply(LedgerEvent(live: record))
        }
    }

    /// Applies one event. Returns `false` when a `+` cannot be applied yet (its time still looks taken here).
    @discardableResult
    func apply(_ event: LedgerEvent) -> Bool {
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
            if let entry = occupancy.remove(event.id) { scheduler.ledger.release(entry.run, channel: entry.channel) }
        }
        applied.add(1, ordering: .relaxed)
        return true
    }

    /// Starts the thread that applies notifications.
    func start() {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let thread = Thread { [self] in run() }
        thread.name = "termin-ledger-sync"
        thread.start()
    }

    func stop() {
        stopped.store(true, ordering: .releasing)
        if started.load(ordering: .acquiring) { exited.wait() }
    }

    private func run() {
        var current = listener.withLock { $0.take()?.value }
        var pending: [(event: LedgerEvent, until: Date)] = []
        while !stopped.load(ordering: .acquiring) {
            guard let active = current else {
                current = reconnect()
                continue
            }
            do {
                let payloads = try active.receive(timeoutMilliseconds: Self.tickMilliseconds)
                for event in payloads.flatMap(LedgerEvent.parse(payload:)) {
                    if event.operation == .ended { pending.removeAll { $0.event.id == event.id } }
                    if !apply(event), pending.count < Self.pendingMax {
                        pending.append((event, Date().addingTimeInterval(Self.pendingSeconds)))
                    }
                }
                let now = Date()
                pending = pending.filter { !apply($0.event) && $0.until > now }
            } catch {
                log("ledger notifications lost (\(error)); reconnecting")
                current = nil
            }
        }
        exited.signal()
    }

    /// A new listener, after which what was missed is added from the database.
    private func reconnect() -> PostgresListener? {
        Thread.sleep(forTimeInterval: 1)
        do {
            let listener = try PostgresListener(conninfo: conninfo, channel: Self.channel)
            let today = BerlinTime.local(Instant(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))).date
            let connection = try PostgresConnection(conninfo: conninfo)
            reconcile(records: try AppointmentRepository.live(from: today, connection))
            return listener
        } catch {
            log("ledger notifications: reconnect failed (\(error))")
            return nil
        }
    }
}

extension LedgerEvent {
    init(live record: Appointment) {
        operation = .live
        id = record.id
        run = record.run
        channel = record.channel
    }
}
