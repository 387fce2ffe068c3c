/// `termin bench`: the in-process benchmarks, each beside its anchor measured in the same run.
enum BenchCommand: Command {
    static let name = "bench"
    static let summary = "measure the ledger, the durable path, a release burst, the solver and the forecasts against their anchors"
    /// Which benchmark runs.
    enum Benchmark: String, CaseIterable {
        case ledger, durable, release, availability, solver, forecast, all
    }

    static let positional: Positional? = Positional(name: "benchmark", help: "which to run", actions: Benchmark.self,
                                                    default: .all) { benchmark in
        switch benchmark {
        case .ledger: ("in-memory reserve attempts/s, lock-free vs the mutex ledger (uniform and burst)", [seconds, threads])
        case .durable: ("bookings/s committed through the group-commit writer, unkeyed and keyed, vs one transaction per attempt",
                        [seconds, clients, databaseURL])
        case .release: ("a 1,000-slot day raced by 100,000 attempts: time until full, oversell; vs PostgreSQL alone", [databaseURL])
        case .availability: ("one office-day's free times and a 6-office × 42-day calendar in process, lock-free vs mutex ledger",
                             [seconds])
        case .solver: ("the allocation solver on the five public instances at 1 s and 10 s, beside CP-SAT and a greedy", [])
        case .forecast: ("each forecast model's backtest MASE on two years of demo history, beside the seasonal naive", [])
        case .all: ("ledger, durable and release", [seconds, threads, clients, databaseURL])
        }
    }
    static let seconds = Option.integer("seconds", value: "S", help: "per measurement", default: 3, range: 1...600)
    static let clients = Option.integer("clients", value: "N", help: "threads submitting to the commit writer (durable)",
                                        default: 256, range: 1...4_096)
    static let threads = Option.integer("threads", value: "N", help: "threads for the in-memory benchmark", default: 2, range: 1...256)
    static let databaseURL = Option.text("database-url", value: "URL",
                                         help: "a server to create a scratch database on; unset: a temporary embedded cluster (fsync on)")
    static let options: [any OptionDeclaration] = []
    static let details: String? = "Build with -c release: swift run -c release termin bench"

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let benchmark = options.action(Benchmark.self)
        let seconds = Double(options[seconds])
        switch benchmark {
        case .solver: try SolverBenchmark.run()
        case .availability: try AvailabilityBenchmark.run(seconds: seconds)
        case .forecast: try ForecastBenchmark.run()
        case .ledger: LedgerBenchmark.run(seconds: seconds, threads: options[threads])
        case .durable, .release, .all:
            if benchmark == .all { LedgerBenchmark.run(seconds: seconds, threads: options[threads]) }
            let database = try BenchDatabase.open(url: options.optional(databaseURL))
            defer { database.close() }
            if benchmark != .release { try DurableBenchmark.run(database: database, seconds: seconds, clients: options[clients]) }
            if benchmark != .durable { try ReleaseBurstBenchmark.run(database: database) }
        }
        return ExitCode.success
    }
}
