import Synchronization
import TerminCore
import TerminMail
import TerminStore

/// Sends the outbox's due messages as mail, in a loop the composition root runs on a thread of its own: at least
/// once (a message is settled only after the relay accepted it; a redelivery carries the same `Message-ID`), with
/// exponential backoff up to `attemptsMax` tries (then dead), and never a message a later change made stale.
public final class OutboxDelivery: Sendable {
    /// Defaults a deployment may change.
    public struct Configuration: Sendable {
        /// Pause between rounds when nothing is due, in seconds.
        public var intervalSeconds = 1.0
        /// Most messages claimed (and sent over one connection) a round.
        public var batchMax = 50
        /// Tries before a message is dead.
        public var attemptsMax = 10
        /// The wait after the first failed try, doubled after each further one, in seconds.
        public var backoffSeconds: Int64 = 30
        /// The longest wait between two tries, in seconds.
        public var backoffSecondsMax: Int64 = 6 * 3_600
        /// How long a claimed mail is left to its loop before another may take it, in seconds: longer than a round's
        /// session can take (`SMTPClient.sessionSecondsWorst`, 220 s with its defaults), or another instance could
        /// send the tail of a slow round again.
        public var leaseSeconds: Int64 = 300
        /// The same for a claimed webhook event: longer than a post can take (`webhookTimeoutSeconds`, plus a second).
        public var webhookLeaseSeconds: Int64 = 120
        /// Hours before a booking's start that its reminder is sent (none for a booking made within them).
        public var reminderHours = 24
        /// Longest wait for a webhook receiver's answer, in seconds.
        public var webhookTimeoutSeconds = 10.0
        /// Webhook receivers posted to at once, each by a loop of its own: a slow receiver holds its loop alone.
        public var webhookLoops = 4
        public init() {}

        /// The wait before the next try after `attempts` tries failed, in seconds.
        func backoffSeconds(afterAttempts attempts: Int) -> Int64 {
            min(backoffSecondsMax, backoffSeconds << min(max(attempts - 1, 0), 30))
        }
    }

    /// Sends messages over one connection: for each, `nil` when accepted, else why not; throws when nothing could be
    /// sent (the relay unreachable). `SMTPClient.send` is one.
    public typealias Transport = @Sendable ([MailMessage]) throws(SMTPClient.Failure) -> [SMTPClient.Failure?]

    public typealias Statistics = DeliveryStatistics

    private let pool: DatabasePool
    /// The master data in force: a mail names the office, services and cut-off as they are when it is sent.
    private let catalogs: LiveCatalog
    private let sender: BookingMail.Sender
    private let transport: Transport
    private let clock: any WallClock
    private let configuration: Configuration
    private let log: @Sendable (String) -> Void
    private let lifecycle = LoopLifecycle()
    private let figures = Mutex(Statistics())

    public init(pool: DatabasePool, catalogs: LiveCatalog, sender: BookingMail.Sender, transport: @escaping Transport,
                clock: any WallClock, configuration: Configuration = .init(), log: @escaping @Sendable (String) -> Void) {
        precondition(configuration.batchMax > 0 && configuration.attemptsMax > 0)
        self.pool = pool
        self.catalogs = catalogs
        self.sender = sender
        self.transport = transport
        self.clock = clock
        self.configuration = configuration
        self.log = log
    }

    public var statistics: Statistics { figures.withLock { $0 } }

    /// The delivery loop.
    public var loops: [(name: String, run: @Sendable () -> Void)] { [("termin-outbox", { [self] in run() })] }

    /// Stops after the round under way and waits for the loop.
    public func stop() { lifecycle.stop() }

    private func run() {
        lifecycle.run {
            while !lifecycle.isStopped {
                var claimed = 0
                let postponedBefore = statistics.postponed
                do { claimed = try deliverDue() } catch { log("outbox delivery failed: \(error)") }
                // A round that found the relay away waits too, rather than claiming the next messages at once.
                if claimed < configuration.batchMax || statistics.postponed > postponedBefore {
                    lifecycle.pause(until: .now + .milliseconds(Int(configuration.intervalSeconds * 1_000)))
                }
            }
        }
    }

    /// One round: claims the due messages, drops the stale ones, sends the rest and settles each. Returns how many
    /// it claimed.
    @discardableResult
    public func deliverDue() throws -> Int {
        let now = clock.now()
        let due = try pool.withConnection { db in
            try OutboxRepository.scheduleReminders(now: now, windowSeconds: Int64(configuration.reminderHours) * 3_600,
                                                   limit: configuration.batchMax, db)
            return try OutboxRepository.claim(limit: configuration.batchMax, now: now, leaseSeconds: configuration.leaseSeconds, db)
        }
        guard !due.isEmpty else { return 0 }
        let catalog = catalogs.live.scheduler.catalog
        var sendable: [(due: OutboxRepository.Due, message: MailMessage)] = []
        var settled: [DeliveryOutcomes.Settled] = []
        for message in due {
            if Self.isStale(message, now: now) {
                settled.append((message.id, .stale, nil))
            } else if let mail = BookingMail.message(message, catalog: catalog, sender: sender, now: now) {
                sendable.append((message, mail))
            } else {
                settled.append((message.id, .stale, "no contact e-mail"))
            }
        }
        var outcomes = DeliveryOutcomes(settled: settled)
        if !sendable.isEmpty {
            let results: [SMTPClient.Failure?]
            do throws(SMTPClient.Failure) {
                results = try transport(sendable.map(\.message))
            } catch {
                results = sendable.map { _ in error.asUntried }
            }
            for ((message, _), failure) in zip(sendable, results) {
                if let failure, failure.untried {
                    outcomes.postponed.append((message.id, now.adding(seconds: configuration.backoffSeconds), failure.description))
                } else if let failure {
                    outcomes.failed(message.id, attempts: message.attempts + 1, error: failure.description,
                                    permanent: failure.permanent, now: now, configuration)
                } else {
                    outcomes.settled.append((message.id, .sent, nil))
                }
            }
        }
        try outcomes.write(pool, now: now)
        figures.withLock { outcomes.count(into: &$0) }
        for (_, settlement, error) in outcomes.settled where settlement == .dead { log("outbox: a message is dead: \(error ?? "")") }
        return due.count
    }

    /// A confirmation, move or reminder a later change superseded: the booking was cancelled or moved again since
    /// (the later message tells of it); a reminder also once the start has passed; an offer also once its hold is no
    /// longer held for the booking. A cancellation is never stale.
    static func isStale(_ message: OutboxRepository.Due, now: Instant) -> Bool {
        let superseded = message.appointment.status != .confirmed || message.appointment.revision > message.revision
        switch message.kind {
        case .cancellation: return false
        case .confirmation, .move: return superseded
        case .reminder: return superseded || message.appointment.start <= now
        case .offer:
            guard let hold = message.offeredHold, hold.status == .held, let expiresAt = hold.expiresAt else { return true }
            return superseded || expiresAt <= now
        }
    }
}
