import Foundation

/// Waiting in tests, always with a deadline: a wait that runs out says what it waited for instead of hanging.
public enum Wait {
    public struct TimedOut: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// Polls `condition` every 10 ms until it holds or `seconds` pass; returns whether it held.
    @discardableResult
    public static func until(_ what: String, seconds: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(10_000)
        }
        return try condition()
    }

    /// Like `until`, but throws `TimedOut` naming `what` when the deadline passes.
    public static func required(_ what: String, seconds: Double = 10, _ condition: () throws -> Bool) throws {
        guard try until(what, seconds: seconds, condition) else {
            throw TimedOut(description: "\(what) did not happen within \(seconds) s")
        }
    }
}
