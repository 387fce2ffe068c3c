import Foundation
import TerminCore
import TerminPostgres
import TerminStore

/// `termin seed`: Munich's master data and the staffing model, idempotently; with `--history`, months of plausible
/// demand to forecast on.
enum SeedCommand: Command {
    static let name = "seed"
    static let summary = "load Munich's offices, services and offers plus the staffing model (idempotent); --history adds demo demand"
    static let history = Option<Int>(name: "history", valueName: "MONTHS",
                                     help: "also write MONTHS of plausible demand up to now (and the bookings already made ahead)",
                                     defaultValue: nil, defaultDescription: nil, environment: nil,
                                     expectation: "a whole number from 1 to \(DemoHistory.monthsMax)") {
        Int($0).flatMap { (1...DemoHistory.monthsMax).contains($0) ? $0 : nil }
    }
    static let seed = Option.integer("seed", value: "N", help: "seed of the demo history", default: 1, range: 0...Int(Int32.max))
    static let options: [any OptionDeclaration] = Database.options + [history, seed]
    static let details: String? = "The demo history's model is described in README.md (\"Forecasts\") and in DemoHistory.swift."

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let database = try Database.open(options)
        defer { database.close() }
        _ = try database.migrate()
        let connection = try PostgresConnection(conninfo: database.conninfo)
        let summary = try Seeder.seed(connection)
        print("seeded \(summary)")
        if let months = options.optional(history) {
            let progress = ProgressLine()
            let catalog = try CatalogRepository.load(connection)
            let now = SystemClock().now()
            let written = try DemoHistory.write(months: months, now: now, seed: UInt64(options[seed]), catalog: catalog, connection) { done, days in
                progress.update("history: day \(done) of \(days)")
            }
            progress.finish()
            print("history \(written)")
        }
        return ExitCode.success
    }
}
