import TerminPostgres
import TerminStore

/// `termin seed`: Munich's master data and the staffing model, idempotently.
enum SeedCommand: Command {
    static let name = "seed"
    static let summary = "load Munich's offices, services and offers plus the staffing model (idempotent)"
    static let options = Database.options

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let database = try Database.open(options)
        defer { database.embedded?.stop() }
        _ = try database.migrate()
        let summary = try Seeder.seed(try PostgresConnection(conninfo: database.conninfo))
        print("seeded \(summary)")
        return ExitCode.success
    }
}
