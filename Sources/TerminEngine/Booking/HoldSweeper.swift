/// Expires the holds that ran out and offers the time given back to the earlier-time list (at the offices where it was
/// given back; at every office with the housekeeping) every `intervalSeconds`, runs the housekeeping (old contact data erased, old
/// idempotency keys forgotten, the day's next free online times recorded for the open data) every
/// `housekeepingEverySweeps` sweeps, and marks the counters' lapsed appointments as
/// no-shows every `noShowEverySweeps` sweeps, in a loop the composition root runs on a thread of its own until stopped.
public final class HoldSweeper: Sendable {
    /// Default pause between sweeps, in seconds. A hold's time is back on offer at most this long after it ran out.
    public static let intervalSecondsDefault = 1.0
    /// Sweeps between two housekeepings (contact data erased, idempotency keys forgotten; at the default interval:
    /// every minute). They scan the rows that still hold contact data or keys, so not every second.
    public static let housekeepingEverySweeps = 60
    /// Sweeps between two no-show sweeps of the counters (at the default interval: every 30 s).
    public static let noShowEverySweeps = 30

    private let engine: BookingEngine
    private let counters: CounterEngine?
    private let intervalSeconds: Double
    private let log: @Sendable (String) -> Void
    private let lifecycle = LoopLifecycle()

    public init(engine: BookingEngine, counters: CounterEngine? = nil, intervalSeconds: Double = intervalSecondsDefault,
                log: @escaping @Sendable (String) -> Void) {
        precondition(intervalSeconds > 0)
        self.engine = engine
        self.counters = counters
        self.intervalSeconds = intervalSeconds
        self.log = log
    }

    /// The sweeping loop.
    public var loops: [(name: String, run: @Sendable () -> Void)] { [("termin-sweeper", { [self] in run() })] }

    /// Stops after the sweep under way and waits for the loop.
    public func stop() { lifecycle.stop() }

    private func run() {
        lifecycle.run {
            var sweeps = 0
            while !lifecycle.isStopped {
                let housekeeping = sweeps % Self.housekeepingEverySweeps == 0
                do { try engine.sweep(housekeeping: housekeeping) } catch {
                    log("hold sweep failed: \(error)")
                }
                do { try engine.offerFreedTime(everywhere: housekeeping) } catch {
                    log("offering freed time failed: \(error)")
                }
                if housekeeping {
                    do { try engine.recordNextFreeOnline() } catch { log("recording the next free online times failed: \(error)") }
                }
                sweeps += 1
                if let counters, sweeps % Self.noShowEverySweeps == 0 {
                    do { try counters.sweepNoShows() } catch { log("no-show sweep failed: \(error)") }
                }
                lifecycle.pause(until: .now + .milliseconds(Int(intervalSeconds * 1_000)))
            }
        }
    }
}
