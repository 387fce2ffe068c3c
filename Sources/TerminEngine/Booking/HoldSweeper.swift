import Foundation
import Synchronization

/// Runs the engine's housekeeping (expiring holds, purging idempotency keys) every `intervalSeconds` on its own
/// thread until stopped.
public final class HoldSweeper: Sendable {
    /// Default pause between sweeps, in seconds. A hold's time is back on offer at most this long after it ran out.
    public static let intervalSecondsDefault = 1.0

    private let stopped = Atomic<Bool>(false)
    private let exited = DispatchSemaphore(value: 0)

    public init(engine: BookingEngine, intervalSeconds: Double = intervalSecondsDefault,
                log: @escaping @Sendable (String) -> Void) {
        let thread = Thread { [self] in
            while !stopped.load(ordering: .acquiring) {
                do { try engine.sweep() } catch { log("hold sweep failed: \(error)") }
                Thread.sleep(forTimeInterval: intervalSeconds)
            }
            exited.signal()
        }
        thread.name = "termin-sweeper"
        thread.start()
    }

    /// Stops after the sweep under way.
    public func stop() {
        stopped.store(true, ordering: .releasing)
        exited.wait()
    }
}
