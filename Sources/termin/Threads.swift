import Dispatch
import Foundation

/// The one place in Termin that starts threads: each loop a component hands out (`loops`) runs on a thread of its
/// own, named after it, until the component is stopped. Returns once every loop has begun, so that a `stop` right
/// after waits for all of them.
enum Threads {
    static func start(_ loops: [(name: String, run: @Sendable () -> Void)]) {
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
