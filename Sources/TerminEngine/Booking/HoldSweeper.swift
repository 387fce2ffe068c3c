/// Runs the engine's housekeeping (expiring holds, purging idempotency keys, erasing old contact data) every
/// `intervalSeconds`, in a loop the composition root runs on a thread of its own until stopped.
public final class HoldSweeper: Sendable {
    /// Default pause between sweeps, in seconds. A hold's time is back on offer at most this long after it ran out.
    public static let intervalSecondsDefault = 1.0

    private let engine: BookingEngine
    private let intervalSeconds: Double
    private let log: @Sendable (String) -> Void
    private let lifecycle = LoopLifecycle()

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
    public func stop() { lifecycle.stop() }

    private func run() {
        lifecycle.run {
            while !lifecycle.isStopped {
                do { try engine.sweep() } catch { log("hold sweep failed: \(error)") }
                lifecycle.pause(until: .now + .milliseconds(Int(intervalSeconds * 1_000)))
            }
        }
    }
}
