import Foundation

/// The one place in Termin that starts threads: each loop a component hands out (`loops`) runs on a thread of its
/// own, named after it, until the component is stopped.
enum Threads {
    static func start(_ loops: [(name: String, run: @Sendable () -> Void)]) {
        for loop in loops {
            let thread = Thread(block: loop.run)
            thread.name = loop.name
            thread.start()
        }
    }
}
