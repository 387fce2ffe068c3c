import TerminCore
import TerminStore

/// The booking engine with its collaborators, wired in the order start-up needs: listen for other instances'
/// changes, load the catalogue and rebuild the ledger from the live appointments (whatever commits in between arrives
/// as a notification and is applied, or found already there), then the writer, the engine and the sweeper.
///
/// Nothing here starts a thread: the composition root runs `loops`, each on a thread of its own, and calls `stop`
/// once the server has stopped taking requests.
public final class EngineAssembly: Sendable {
    public let engine: BookingEngine
    public let sync: LedgerSync
    public let writer: CommitWriter
    public let sweeper: HoldSweeper
    /// The office queues at the counters.
    public let counters: CounterEngine
    /// Staff accounts and roles.
    public let staff: StaffDirectory
    /// Release rounds: collected requests allocated at once.
    public let rounds: RoundEngine

    /// Figures for metrics.
    public struct Statistics: Sendable {
        /// Holds and bookings the in-memory ledger holds time for.
        public let ledgerAppointments: Int
        /// Ledger notifications applied (all instances').
        public let ledgerEventsApplied: Int
        /// Times the notifications were lost and the ledger was resynchronised with the database.
        public let ledgerResynchronisations: Int
        public let commit: CommitWriter.Statistics
    }

    /// Wires an engine on `pool`'s database. The in-memory ledger is a `LockFreeSlotLedger` from a week before
    /// `clock`'s today on.
    /// - Parameter log: receives operational messages (lost notifications, failed sweeps).
    public init(pool: DatabasePool, clock: any WallClock, configuration: BookingEngine.Configuration = .init(),
                commit: CommitWriter.Configuration = .init(), follower: LedgerFollower.Limits = .init(),
                sweepIntervalSeconds: Double = HoldSweeper.intervalSecondsDefault,
                counters counterConfiguration: CounterEngine.Configuration = .init(),
                rounds roundConfiguration: RoundEngine.Configuration = .init(),
                log: @escaping @Sendable (String) -> Void = { _ in }) throws {
        let feed = try LedgerFeed(conninfo: pool.conninfo)
        let today = BerlinTime.local(clock.now()).date
        let catalogs = try pool.withConnection { try LiveCatalog(reading: $0, today: today) }
        sync = LedgerSync(feed: feed, conninfo: pool.conninfo, catalogs: catalogs, clock: clock, limits: follower, log: log)
        writer = CommitWriter(conninfo: pool.conninfo, applicationName: pool.applicationName, configuration: commit)
        engine = BookingEngine(pool: pool, catalogs: catalogs, writer: writer, clock: clock, configuration: configuration,
                               codes: try Self.bookingCodes(pool), identityHasher: try Self.identityHasher(configuration, pool))
        counters = CounterEngine(booking: engine, configuration: counterConfiguration)
        sweeper = HoldSweeper(engine: engine, counters: counters, intervalSeconds: sweepIntervalSeconds, log: log)
        staff = StaffDirectory(pool: pool, clock: clock)
        rounds = try RoundEngine(booking: engine, staff: staff, configuration: roundConfiguration, log: log)
        sync.onRoundDefined { [rounds] in
            do { try rounds.refresh() } catch { log("release rounds not read again after an announcement: \(error)") }
        }
        sync.onCalls { [broadcaster = counters.broadcaster] calls in calls.forEach(broadcaster.publish) }
    }

    /// Name of the identity key the database keeps when the deployment gives none.
    static let identityKeyName = "identity-hmac"

    /// The hasher of citizens' identities when caps are on: under the configured key, else under the database's
    /// (made by the first instance that needs it, so that every instance and every restart hashes alike).
    private static func identityHasher(_ configuration: BookingEngine.Configuration, _ pool: DatabasePool) throws -> IdentityHasher? {
        guard configuration.identityLimits != nil else { return nil }
        if let key = configuration.identityKey { return IdentityHasher(key: key) }
        return IdentityHasher(key: try databaseKey(named: identityKeyName, pool))
    }

    /// The booking codes, under the database's key (made by the first instance, so that every instance and every
    /// restart derives the same code from a booking's id).
    private static func bookingCodes(_ pool: DatabasePool) throws -> BookingCodes {
        BookingCodes(key: try databaseKey(named: BookingCodes.keyName, pool))
    }

    /// The database's key `name`: 32 random bytes, made by the first instance that needs it.
    private static func databaseKey(named name: String, _ pool: DatabasePool) throws -> [UInt8] {
        let proposed = Secret.bytes(count: 32)
        return try pool.withConnection { try SecretRepository.secret(named: name, proposing: proposed, $0) }
    }

    /// Every loop the engine needs run: the commit writers, the ledger sync, the sweeper and the rounds' closer.
    public var loops: [(name: String, run: @Sendable () -> Void)] { writer.loops + sync.loops + sweeper.loops + rounds.loops }

    public var statistics: Statistics {
        Statistics(ledgerAppointments: engine.live.appointmentCount, ledgerEventsApplied: sync.appliedCount,
                   ledgerResynchronisations: sync.resynchronisationCount,
                   commit: writer.statistics)
    }

    /// Stops sweeping and following, then writes what is queued; call once, when no request is taking new work.
    public func stop() {
        sweeper.stop()
        rounds.stop()
        sync.stop()
        writer.stop()
    }
}
