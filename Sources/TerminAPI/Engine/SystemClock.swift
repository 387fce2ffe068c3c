import Foundation
import Synchronization
import TerminCore

/// The wall clock.
public struct SystemClock: Clock {
    public init() {}
    public func now() -> Instant { Instant(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)) }
}

/// A clock that moves only when told: for tests.
public final class ManualClock: Clock {
    private let current: Atomic<Int64>
    public init(_ start: Instant) { current = Atomic(start.secondsSinceEpoch) }
    public func now() -> Instant { Instant(secondsSinceEpoch: current.load(ordering: .acquiring)) }
    /// Moves time forward by `seconds`.
    public func advance(seconds: Int64) { current.add(seconds, ordering: .acquiringAndReleasing) }
}
