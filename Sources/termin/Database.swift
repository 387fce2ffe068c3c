import Foundation
import TerminEngine
import TerminPostgres
import TerminStore
import TerminPostgres

/// The database a command works on: the server named by `--database-url` / `TERMIN_DATABASE_URL`, or the embedded
/// cluster under the data directory (default `.termin/`), started on demand.
struct Database {
    /// Database created inside the embedded cluster.
    static let embeddedDatabaseName = "termin"

    let conninfo: String
    /// The embedded cluster, when one was started (to stop on exit).
    let embedded: EmbeddedPostgres?

    var description: String {
        embedded.map { "embedded PostgreSQL in \($0.directory)" } ?? "PostgreSQL at TERMIN_DATABASE_URL"
    }

    static let optionNames: Set<String> = ["database-url", "data-dir"]

    static func open(_ options: Options) throws -> Database {
        if let url = options["database-url"] ?? ProcessInfo.processInfo.environment["TERMIN_DATABASE_URL"], !url.isEmpty {
            return Database(conninfo: url, embedded: nil)
        }
        let dataDirectory = options["data-dir"] ?? ProcessInfo.processInfo.environment["TERMIN_DATA_DIR"] ?? ".termin"
        let cluster = try EmbeddedPostgres(directory: dataDirectory + "/postgres")
        try cluster.start()
        try cluster.createDatabase(embeddedDatabaseName)
        return Database(conninfo: cluster.conninfo(database: embeddedDatabaseName), embedded: cluster)
    }

    /// Applies pending migrations; returns their names.
    func migrate() throws -> [String] {
        let connection = try PostgresConnection(conninfo: conninfo)
        return try Migrator().migrate(connection)
    }
}
