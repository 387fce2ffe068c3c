import Foundation

enum BenchCommand: Command {
    static let name = "bench"
    static let summary = "measure the ledger, the durable path and a release burst against their anchors"
    static let usage = """
        termin bench [ledger|durable|release|all] [--seconds S] [--threads N] [--database-url URL]

          ledger    in-memory reserve attempts/s, lock-free vs the mutex ledger (uniform and burst)
          durable   bookings/s committed through the group-commit writer vs one transaction per attempt
          release   a 1,000-slot day raced by 100,000 attempts: time until full, oversell; vs PostgreSQL alone
          --seconds S      per measurement (default 3)
          --threads N      threads for the in-memory benchmark (default 2)
          --database-url   a server to create a scratch database on; default: a temporary embedded cluster (fsync on)

        Build with -c release: swift run -c release termin bench
        """
    static let valuedOptions: Set<String> = ["seconds", "threads", "database-url"]
    static let takesPositional = true
    static let scenarios = ["ledger", "durable", "release", "all"]

    static func run(_ options: Options) throws -> Int32 {
        let seconds = Double(try options.integer("seconds", default: 3, range: 1...600))
        let threads = try options.integer("threads", default: 2, range: 1...256)
        let scenario = options.positional ?? "all"
        guard scenarios.contains(scenario) else { throw Options.UsageError(description: "unknown benchmark '\(scenario)'") }
        if scenario == "ledger" || scenario == "all" { LedgerBenchmark.run(seconds: seconds, threads: threads) }
        if scenario == "durable" || scenario == "release" || scenario == "all" {
            let database = try BenchDatabase.open(url: options["database-url"])
            defer { database.close() }
            if scenario != "release" { try DurableBenchmark.run(database: database, seconds: seconds) }
            if scenario != "durable" { try ReleaseBurstBenchmark.run(database: database) }
        }
        return ExitCode.success
    }
}
