import Foundation

/// State behind a lock with a condition to wait on: what a writer thread sleeps on until submitters wake it.
///
/// The body of `withLock` reads and writes the state through `Locked.state`, one short access at a time, never
/// through an `inout` that spans a wait: an `inout` promises exclusive access for its whole duration, so the
/// optimizer may keep the state in registers across `wait()` and miss what other threads changed meanwhile (a
/// release build of the writer hung exactly so).
final class ConditionLock<State>: @unchecked Sendable {
    // Safety of @unchecked: `state` is read and written only while `condition` is locked (inside `withLock`), so one
    // thread at a time touches it; NSCondition is made for use from many threads.
    private let condition = NSCondition()
    private var storage: State

    init(_ state: State) { storage = state }

    /// Runs `body` holding the lock. `body` may wait on the condition (which releases the lock meanwhile).
    func withLock<T>(_ body: (Locked) throws -> T) rethrows -> T {
        condition.lock()
        defer { condition.unlock() }
        return try body(Locked(owner: self))
    }

    /// The state and the condition, for use inside `withLock` only.
    struct Locked {
        fileprivate let owner: ConditionLock

        /// The state; each use is its own short access.
        var state: State {
            get { owner.storage }
            nonmutating _modify { yield &owner.storage }
        }

        /// Sleeps until woken.
        func wait() { owner.condition.wait() }

        /// Sleeps until woken or `deadline` on the continuous clock passes.
        func wait(until deadline: ContinuousClock.Instant) {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { return }
            let (seconds, attoseconds) = remaining.components
            _ = owner.condition.wait(until: Date(timeIntervalSinceNow: Double(seconds) + Double(attoseconds) / 1e18))
        }

        /// Wakes one waiter.
        func signal() { owner.condition.signal() }

        /// Wakes every waiter.
        func broadcast() { owner.condition.broadcast() }
    }
}
