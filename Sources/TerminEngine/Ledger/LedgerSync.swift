import Foundation
import Synchronization
import TerminCore
import TerminStore

/// Keeps this instance's ledger in step with the database when other instances (or an operator's SQL) change
/// appointments: applies every `termin_ledger` notification, its own included (those find the occupancy map
/// already up to date and change nothing; the start of an appointment this instance has ended meanwhile takes no time,
/// `LiveLedger.ended`). The decisions are `LedgerFollower`'s; this is the shell that listens.
///
/// Staleness: a change is applied as soon as its notification arrives, normally milliseconds after its commit.
/// A `+` whose time this ledger still shows taken by a reservation in flight here is retried every round for up to
/// `LedgerFollower.Limits.pendingRetryTime`. If the notification connection breaks, the sync reconnects and
/// resynchronises with the database: it adds the appointments it missed and frees the time of those that ended
/// meanwhile (`LiveLedger.resynchronise`).
/// A notification announcing a change of master data puts a new ledger in force (`LiveCatalog`), read after it.
/// Correctness never depends on this: the database refuses any double booking.
public final class LedgerSync: Sendable {
    private let conninfo: String
    private let catalogs: LiveCatalog
    private let clock: any WallClock
    private let limits: LedgerFollower.Limits
    private let log: @Sendable (String) -> Void
    /// Owned by the sync loop once it runs; the mutex only hands it over.
    private let listener: Mutex<LedgerFeed?>
    private let lifecycle = LoopLifecycle()
    private let applied = Atomic<Int>(0)
    private let resynchronisations = Atomic<Int>(0)
    /// Told of a new release round (announced, or possibly missed while the notifications were lost).
    private let roundsDefined = Mutex<(@Sendable () -> Void)?>(nil)
    /// Told of the calls at the counters, this instance's and the others'.
    private let callsMade = Mutex<(@Sendable ([CallEvent]) -> Void)?>(nil)

    /// Follows `feed`, opened before `catalogs` was read so that nothing committed since is missed; events are
    /// applied once the composition root runs `loops`.
    public init(feed: LedgerFeed, conninfo: String, catalogs: LiveCatalog, clock: any WallClock,
                limits: LedgerFollower.Limits = .init(), log: @escaping @Sendable (String) -> Void) {
        self.conninfo = conninfo
        self.catalogs = catalogs
        self.clock = clock
        self.limits = limits
        self.log = log
        listener = Mutex(feed)
    }

    /// Has `handler` told of every new release round another instance (or this one) defines: the rounds suspend first
    /// come first served, so each instance reads them at once rather than at its next look.
    public func onRoundDefined(_ handler: @escaping @Sendable () -> Void) {
        roundsDefined.withLock { $0 = handler }
    }

    /// Has `handler` told of every call made at a counter, through this instance or another, once it is committed
    /// (calls made while the notifications are lost are not told: a display shows them at the next).
    public func onCalls(_ handler: @escaping @Sendable ([CallEvent]) -> Void) {
        callsMade.withLock { $0 = handler }
    }

    /// Events applied so far (for tests and metrics).
    public var appliedCount: Int { applied.load(ordering: .relaxed) }

    /// Times the notifications were lost and the ledger resynchronised with the database (for tests and metrics).
    public var resynchronisationCount: Int { resynchronisations.load(ordering: .relaxed) }

    /// The loop that applies notifications, to run on a thread of its own until `stop`.
    public var loops: [(name: String, run: @Sendable () -> Void)] { [("termin-ledger-sync", { [self] in run() })] }

    /// Ends the loop (within one receive round) and waits for it.
    public func stop() { lifecycle.stop() }

    private func run() { lifecycle.run(follow) }

    private func follow() {
        var current = listener.withLock { $0.take() }
        var follower = LedgerFollower(limits: limits)
        let apply: (LedgerEvent) -> Bool = { [self] event in
            guard catalogs.live.apply(event) else { return false }
            applied.add(1, ordering: .relaxed)
            return true
        }
        while !lifecycle.isStopped {
            switch follower.nextAction(now: .now) {
            case .receive(let timeout):
                guard let active = current else {
                    follower.connectionLost(now: .now)
                    continue
                }
                do {
                    var events: [LedgerEvent] = []
                    for payload in try active.receive(timeoutMilliseconds: Int32(timeout / .milliseconds(1))) {
                        let lines = LedgerFeed.lines(of: payload)
                        if LedgerFeed.announcesRound(in: lines) { roundsDefined.withLock { $0 }?() }
                        let calls = lines.compactMap(CallEvent.init(notificationLine:))
                        if !calls.isEmpty { callsMade.withLock { $0 }?(calls) }
                        guard let revision = LedgerFeed.catalogRevision(in: lines) else {
                            events += LedgerEvent.parse(lines: lines)
                            continue
                        }
                        follower.received(events, now: .now, apply: apply)
                        events = []
                        if revision > catalogs.live.catalogRevision { try takeUpCatalog() }
                    }
                    follower.received(events, now: .now, apply: apply)
                } catch {
                    log("ledger notifications lost (\(error)); reconnecting")
                    current = nil
                    follower.connectionLost(now: .now)
                }
            case .reconnect:
                do {
                    let live = catalogs.live
                    let mark = live.mark
                    let fresh = try LedgerFeed(conninfo: conninfo)
                    let today = BerlinTime.local(clock.now()).date
                    let read = try LedgerFeed.catalogAndLive(from: today, conninfo: conninfo)
                    var (unapplied, released) = ([LedgerEvent](), 0)
                    if read.revision != live.catalogRevision {
                        catalogs.replace(catalog: read.catalog, revision: read.revision, appointments: read.live, today: today)
                    } else {
                        (unapplied, released) = live.resynchronise(read.live, recordedBy: mark)
                    }
                    current = fresh
                    resynchronisations.add(1, ordering: .relaxed)   // counted as soon as the ledger shows it
                    roundsDefined.withLock { $0 }?()   // a round defined meanwhile was announced to nobody here
                    log("ledger notifications: listening again; \(released) appointments ended or moved meanwhile, their old time is free")
                    follower.reconnected(now: .now, unapplied: unapplied)
                } catch {
                    log("ledger notifications: reconnect failed (\(error))")
                    follower.reconnectFailed(now: .now)
                }
            case .pause(let until):
                lifecycle.pause(until: until)
            }
        }
    }

    /// Reads the master data and the live appointments, now that a change was announced, and puts their ledger in
    /// force. Notifications received from here on are applied to it.
    private func takeUpCatalog() throws {
        let today = BerlinTime.local(clock.now()).date
        let read = try LedgerFeed.catalogAndLive(from: today, conninfo: conninfo)
        catalogs.replace(catalog: read.catalog, revision: read.revision, appointments: read.live, today: today)
        log("master data at revision \(read.revision) in force")
    }
}
