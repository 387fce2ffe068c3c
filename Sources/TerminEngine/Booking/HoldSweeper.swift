import Foundation
import Synchronization

/// Runs the engine's housekeeping (expiring holds, purging idempotency keys, erasing old contact data) every
/// `intervalSeconds`, in a loop the composition root runs on a thread of its own until stopped.
public final class HoldSweeper: Sendable {
    /// Default pause between sweeps, in seconds. A hold's time is back on offer at most this long after it ran out.
    public static let intervalSecondsDefault = 1.0

    private let engine: BookingEngine
    private let intervalSeconds: Double
    private let log: @Sendable (String) -> Void
    private let stopped = Atomic<Bool>(false)
    /// Signalled by `stop`, to cut the pause between sweeps short.
    private let wakeUp = DispatchSemaphore(value: 0)
    private let began = Atomic<Bool>(false)
    private let exited = DispatchSemaphore(value: 0)

    public init(engine: BookingEngine, intervalSeconds: Double = intervalSecondsDefault,
                log: @escaping @Sendable (String) -> Void) {
        precondition(intervalSeconds > 0)
        self.engine = engine
        self.intervalSeconds = intervalSeconds
        self.log = log
    }

    /// The sweeping loop.
    public var loops: [(name: String, run: @Sendable () -> Void)] { [("termin-sweeper", { [self] in run() })] }

    /// Stops after the sweep under way and waits for the loop.
    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wakeUp.signal()
        if began.load(ordering: .acquiring) { exited.wait() }
    }

    private func run() {
        guard !stopped.load(ordering: .acquiring), !began.exchange(true, ordering: .acquiringAndReleasing) else { return }
        defer { exited.signal() }
        while !stopped.load(ordering: .acquiring) {
            do { try engine.sweep() } catch { log("hold sweep failed: \(error)") }
            _ = wakeUp.wait(timeout: .now() + intervalSeconds)
        }
    }
}
