import Dispatch
import Synchronization

/// Watches the database a serving engine writes to: probes it every `intervalSeconds` on a connection of its own,
/// and when the embedded cluster it runs on has stopped (killed, or stopped by hand), starts it again. What it sees
/// goes to `report` (one event per change) and to its figures (for readiness and metrics).
public final class DatabaseSupervisor: Sendable {
    /// A change the supervisor saw.
    public enum Event: Sendable {
        /// The probe failed; the database was reachable before.
        case lost(reason: String)
        /// The probe succeeded again after a failure.
        case restored(outageSeconds: Double)
        /// The embedded cluster was not running and was started again.
        case clusterRestarted
        /// The embedded cluster was not running and could not be started (tried again at the next probe).
        case clusterRestartFailed(reason: String)
        /// The engine reaches another server than before, or the same one restarted: a failover, or a restart.
        case serverChanged(server: String)
    }

    /// Default seconds between probes.
    public static let intervalSecondsDefault = 1.0

    public let conninfo: String
    /// The embedded cluster to keep running; `nil` for a server someone else runs.
    public let cluster: EmbeddedPostgres?
    public let intervalSeconds: Double
    private let report: @Sendable (Event) -> Void
    private let reachable = Atomic<Bool>(true)
    private let outages = Atomic<Int>(0)
    private let restarts = Atomic<Int>(0)
    private let serverChanges = Atomic<Int>(0)
    /// The standbys' replay lag the primary reports, in microseconds (0 without standbys).
    private let replicationLagMicroseconds = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    public init(conninfo: String, cluster: EmbeddedPostgres?, intervalSeconds: Double = intervalSecondsDefault,
                report: @escaping @Sendable (Event) -> Void) {
        precondition(intervalSeconds > 0)
        self.conninfo = conninfo
        self.cluster = cluster
        self.intervalSeconds = intervalSeconds
        self.report = report
    }

    /// Whether the last probe reached the database (true until a probe fails).
    public var isReachable: Bool { reachable.load(ordering: .acquiring) }
    /// Times the database became unreachable.
    public var outageCount: Int { outages.load(ordering: .relaxed) }
    /// Times the embedded cluster was started again.
    public var clusterRestartCount: Int { restarts.load(ordering: .relaxed) }
    /// Times the server the engine reaches changed or restarted (failovers, restarts).
    public var serverChangeCount: Int { serverChanges.load(ordering: .relaxed) }
    /// The largest replay lag of the primary's standbys at the last probe, in seconds (0 without standbys).
    public var replicationLagSeconds: Double { Double(replicationLagMicroseconds.load(ordering: .relaxed)) / 1e6 }

    /// The probing loop, for the composition root to run on a thread of its own.
    public var loops: [(name: String, run: @Sendable () -> Void)] { [("termin-database-supervisor", { self.run() })] }

    /// Ends the loop and waits for it.
    public func stop() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wake.signal()
        if started.load(ordering: .acquiring) { finished.wait() }
    }

    private func run() {
        started.store(true, ordering: .releasing)
        defer { finished.signal() }
        var connection: PostgresConnection?
        var lostAt: DispatchTime?
        var server: String?
        while !stopping.load(ordering: .acquiring) {
            do throws(PostgresError) {
                let live: PostgresConnection
                if let connection, connection.isOpen { live = connection } else {
                    live = try PostgresConnection(conninfo: conninfo, applicationName: "termin-supervisor")
                }
                connection = live
                // Which server, since when: a change of either is a failover or a restart. And its standbys' lag.
                let row = try live.query("""
                    SELECT coalesce(host(inet_server_addr()), 'local') || ':' || coalesce(inet_server_port(), 0) || ' up since '
                      || pg_postmaster_start_time(),
                      (SELECT coalesce(max(extract(epoch FROM replay_lag)), 0) FROM pg_stat_replication)
                    """).rows.first
                let identity = row?[0] ?? ""
                if let known = server, known != identity {
                    serverChanges.add(1, ordering: .relaxed)
                    report(.serverChanged(server: identity))
                }
                server = identity
                replicationLagMicroseconds.store(Int((Double(row?[1] ?? "0") ?? 0) * 1e6), ordering: .relaxed)
                if let since = lostAt {
                    lostAt = nil
                    reachable.store(true, ordering: .releasing)
                    report(.restored(outageSeconds: Double(DispatchTime.now().uptimeNanoseconds - since.uptimeNanoseconds) / 1e9))
                }
            } catch {
                connection = nil
                if lostAt == nil {
                    lostAt = .now()
                    reachable.store(false, ordering: .releasing)
                    outages.add(1, ordering: .relaxed)
                    report(.lost(reason: error.message))
                }
                if restartClusterIfStopped() { continue }   // probe again at once
            }
            _ = wake.wait(timeout: .now() + intervalSeconds)
        }
    }

    /// Starts the embedded cluster when it is not running; returns whether it did.
    private func restartClusterIfStopped() -> Bool {
        guard let cluster, !cluster.isRunning else { return false }
        do {
            guard try cluster.start() else { return false }
            restarts.add(1, ordering: .relaxed)
            report(.clusterRestarted)
            return true
        } catch {
            report(.clusterRestartFailed(reason: error.message))
            return false
        }
    }
}
