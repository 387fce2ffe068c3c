import Foundation
import TerminCore

/// The wall clock, read from the system: what the composition root passes to the engine.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Instant { Instant(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)) }
}
