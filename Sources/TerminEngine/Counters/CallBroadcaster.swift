import Synchronization
import TerminCore

/// A call shown on an office's display: which number to which desk.
public struct CallEvent: Sendable, Equatable {
    public let officeID: Int
    /// `W 042`.
    public let number: String
    public let deskNumber: Int
    public let at: Instant
    /// How often the ticket has been called (2 and more: a repeat call).
    public let calls: Int

    public init(officeID: Int, number: String, deskNumber: Int, at: Instant, calls: Int) {
        self.officeID = officeID
        self.number = number
        self.deskNumber = deskNumber
        self.at = at
        self.calls = calls
    }

    /// The call as a line of a ledger notification: `call,office,desk,calls,seconds,number` (the number last: it holds
    /// a space, never a comma).
    var notificationLine: String { "call,\(officeID),\(deskNumber),\(calls),\(at.secondsSinceEpoch),\(number)" }

    /// The call a notification's line announces; `nil` for any other line.
    init?(notificationLine line: Substring) {
        guard line.hasPrefix("call,") else { return nil }
        let fields = line.split(separator: ",", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count == 6, let officeID = Int(fields[1]), let deskNumber = Int(fields[2]), let calls = Int(fields[3]),
              let seconds = Int64(fields[4]) else { return nil }
        self.init(officeID: officeID, number: String(fields[5]), deskNumber: deskNumber,
                  at: Instant(secondsSinceEpoch: seconds), calls: calls)
    }
}

/// Hands calls to whoever follows an office's display (the SSE streams), once the call is committed.
public final class CallBroadcaster: Sendable {
    /// Most followers at once, over all offices; a display beyond it is refused.
    public let followersMax: Int

    /// A follower's sink: returns `false` once it is gone, and is then dropped.
    public typealias Sink = @Sendable (CallEvent) -> Bool

    private struct Follower {
        let officeID: Int
        let sink: Sink
    }

    private let followers = Mutex<[Int: Follower]>([:])
    private let nextID = Atomic<Int>(0)

    public init(followersMax: Int = 1_000) {
        precondition(followersMax > 0)
        self.followersMax = followersMax
    }

    /// Follows an office's calls; `nil` when `followersMax` are following already.
    public func follow(officeID: Int, _ sink: @escaping Sink) -> Int? {
        let id = nextID.add(1, ordering: .relaxed).newValue
        return followers.withLock { followers in
            guard followers.count < followersMax else { return nil }
            followers[id] = Follower(officeID: officeID, sink: sink)
            return id
        }
    }

    /// Stops following.
    public func unfollow(_ id: Int) { _ = followers.withLock { $0.removeValue(forKey: id) } }

    /// Followers now.
    public var followerCount: Int { followers.withLock { $0.count } }

    /// Tells every follower of the event's office; drops followers that are gone. Sinks run outside the lock.
    public func publish(_ event: CallEvent) {
        let sinks = followers.withLock { $0.filter { $0.value.officeID == event.officeID }.map { ($0.key, $0.value.sink) } }
        for (id, sink) in sinks where !sink(event) { unfollow(id) }
    }
}
