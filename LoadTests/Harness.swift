import Foundation
import Glibc
import TerminCore
import TerminStore
import TerminTestSupport

/// A private PostgreSQL cluster (durable settings: fsync on) with Munich's data, and `termin serve` on it.
final class Harness {
    let cluster: EmbeddedPostgres
    let conninfo: String
    private(set) var server: ServerProcess

    /// Starts the cluster in `directory`, migrates and seeds a fresh database, and starts the server.
    init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        chmod(directory, 0o755)   // as root, the cluster runs as postgres, which must reach it
        cluster = try EmbeddedPostgres(directory: directory + "/postgres")
        try cluster.start()
        let name = "termin_load_\(getpid())"
        try cluster.createDatabase(name)
        conninfo = cluster.conninfo(database: name)
        let connection = try PostgresConnection(conninfo: conninfo)
        try Migrator().migrate(connection)
        try Seeder.seed(connection)
        server = try ServerProcess(conninfo: conninfo, extraArguments: ["--quiet"])
    }

    var port: Int { server.port }

    /// The catalogue as the server sees it (for the online-share invariant).
    func catalog() throws -> Catalog { try CatalogRepository.load(try PostgresConnection(conninfo: conninfo)) }

    func stop() {
        server.kill(SIGTERM)
        server.wait()
        cluster.stop()
    }
}
