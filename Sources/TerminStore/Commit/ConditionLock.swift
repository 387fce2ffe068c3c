import Foundation

/// State behind a lock with a condition to wait on: what a writer thread sleeps on until submitters wake it.
final class ConditionLock<State>: @unchecked Sendable {
    // Safety of @unchecked: `state` is read and written only between `condition.lock()` and `unlock()`, in
    // `withLock`, so one thread at a time touches it; NSCondition is made for use from many threads.
    private let condition = NSCondition()
    private var state: State

    init(_ state: State) { self.state = state }

    /// Runs `body` holding the lock. `body` may wait on the condition (releasing the lock meanwhile).
    func withLock<T>(_ body: (inout State, Waiter) throws -> T) rethrows -> T {
        condition.lock()
        defer { condition.unlock() }
        return try body(&state, Waiter(condition: condition))
    }

    /// Waiting and waking, for use inside `withLock` only.
    struct Waiter {
        let condition: NSCondition

        /// Sleeps until woken.
        func wait() { condition.wait() }

        /// Sleeps until woken or `deadline` on the continuous clock passes.
        func wait(until deadline: ContinuousClock.Instant) {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { return }
            let (seconds, attoseconds) = remaining.components
            _ = condition.wait(until: Date(timeIntervalSinceNow: Double(seconds) + Double(attoseconds) / 1e18))
        }

        /// Wakes one waiter.
        func signal() { condition.signal() }

        /// Wakes every waiter.
        func broadcast() { condition.broadcast() }
    }
}
