import Foundation
import TerminCore

/// The wall clock, read from the system: the one the composition root passes to the engine and every CLI command reads
/// (everything below takes a `WallClock`, so tests move time by hand; only the HTTP layer's `Date` header and access
/// log read the system's time themselves).
struct SystemClock: WallClock {
    func now() -> Instant { Instant(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)) }
}
