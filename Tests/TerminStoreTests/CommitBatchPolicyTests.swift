import Testing
@testable import TerminStore

/// The writer's decisions at made-up instants: no thread, no database, no waiting.
@Suite struct CommitBatchPolicyTests {
    static let policy = CommitBatchPolicy(batchSizeMax: 4, lingerTime: .microseconds(200))
    static let t0 = ContinuousClock.now

    @Test func anIdleWriterSleepsAndAStoppedOneExits() {
        #expect(Self.policy.decide(queued: 0, oldestQueuedAt: nil, stopping: false, now: Self.t0) == .sleep)
        #expect(Self.policy.decide(queued: 0, oldestQueuedAt: nil, stopping: true, now: Self.t0) == .exit)
    }

    @Test func aPartialBatchLingersUntilItsOldestEntryHasWaited() {
        let oldest = Self.t0
        #expect(Self.policy.decide(queued: 2, oldestQueuedAt: oldest, stopping: false, now: oldest + .microseconds(50))
            == .wait(until: oldest + .microseconds(200)))
        #expect(Self.policy.decide(queued: 2, oldestQueuedAt: oldest, stopping: false, now: oldest + .microseconds(200)) == .take(2))
        #expect(Self.policy.decide(queued: 3, oldestQueuedAt: oldest, stopping: false, now: oldest + .seconds(1)) == .take(3))
    }

    @Test func aFullBatchIsTakenAtOnceAndNeverMoreThanTheBound() {
        #expect(Self.policy.decide(queued: 4, oldestQueuedAt: Self.t0, stopping: false, now: Self.t0) == .take(4))
        #expect(Self.policy.decide(queued: 1_000, oldestQueuedAt: Self.t0, stopping: false, now: Self.t0) == .take(4))
    }

    @Test func stoppingDrainsWithoutLingering() {
        #expect(Self.policy.decide(queued: 2, oldestQueuedAt: Self.t0, stopping: true, now: Self.t0) == .take(2))
        #expect(Self.policy.decide(queued: 9, oldestQueuedAt: Self.t0, stopping: true, now: Self.t0) == .take(4))
    }

    @Test func onlyTheFirstEntryAndAFullBatchWakeAWriter() {
        #expect((1...6).map { Self.policy.shouldWake(queued: $0) } == [true, false, false, true, false, false])
    }

    @Test func noLingerTakesWhatIsThere() {
        let eager = CommitBatchPolicy(batchSizeMax: 512, lingerTime: .zero)
        #expect(eager.decide(queued: 1, oldestQueuedAt: Self.t0, stopping: false, now: Self.t0) == .take(1))
    }
}
