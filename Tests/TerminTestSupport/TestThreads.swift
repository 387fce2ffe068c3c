import Dispatch
import Foundation

/// Runs each loop a component hands out on a thread of its own, as the composition root does in `termin`, and
/// returns once every loop has begun.
public enum TestThreads {
    public static func start(_ loops: [(name: String, run: @Sendable () -> Void)]) {
        let begun = DispatchSemaphore(value: 0)
        for loop in loops {
            let thread = Thread {
                begun.signal()
                loop.run()
            }
            thread.name = loop.name
            thread.start()
        }
        for _ in loops { begun.wait() }
    }
}
