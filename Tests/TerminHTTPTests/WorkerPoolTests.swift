import Dispatch
import Synchronization
import Testing
import TerminTestSupport
@testable import TerminHTTP

/// The bridge to blocking work: bounded, refusing when full, finishing what it accepted.
@Suite struct WorkerPoolTests {
    @Test func aFullQueueRefusesAndAStoppedPoolTakesNothing() {
        let pool = WorkerPool(threadCount: 1, queueCapacity: 2)
        #expect(pool.loops.map(\.name) == ["termin-worker-0"])
        // Not running yet: jobs queue up to the capacity, then are refused.
        #expect(pool.submit {} && pool.submit {})
        #expect(!pool.submit {})
        #expect(pool.pending == 2)
        TestThreads.start(pool.loops)
        pool.shutdown()
        #expect(!pool.submit {})
    }

    @Test func shutdownRunsEveryAcceptedJobFirst() {
        let pool = WorkerPool(threadCount: 3, queueCapacity: 1_000)
        TestThreads.start(pool.loops)
        let ran = Atomic<Int>(0)
        var accepted = 0
        for _ in 0..<500 where pool.submit({ ran.add(1, ordering: .relaxed) }) { accepted += 1 }
        pool.shutdown()
        #expect(accepted == 500 && ran.load(ordering: .relaxed) == 500)
    }

    @Test func jobsRunConcurrentlyOnTheWorkers() throws {
        let pool = WorkerPool(threadCount: 4, queueCapacity: 16)
        TestThreads.start(pool.loops)
        defer { pool.shutdown() }
        // Four jobs that each wait for all four to have started: only concurrent workers finish them.
        let started = Atomic<Int>(0)
        let done = DispatchSemaphore(value: 0)
        for _ in 0..<4 {
            #expect(pool.submit {
                started.add(1, ordering: .relaxed)
                _ = Wait.until("all four jobs started", seconds: 10) { started.load(ordering: .relaxed) == 4 }
                done.signal()
            })
        }
        for _ in 0..<4 { #expect(done.wait(timeout: .now() + 10) == .success, "a job did not finish within 10 s") }
    }
}
