import Foundation
import Glibc
import Synchronization
import TerminStore
import TerminPostgres

/// One private PostgreSQL cluster for the whole test process, started with the product's own launcher, plus a
/// fresh database per test cloned from a migrated and seeded template. Tests never share a database, so they run
/// in parallel.
public enum TestDatabase {
    struct Cluster: Sendable {
        let postgres: EmbeddedPostgres
    }

    private static let state = Mutex<Result<Cluster, PostgresError>?>(nil)
    private static let counter = Atomic<Int>(0)
    static let templateName = "termin_template"

    /// The running cluster; started on first use, stopped when the test process exits.
    public static func cluster() throws -> EmbeddedPostgres {
        try state.withLock { state -> Result<Cluster, PostgresError> in
            if let state { return state }
            let result: Result<Cluster, PostgresError>
            do { result = .success(try startCluster()) } catch let error as PostgresError {
                result = .failure(error)
            } catch {
                result = .failure(PostgresError(.launchFailed, message: "preparing the test cluster failed: \(error)"))
            }
            state = result
            return result
        }.get().postgres
    }

    private static func startCluster() throws -> Cluster {
        // Short path: the socket path must fit in 107 bytes.
        let directory = "/tmp/termin-test-\(getpid())"
        // Durability is tested elsewhere; the suite runs faster without fsync.
        let postgres = try EmbeddedPostgres(directory: directory, settings: [
            "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_connections": "300",
        ])
        try postgres.start()
        stopAtExit.withLock { $0 = postgres }
        atexit {
            if let postgres = TestDatabase.stopAtExit.withLock({ $0 }) {
                postgres.stop()
                try? FileManager.default.removeItem(atPath: postgres.directory)
            }
        }
        try postgres.createDatabase(templateName)
        let connection = try PostgresConnection(conninfo: postgres.conninfo(database: templateName))
        try Migrator(directory: Migrator.defaultDirectory()).migrate(connection)
        try Seeder.seed(connection)
        return Cluster(postgres: postgres)
    }

    private static let stopAtExit = Mutex<EmbeddedPostgres?>(nil)

    /// A new database, migrated and seeded; returns its connection string.
    public static func create() throws -> String {
        let postgres = try cluster()
        let name = "test_\(counter.add(1, ordering: .relaxed).newValue)"
        try postgres.createDatabase(name, template: templateName)
        return postgres.conninfo(database: name)
    }

    /// A new empty database (no migrations applied).
    public static func createEmpty() throws -> String {
        let postgres = try cluster()
        let name = "empty_\(counter.add(1, ordering: .relaxed).newValue)"
        try postgres.createDatabase(name)
        return postgres.conninfo(database: name)
    }
}
