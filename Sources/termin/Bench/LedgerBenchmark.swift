import Synchronization
import TerminCore

/// In memory: reserve attempts per second on 2 threads, lock-free ledger against the mutex ledger (the anchor),
/// same workload, same run.
enum LedgerBenchmark {
    /// uniform: 200 desks × 20 days × 120 units, 2-unit runs at random (the baseline's uniform scenario);
    /// burst: a 1,000-slot day (10 desks × 100 units) raced by 100,000 one-unit attempts, round after round.
    static func run(seconds: Double, threads: Int) {
        print("in-memory reserve attempts, \(threads) threads, \(seconds) s per measurement")
        for scenario in ["uniform", "burst"] {
            let anchor = measure(scenario, lockFree: false, seconds: seconds, threads: threads)
            let lockFree = measure(scenario, lockFree: true, seconds: seconds, threads: threads)
            print("  \(scenario.padding(toLength: 8, withPad: " ", startingAt: 0)) lock-free \(BenchSupport.format(lockFree.rate)) attempts/s"
                  + "   mutex anchor \(BenchSupport.format(anchor.rate)) attempts/s   ratio \(String(format: "%.2f", lockFree.rate / anchor.rate))x"
                  + "   oversell \(lockFree.oversell + anchor.oversell)")
        }
    }

    struct Result {
        let rate: Double
        /// Units handed out beyond capacity (must be 0).
        let oversell: Int
    }

    static func measure(_ scenario: String, lockFree: Bool, seconds: Double, threads: Int) -> Result {
        let burst = scenario == "burst"
        let desks = burst ? 10 : 200
        let catalog = BenchSupport.catalog(desks: desks)
        let days = BenchSupport.workingDays(burst ? 1 : 20)
        let layouts = days.map { DayLayout.make(catalog: catalog, officeID: BenchSupport.officeID, date: $0)! }
        // One-element desk lists made up front, so the loop measures the ledger and not array allocation.
        let singleDesks = catalog.desks[BenchSupport.officeID]!.map { [$0.id] }
        let attempts = Atomic<Int>(0), oversell = Atomic<Int>(0)
        let began = BenchSupport.nowSeconds()
        while BenchSupport.nowSeconds() - began < seconds {
            let ledger: any SlotLedger = lockFree
                ? LockFreeSlotLedger(officeIDs: [BenchSupport.officeID], firstDate: days[0]) : LockingSlotLedger()
            let wins = Atomic<Int>(0)
            let roundAttempts = burst ? 100_000 : 2_000_000
            _ = BenchSupport.onThreads(threads) { thread in
                var random = BenchSupport.FastRandom(seed: UInt64(thread + 1) &* 0x2545F491_4F6CDD1D &+ UInt64(began * 1000))
                var won = 0
                for _ in 0..<(roundAttempts / threads) {
                    let layout = layouts[random.below(layouts.count)]
                    let desk = singleDesks[random.below(desks)]
                    let units = burst ? 1 : 2
                    if ledger.reserve(layout: layout, deskIDs: desk, startUnit: 96 + random.below(100 - units + 1),
                                      units: units, channel: .walkIn) != nil { won += 1 }
                }
                wins.add(won, ordering: .relaxed)
            }
            attempts.add(roundAttempts / threads * threads, ordering: .relaxed)
            let capacity = burst ? 1000 : desks * days.count * 50
            oversell.add(max(0, wins.load(ordering: .relaxed) - capacity), ordering: .relaxed)
        }
        let elapsed = BenchSupport.nowSeconds() - began
        return Result(rate: Double(attempts.load(ordering: .relaxed)) / elapsed, oversell: oversell.load(ordering: .relaxed))
    }
}
