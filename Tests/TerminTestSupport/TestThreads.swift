import Foundation

/// Runs each loop a component hands out on a thread of its own, as the composition root does in `termin`.
public enum TestThreads {
    public static func start(_ loops: [(name: String, run: @Sendable () -> Void)]) {
        for loop in loops {
            let thread = Thread(block: loop.run)
            thread.name = loop.name
            thread.start()
        }
    }
}
