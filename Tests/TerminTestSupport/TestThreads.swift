import Dispatch
import Foundation
import Synchronization

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

    /// Runs `body(0..<count)` on `count` threads at once and returns their results in index order; rethrows the
    /// first error.
    public static func run<T: Sendable>(count: Int, _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
        let results = Mutex<[Int: Result<T, any Error>]>([:])
        let finished = DispatchSemaphore(value: 0)
        for index in 0..<count {
            Thread {
                let result = Result { try body(index) }
                results.withLock { $0[index] = result }
                finished.signal()
            }.start()
        }
        for _ in 0..<count { finished.wait() }
        return try results.withLock { results in try (0..<count).map { try results[$0]!.get() } }
    }
}
