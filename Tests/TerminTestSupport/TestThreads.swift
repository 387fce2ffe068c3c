import Dispatch
import Foundation
import Synchronization

/// Runs each loop a component hands out on a thread of its own, as the composition root does in `termin`, and
/// returns once every loop has begun. Every wait has a deadline.
public enum TestThreads {
    /// Longest a started loop takes to begin, in seconds (it begins at once; past this the machine is broken).
    static let beginSecondsMax = 30

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
        for loop in loops {
            precondition(begun.wait(timeout: .now() + .seconds(beginSecondsMax)) == .success,
                         "\(loop.name) did not begin within \(beginSecondsMax) s")
        }
    }

    /// Runs `body(0..<count)` on `count` threads at once and returns their results in index order; rethrows the
    /// first error.
    /// - Throws: `Wait.TimedOut` when not every thread is done within `seconds`.
    public static func run<T: Sendable>(count: Int, seconds: Double = 120, _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
        let results = Mutex<[Int: Result<T, any Error>]>([:])
        let finished = DispatchSemaphore(value: 0)
        for index in 0..<count {
            Thread {
                let result = Result { try body(index) }
                results.withLock { $0[index] = result }
                finished.signal()
            }.start()
        }
        let deadline = DispatchTime.now() + seconds
        for _ in 0..<count where finished.wait(timeout: deadline) == .timedOut {
            throw Wait.TimedOut(description: "\(count) threads were not done within \(seconds) s")
        }
        return try results.withLock { results in try (0..<count).map { try results[$0]!.get() } }
    }
}
