import Foundation
import Glibc
import TerminCore
import TerminStore
import TerminPostgres
import TerminTestSupport

/// A private PostgreSQL cluster (durable settings: fsync on) with Munich's data, and `termin serve` on it.
final class Harness {
    let cluster: EmbeddedPostgres
    let conninfo: String
    private(set) var server: ServerProcess

    /// The server's arguments beyond port and database.
    let serverArguments: [String]

    /// Starts the cluster in `directory`, migrates and seeds a fresh database, and starts the server (with
    /// `serverArguments` besides `--quiet`).
    init(directory: String, serverArguments: [String] = []) throws {
        (cluster, conninfo) = try Self.database(directory: directory)
        self.serverArguments = ["--quiet"] + serverArguments
        server = try ServerProcess(conninfo: conninfo, extraArguments: self.serverArguments)
        port = server.port
    }

    /// Starts a cluster in `directory` with a fresh database, migrated and seeded (for scenarios without a server).
    static func database(directory: String) throws -> (cluster: EmbeddedPostgres, conninfo: String) {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        chmod(directory, 0o755)   // as root, the cluster runs as postgres, which must reach it
        let cluster = try EmbeddedPostgres(directory: directory + "/postgres")
        try cluster.start()
        let name = "termin_load_\(getpid())"
        try cluster.createDatabase(name)
        let conninfo = cluster.conninfo(database: name)
        let connection = try PostgresConnection(conninfo: conninfo)
        try Migrator().migrate(connection)
        try Seeder.seed(connection)
        return (cluster, conninfo)
    }

    /// The server's port, kept across restarts so clients find it again.
    let port: Int

    /// A fault in the middle of a run.
    enum Fault: String, CaseIterable {
        /// SIGKILL the server, then start it again on the same port (it rebuilds its ledger from PostgreSQL).
        case killServer = "kill-server"
        /// Restart PostgreSQL under the running server (fast shutdown: open transactions are rolled back).
        case restartPostgres = "restart-postgres"
    }

    /// Applies a fault and returns when the system is serving again.
    func inject(_ fault: Fault) throws {
        switch fault {
        case .killServer:
            server.kill(SIGKILL)
            try server.wait()
            server = try ServerProcess(conninfo: conninfo, port: port, extraArguments: serverArguments)
        case .restartPostgres:
            cluster.stop()
            try cluster.start()
        }
    }

    /// A new staff account's token (64 random hex digits), made in the database.
    func staffToken(name: String, role: StaffRole, dailyQuota: Int? = nil) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        _ = try StaffRepository.create(name: name, role: role, officeIDs: [], dailyQuota: dailyQuota, token: token,
                                       now: Instant(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)),
                                       try PostgresConnection(conninfo: conninfo))
        return token
    }

    /// The catalogue as the server sees it (for the online-share invariant).
    func catalog() throws -> Catalog { try CatalogRepository.load(try PostgresConnection(conninfo: conninfo)) }

    func stop() {
        server.kill(SIGTERM)
        _ = try? server.wait()
        cluster.stop()
    }
}

/// Waits for every thread of a scenario, or fails the scenario (`Wait.TimedOut`) when they are not all done within
/// `seconds`: no load test waits without a deadline.
func waitForAll(_ done: DispatchGroup, seconds: Double, _ what: String) throws {
    guard done.wait(timeout: .now() + seconds) == .success else {
        throw Wait.TimedOut(description: "\(what) not done within \(Int(seconds)) s")
    }
}
