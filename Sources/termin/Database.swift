import Foundation
import TerminPostgres

/// The database a command works on: the server named by `--database-url` / `TERMIN_DATABASE_URL`, or the embedded
/// cluster under the data directory (default `.termin/`), started on demand and shared: a command run beside a
/// serving engine uses the engine's cluster and leaves it running (`close`).
struct Database {
    /// Database created inside the embedded cluster.
    static let embeddedDatabaseName = "termin"

    static let url = Option.text("database-url", value: "URL",
                                 help: "PostgreSQL to use (libpq URL or key=value string)",
                                 environment: "TERMIN_DATABASE_URL")
    static let dataDirectory = Option.text("data-dir", value: "DIR", help: "where the embedded cluster lives",
                                           default: ".termin", environment: "TERMIN_DATA_DIR")
    static let binDirectory = Option.text("pg-bin", value: "DIR", help: "the embedded cluster's PostgreSQL server binaries "
                                            + "(unset: pg_config --bindir, else the newest /usr/lib/postgresql/*/bin)",
                                          environment: "TERMIN_PG_BIN")
    static let runAsUser = Option.text("pg-user", value: "NAME", help: "run as root: the unprivileged user the embedded "
                                         + "cluster runs as (unset: postgres, else nobody)", environment: "TERMIN_PG_USER")
    static let sqlDirectory = Option.text("sql-dir", value: "DIR", help: "the migrations folder (unset: the repository's Sql/)",
                                          environment: "TERMIN_SQL_DIR")
    /// The options of every command that opens the database.
    static let options: [any OptionDeclaration] = [url, dataDirectory, binDirectory, runAsUser, sqlDirectory]

    let conninfo: String
    /// This process's use of the embedded cluster, when the command runs on it.
    let embedded: EmbeddedPostgres.Use?
    /// The migrations folder.
    let sqlDirectory: String

    var description: String {
        embedded.map { "embedded PostgreSQL in \($0.cluster.directory)" } ?? "PostgreSQL at TERMIN_DATABASE_URL"
    }

    static func open(_ options: ParsedOptions) throws -> Database {
        let sql = options.optional(sqlDirectory) ?? Migrator.defaultDirectory()
        if let url = options.optional(url) { return Database(conninfo: url, embedded: nil, sqlDirectory: sql) }
        let cluster = try embeddedCluster(options)
        let use = try cluster.use()
        do { try cluster.createDatabase(embeddedDatabaseName) } catch {
            use.close()
            throw error
        }
        return Database(conninfo: cluster.conninfo(database: embeddedDatabaseName), embedded: use, sqlDirectory: sql)
    }

    /// The embedded cluster the options name (not started).
    static func embeddedCluster(_ options: ParsedOptions) throws -> EmbeddedPostgres {
        try EmbeddedPostgres(directory: options[dataDirectory] + "/postgres", binDirectory: options.optional(binDirectory),
                             runAsUser: options.optional(runAsUser))
    }

    /// Ends the command's use of the database: the embedded cluster stops if no other process uses it.
    func close() {
        embedded?.close()
    }

    /// Applies pending migrations; returns their names.
    func migrate() throws -> [String] {
        let connection = try PostgresConnection(conninfo: conninfo)
        return try Migrator(directory: sqlDirectory).migrate(connection)
    }
}
