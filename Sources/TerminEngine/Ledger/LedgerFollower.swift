/// The decisions of the ledger sync, free of sockets, threads and clocks: when to wait for notifications, when to
/// retry events that could not be applied yet, when to reconnect after the notification connection broke.
///
/// An event is applied through the function the caller passes (the `LiveLedger`); a `+` whose time still looks
/// taken here (a reservation of this instance in flight) waits in `pending` and is retried on every later round until
/// `Limits.pendingRetryTime` has passed. After a lost connection the sync pauses `Limits.reconnectDelay`, reconnects
/// and adds what it missed from the database.
public struct LedgerFollower: Sendable {
    /// Bounds of the follower, each with its unit.
    public struct Limits: Sendable, Equatable {
        /// Longest wait for notifications in one round; also the retry period of pending events.
        public var receiveTimeout: Duration = .milliseconds(100)
        /// How long an event that cannot be applied yet is retried.
        public var pendingRetryTime: Duration = .seconds(60)
        /// Most events waiting to be retried; beyond, further ones are dropped (and counted).
        public var pendingMax = 10_000
        /// Pause between a lost connection (or a failed reconnect) and the next reconnect.
        public var reconnectDelay: Duration = .seconds(1)
        public init() {}
    }

    /// What the sync does next.
    public enum Action: Sendable, Equatable {
        /// Wait at most this long for notifications, then report them with `received`.
        case receive(timeout: Duration)
        /// Open a new listener and read what was missed; report with `reconnected` or `reconnectFailed`.
        case reconnect
        /// Do nothing until this instant (a stop may cut it short).
        case pause(until: ContinuousClock.Instant)
    }

    public let limits: Limits
    /// Events waiting to be applied, each with the instant it is given up.
    public private(set) var pending: [(event: LedgerEvent, until: ContinuousClock.Instant)] = []
    /// Events dropped because `pending` was full.
    public private(set) var droppedCount = 0
    /// When the next reconnect is due, while the connection is lost.
    private var reconnectAt: ContinuousClock.Instant?

    public init(limits: Limits = Limits()) { self.limits = limits }

    /// What to do at `now`.
    public func nextAction(now: ContinuousClock.Instant) -> Action {
        guard let reconnectAt else { return .receive(timeout: limits.receiveTimeout) }
        return now >= reconnectAt ? .reconnect : .pause(until: reconnectAt)
    }

    /// Notifications arrived (possibly none, after a time-out): applies them, then retries what is pending.
    public mutating func received(_ events: [LedgerEvent], now: ContinuousClock.Instant, apply: (LedgerEvent) -> Bool) {
        for event in events {
            // An appointment that ended before its `+` could be applied needs no more retries.
            if event.operation == .ended { pending.removeAll { $0.event.id == event.id } }
            if !apply(event) { keep(event, now: now) }
        }
        retry(now: now, apply: apply)
    }

    /// The notification connection broke: pause, then reconnect.
    public mutating func connectionLost(now: ContinuousClock.Instant) {
        reconnectAt = now + limits.reconnectDelay
    }

    /// A new listener is up and what was missed was applied; `unapplied` could not be yet and is retried. What waited
    /// from before is dropped: the database's read, which `unapplied` comes from, supersedes it (an appointment whose
    /// `+` waited may have ended while its `-` was lost).
    public mutating func reconnected(now: ContinuousClock.Instant, unapplied: [LedgerEvent]) {
        reconnectAt = nil
        pending = []
        for event in unapplied { keep(event, now: now) }
    }

    /// Reconnecting failed: try again after the delay.
    public mutating func reconnectFailed(now: ContinuousClock.Instant) {
        reconnectAt = now + limits.reconnectDelay
    }

    private mutating func keep(_ event: LedgerEvent, now: ContinuousClock.Instant) {
        guard pending.count < limits.pendingMax else {
            droppedCount += 1
            return
        }
        pending.append((event, now + limits.pendingRetryTime))
    }

    private mutating func retry(now: ContinuousClock.Instant, apply: (LedgerEvent) -> Bool) {
        pending.removeAll { now >= $0.until || apply($0.event) }
        assert(pending.count <= limits.pendingMax, "pending stays within its bound")
    }
}
