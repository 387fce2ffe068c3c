import Dispatch
import Foundation
import Glibc
import TerminAPI
import TerminHTTP
import TerminEngine
import TerminPostgres
import TerminStore
import TerminPostgres

/// Exit codes as swift-argument-parser uses them.
enum ExitCode {
    static let success: Int32 = 0
    static let failure: Int32 = 1
    static let usage: Int32 = 64
}

/// One subcommand.
protocol Command {
    static var name: String { get }
    static var summary: String { get }
    static var usage: String { get }
    static var valuedOptions: Set<String> { get }
    /// Whether the command takes one argument that is not an option (`termin bench ledger`).
    static var takesPositional: Bool { get }
    /// Options without a value the command accepts (`--help` always).
    static var flags: Set<String> { get }
    static func run(_ options: Options) throws -> Int32
}

extension Command {
    static var takesPositional: Bool { false }
    static var flags: Set<String> { ["help"] }
}

let databaseHelp = """
      --database-url URL   PostgreSQL to use (libpq URL or key=value string); default: TERMIN_DATABASE_URL,
                           else an embedded cluster started from the installed server binaries
      --data-dir DIR       where the embedded cluster lives (default: TERMIN_DATA_DIR, else .termin)
    """

enum MigrateCommand: Command {
    static let name = "migrate"
    static let summary = "apply the SQL migrations in Sql/ that are not applied yet"
    static let usage = "termin migrate [--database-url URL] [--data-dir DIR]\n\n\(databaseHelp)"
    static let valuedOptions = Database.optionNames

    static func run(_ options: Options) throws -> Int32 {
        let database = try Database.open(options)
        defer { database.embedded?.stop() }
        let applied = try database.migrate()
        print(applied.isEmpty ? "schema is up to date" : "applied: " + applied.joined(separator: ", "))
        return ExitCode.success
    }
}

enum SeedCommand: Command {
    static let name = "seed"
    static let summary = "load Munich's offices, services and offers plus the staffing model (idempotent)"
    static let usage = "termin seed [--database-url URL] [--data-dir DIR]\n\n\(databaseHelp)"
    static let valuedOptions = Database.optionNames

    static func run(_ options: Options) throws -> Int32 {
        let database = try Database.open(options)
        defer { database.embedded?.stop() }
        _ = try database.migrate()
        let summary = try Seeder.seed(try PostgresConnection(conninfo: database.conninfo))
        print("seeded \(summary)")
        return ExitCode.success
    }
}

enum ServeCommand: Command {
    static let name = "serve"
    static let summary = "serve the REST API (migrates, and seeds an empty database)"
    static let usage = """
        termin serve [--host HOST] [--port PORT] [--database-url URL] [--data-dir DIR] [--staff-token TOKEN] [--quiet]

          --host HOST          address to listen on (default 127.0.0.1)
          --port PORT          TCP port (default 8080)
          --staff-token TOKEN  unlocks the staff and walk_in channels (Authorization: Staff TOKEN);
                               default: TERMIN_STAFF_TOKEN, else those channels are off
          --quiet              no access log (by default one JSON line per request on stderr)
          --workers N          threads running request handlers (default 64); a handler waits for its
                               booking's batch to commit, so this bounds how many bookings share a commit
        \(databaseHelp)

        Stops on SIGINT or SIGTERM: in-flight requests finish, then the embedded cluster stops.
        """
    static let valuedOptions = Database.optionNames.union(["host", "port", "staff-token", "workers"])
    static let flags: Set<String> = ["help", "quiet"]

    static func run(_ options: Options) throws -> Int32 {
        var configuration = HTTPServer.Configuration()
        configuration.host = options["host"] ?? "127.0.0.1"
        configuration.port = try options.integer("port", default: 8080, range: 0...65535)
        configuration.workerThreads = try options.integer("workers", default: 64, range: 1...1024)
        let staffToken = options["staff-token"] ?? ProcessInfo.processInfo.environment["TERMIN_STAFF_TOKEN"]

        // Signals are taken from here on, so that a Ctrl-C during start-up still stops the cluster.
        let stopRequested = DispatchSemaphore(value: 0)
        let signalQueue = DispatchQueue(label: "termin.signals")
        var sources: [DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: signalQueue)
            source.setEventHandler { stopRequested.signal() }
            source.resume()
            sources.append(source)
        }

        let database = try Database.open(options)
        defer { database.embedded?.stop() }
        let applied = try database.migrate()
        if !applied.isEmpty { log("applied migrations: \(applied.joined(separator: ", "))") }
        let connection = try PostgresConnection(conninfo: database.conninfo)
        if try CatalogRepository.isEmpty(connection) { log("seeded \(try Seeder.seed(connection))") }

        let pool = ConnectionPool(conninfo: database.conninfo, size: min(configuration.workerThreads, ConnectionPool.sizeDefault * 2))
        let assembly = try EngineAssembly(pool: pool, clock: SystemClock(), log: log)
        Threads.start(assembly.loops)
        let api = TerminAPI(assembly: assembly, staffToken: staffToken)
        let router = api.router()
        configuration.metrics = api.metrics
        configuration.accessLog = options.flags.contains("quiet") ? nil : AccessLog.toStandardError
        let server = try HTTPServer(configuration: configuration, router: router)
        Threads.start(server.loops)
        // Unbuffered, so whoever waits for this line (a script, a test) sees it at once.
        FileHandle.standardOutput.write(Data("Termin listening on http://\(configuration.host):\(server.port) (\(database.description))\n".utf8))

        stopRequested.wait()
        log("stopping: finishing in-flight requests")
        server.stop()
        assembly.stop()
        _ = sources
        return ExitCode.success
    }
}

func log(_ message: String) {
    FileHandle.standardError.write(Data(("termin: " + message + "\n").utf8))
}
