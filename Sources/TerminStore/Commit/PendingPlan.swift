import Dispatch
import Synchronization
import TerminCore

/// A submitted plan until it is answered: who hears the outcome, how often a batch left it for the next, and the
/// plans that follow it (a client's repeats of its idempotency key, answered from its outcome).
final class PendingPlan: Sendable {
    let plan: WritePlan
    let queuedAt: ContinuousClock.Instant
    /// Batches that took the plan and left it for the next (its key was being stored by another transaction).
    let deferrals = Atomic<Int>(0)
    /// Plans with the same key submitted while this one was queued or being written.
    let followers = Mutex<[PendingPlan]>([])
    /// Called with the outcome on a writer's thread; `nil`: the submitter waits on `done`.
    private let completion: (@Sendable (WritePlan.Outcome) -> Void)?
    private let done = DispatchSemaphore(value: 0)
    private let outcome = Mutex<WritePlan.Outcome?>(nil)

    init(_ plan: WritePlan, completion: (@Sendable (WritePlan.Outcome) -> Void)?) {
        self.plan = plan
        self.queuedAt = .now
        self.completion = completion
    }

    /// The key the plan stores or replays, if it has one.
    var key: String? { plan.idempotency?.key }

    /// Hands the outcome to the submitter.
    func answer(_ outcome: WritePlan.Outcome) {
        if let completion {
            completion(outcome)
        } else {
            self.outcome.withLock { $0 = outcome }
            done.signal()
        }
    }

    /// For a submitter without a completion: waits for the answer. The writer answers every plan it took (the queue
    /// is bounded and `stop` drains it), so the wait ends.
    func waitForAnswer() -> WritePlan.Outcome {
        done.wait()
        return outcome.withLock { $0! }
    }

    /// The followers, taken: each is answered once.
    func takeFollowers() -> [PendingPlan] { followers.withLock { followers in defer { followers = [] }; return followers } }
}
