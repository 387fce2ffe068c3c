import Synchronization
import TerminCore

/// A wall clock that moves only when a test tells it to.
public final class ManualClock: WallClock {
    private let current: Atomic<Int64>
    public init(_ start: Instant) { current = Atomic(start.secondsSinceEpoch) }
    public func now() -> Instant { Instant(secondsSinceEpoch: current.load(ordering: .acquiring)) }
    /// Moves time forward by `seconds`.
    public func advance(seconds: Int64) { current.add(seconds, ordering: .acquiringAndReleasing) }
}
