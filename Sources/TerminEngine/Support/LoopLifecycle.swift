import Dispatch
import Synchronization

/// The start and stop of a loop that runs on a thread the composition root starts: `stop` ends the loop (cutting a
/// pause short) and waits for it if it began; a loop that begins after `stop` does not run; a loop runs once.
final class LoopLifecycle: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let began = Atomic<Bool>(false)
    /// Signalled by `stop`, to cut a pause short.
    private let wakeUp = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)

    var isStopped: Bool { stopped.load(ordering: .acquiring) }

    /// Runs `body` as the loop, unless stopped already or run before.
    func run(_ body: () -> Void) {
        guard !isStopped, !began.exchange(true, ordering: .acquiringAndReleasing) else { return }
        defer { exited.signal() }
        body()
    }

    /// Waits until `deadline`, or less when stopped meanwhile.
    func pause(until deadline: ContinuousClock.Instant) {
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else { return }
        let (seconds, attoseconds) = remaining.components
        _ = wakeUp.wait(timeout: .now() + .nanoseconds(Int(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)))
    }

    /// Ends the loop and waits for it, if it began; later calls do nothing.
    func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wakeUp.signal()
        if began.load(ordering: .acquiring) { exited.wait() }
    }
}
