import Dispatch
import Foundation
import Synchronization
import Testing
import TerminTestSupport
@testable import TerminEngine

/// A loop's start and stop: a stop cuts a pause short and waits for the loop; a loop begun after a stop never runs.
@Suite struct LoopLifecycleTests {
    @Test func stopCutsAPauseShortAndWaitsForTheLoop() throws {
        let lifecycle = LoopLifecycle()
        let rounds = Atomic<Int>(0), finished = Atomic<Bool>(false)
        TestThreads.start([("pausing", {
            lifecycle.run {
                while !lifecycle.isStopped {
                    rounds.add(1, ordering: .relaxed)
                    lifecycle.pause(until: .now + .seconds(3_600))
                }
                finished.store(true, ordering: .relaxed)
            }
        })])
        try Wait.required("the loop's first round") { rounds.load(ordering: .relaxed) == 1 }
        lifecycle.stop()   // returns only once the loop has ended, not after an hour
        #expect(finished.load(ordering: .relaxed) && rounds.load(ordering: .relaxed) == 1)
    }

    @Test func aLoopBegunAfterStopDoesNotRunAndALoopRunsOnce() {
        let stopped = LoopLifecycle()
        stopped.stop()
        var ran = false
        stopped.run { ran = true }
        #expect(!ran)
        let once = LoopLifecycle()
        var count = 0
        once.run { count += 1 }
        once.run { count += 1 }
        #expect(count == 1)
        once.stop()
    }
}
