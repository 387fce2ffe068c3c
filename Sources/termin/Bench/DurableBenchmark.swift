import Synchronization
import TerminCore
import TerminEngine
import TerminPostgres
import TerminStore

/// Durable: bookings per second committed to PostgreSQL through the group-commit writer, against the naive path
/// (one transaction per attempt, the exclusion constraint deciding) on the same schema, database and machine.
enum DurableBenchmark {
    /// - Parameter clients: threads submitting to the writer (256: as many requests in flight as HTTP workers, full
    ///   batches; 32: batches the size a REST load makes).
    static func run(database: BenchDatabase, seconds: Double, clients: Int) throws {
        print("durable bookings (fsync on), \(seconds) s per measurement, 200 desks × 20 days × 100 units, random slots")
        let catalog = BenchSupport.catalog(desks: 200)
        let layouts = BenchSupport.workingDays(20).map { DayLayout.make(catalog: catalog, officeID: BenchSupport.officeID, date: $0)! }
        let deskIDs = catalog.desks[BenchSupport.officeID]!.map(\.id)
        let now = Instant(secondsSinceEpoch: 1_764_000_000)

        // Anchor: each attempt its own transaction, 16 client threads (as pgbench -c 16), no notification triggers.
        let pool = ConnectionPool(conninfo: database.naiveConninfo, size: 16)
        let naive = measure(threads: 16, seconds: seconds) { random in
            let layout = layouts[random.below(layouts.count)]
            let row = BenchDatabase.row(layout: layout, deskID: deskIDs[random.below(deskIDs.count)],
                                        startUnit: 96 + random.below(100), units: 1, now: now)
            do {
                return !(try pool.transaction { try AppointmentRepository.insert([row], $0) }).ids.isEmpty
            } catch {
                return false
            }
        }
        // Group commit: `clients` threads submit to one writer, without
        // and with an idempotency key on every booking (what a portal sends), alternating twice so that neither
        // gains from going first on smaller tables.
        let writer = CommitWriter(conninfo: database.conninfo)
        Threads.start(writer.loops)
        let keyCount = Atomic<Int>(0)
        var perSecond: [Bool: [Double]] = [:]
        var statistics: [Bool: (batches: Int, entries: Int)] = [:]
        for keyed in [false, true, true, false] {
            let before = writer.statistics
            perSecond[keyed, default: []].append(measure(threads: clients, seconds: seconds) { random in
                let layout = layouts[random.below(layouts.count)]
                let key = keyed ? "bench-\(keyCount.add(1, ordering: .relaxed).newValue)" : nil
                let row = BenchDatabase.row(layout: layout, deskID: deskIDs[random.below(deskIDs.count)],
                                            startUnit: 96 + random.below(100), units: 1, now: now,
                                            idempotency: key.map { WritePlan.Idempotency(key: $0, fingerprint: $0) })
                let outcome = writer.submit(WritePlan([.insert(row)], code: row.code, idempotency: row.idempotency, now: now))
                if case .committed = outcome { return true }
                return false
            })
            let after = writer.statistics
            statistics[keyed, default: (0, 0)].batches += after.batches - before.batches
            statistics[keyed, default: (0, 0)].entries += after.entries - before.entries
        }
        let largest = writer.statistics.largestBatch
        writer.stop()
        func mean(_ keyed: Bool) -> Double { perSecond[keyed]!.reduce(0, +) / Double(perSecond[keyed]!.count) }
        for keyed in [false, true] {
            let figures = statistics[keyed]!
            print("  \(keyed ? "group commit, keyed" : "group commit") \(BenchSupport.format(mean(keyed))) bookings/s "
                  + "(\(perSecond[keyed]!.map { BenchSupport.format($0) }.joined(separator: ", "))) "
                  + "  naive \(BenchSupport.format(naive)) bookings/s   ratio \(String(format: "%.2f", mean(keyed) / naive))x"
                  + "   (\(figures.batches) batches, mean \(String(format: "%.1f", Double(figures.entries) / Double(max(figures.batches, 1)))),"
                  + " largest \(largest))")
        }
        print("  keyed / unkeyed \(String(format: "%.2f", mean(true) / mean(false)))x")
    }

    /// Committed bookings per second with `threads` clients calling `attempt` until `seconds` pass.
    static func measure(threads: Int, seconds: Double, _ attempt: @escaping @Sendable (inout BenchSupport.FastRandom) -> Bool) -> Double {
        let committed = Atomic<Int>(0)
        let began = BenchSupport.nowSeconds()
        let elapsed = BenchSupport.onThreads(threads) { thread in
            var random = BenchSupport.FastRandom(seed: UInt64(thread + 1) &* 0x9E37_79B9 &+ UInt64(began * 1e6))
            var count = 0
            while BenchSupport.nowSeconds() - began < seconds { if attempt(&random) { count += 1 } }
            committed.add(count, ordering: .relaxed)
        }
        return Double(committed.load(ordering: .relaxed)) / elapsed
    }
}

/// Release burst: a freshly released 1,000-slot day raced by 100,000 attempts from 64 clients, each deciding in the
/// ledger and committing the winners through the writer. Prints the time until every slot is committed and the
/// oversell (rows beyond 1,000 or overlapping: must be 0), beside PostgreSQL alone deciding the same race.
enum ReleaseBurstBenchmark {
    static let attemptsTotal = 100_000
    static let clients = 256
    /// Clients of the PostgreSQL-alone anchor: its best showing on this machine class. With 16 a fresh database
    /// fell into a lock convoy (80 s to fill the day, against 1.4 s with 4); the anchor should not flatter us.
    static let naiveClients = 4

    static func run(database: BenchDatabase) throws {
        print("release burst: 1,000-slot day, \(BenchSupport.format(Double(attemptsTotal))) attempts, \(clients) clients")
        let catalog = BenchSupport.catalog(desks: 10)
        // Days the durable benchmark (the first 20 working days) does not touch.
        let days = Array(BenchSupport.workingDays(42).suffix(2))
        let deskIDs = catalog.desks[BenchSupport.officeID]!.map(\.id)
        let now = Instant(secondsSinceEpoch: 1_764_000_000)

        // Anchor: PostgreSQL alone on day 1, one transaction per attempt, until the day is full.
        let naiveLayout = DayLayout.make(catalog: catalog, officeID: BenchSupport.officeID, date: days[0])!
        // The schema as it is: only the ~1,000 winners commit (and notify); losers roll back.
        let pool = ConnectionPool(conninfo: database.conninfo, size: 16)
        let naive = race(clients: naiveClients, layout: naiveLayout, deskIDs: deskIDs) { row in
            (try? pool.transaction { try AppointmentRepository.insert([row], $0) })?.ids.isEmpty == false
        }
        // Termin on day 2: ledger first, winners through the writer.
        let layout = DayLayout.make(catalog: catalog, officeID: BenchSupport.officeID, date: days[1])!
        let ledger = LockFreeSlotLedger(officeIDs: [BenchSupport.officeID], firstDate: days[0])
        let writer = CommitWriter(conninfo: database.conninfo)
        Threads.start(writer.loops)
        let termin = race(clients: clients, layout: layout, deskIDs: deskIDs) { row in
            let run = row.appointment.run
            guard let won = ledger.reserve(layout: layout, deskIDs: [run.deskID], startUnit: run.startUnit, units: 1,
                                           channel: .online) else { return false }
            if case .committed = writer.submit(WritePlan([.insert(row)], now: now)) { return true }
            ledger.release(won, channel: .online)
            return false
        }
        writer.stop()
        for (name, result, day) in [("termin", termin, days[1]), ("naive", naive, days[0])] {
            let rows = Int(try database.scalar("SELECT count(*) FROM appointment WHERE day = '\(day)' AND status = 'confirmed'") ?? "0")!
            let overlaps = Int(try database.scalar("""
                SELECT count(*) FROM appointment a JOIN appointment b ON a.desk_id = b.desk_id AND a.id < b.id AND a.span && b.span
                WHERE a.day = '\(day)' AND b.day = '\(day)'
                """) ?? "0")!
            print("  \(name.padding(toLength: 7, withPad: " ", startingAt: 0)) all 1,000 slots committed after "
                  + "\(result.fullAfterSeconds.map { String(format: "%.3f s", $0) } ?? "never")"
                  + "   \(BenchSupport.format(Double(result.attempts))) attempts   oversell \(max(0, rows - 1000) + overlaps)")
        }
        if let t = termin.fullAfterSeconds, let n = naive.fullAfterSeconds {
            print("  ratio: termin fills the day \(String(format: "%.1f", n / t))x faster")
        }
    }

    struct Result {
        let fullAfterSeconds: Double?
        let attempts: Int
    }

    /// Clients attempt random slots until the day is full or the attempts are spent.
    static func race(clients: Int, layout: DayLayout, deskIDs: [Int],
                     _ attempt: @escaping @Sendable (AppointmentRepository.NewRow) -> Bool) -> Result {
        let committed = Atomic<Int>(0), attempts = Atomic<Int>(0), fullAt = Atomic<UInt64>(0)
        let now = Instant(secondsSinceEpoch: 1_764_000_000)
        let began = BenchSupport.nowSeconds()
        _ = BenchSupport.onThreads(clients) { thread in
            var random = BenchSupport.FastRandom(seed: UInt64(thread + 7) &* 0x2545F491 &+ UInt64(began * 1e6))
            while committed.load(ordering: .relaxed) < 1000,
                  attempts.add(1, ordering: .relaxed).newValue <= attemptsTotal {
                let row = BenchDatabase.row(layout: layout, deskID: deskIDs[random.below(deskIDs.count)],
                                            startUnit: 96 + random.below(100), units: 1, now: now)
                if attempt(row), committed.add(1, ordering: .relaxed).newValue == 1000 {
                    fullAt.store(UInt64((BenchSupport.nowSeconds() - began) * 1e9), ordering: .relaxed)
                }
            }
        }
        let full = fullAt.load(ordering: .relaxed)
        return Result(fullAfterSeconds: full == 0 ? nil : Double(full) / 1e9, attempts: min(attempts.load(ordering: .relaxed), attemptsTotal))
    }
}
