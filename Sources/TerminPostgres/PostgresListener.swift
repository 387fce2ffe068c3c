import CLibPQ
import Glibc

/// A connection that LISTENs on one channel and hands out the notifications as they arrive.
/// Not thread-safe: one thread owns it.
public final class PostgresListener {
    public let channel: String
    private let connection: PostgresConnection

    /// Connects and starts listening on `channel` (a plain identifier).
    public init(conninfo: String, channel: String) throws {
        precondition(channel.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }, "channel names are plain identifiers")
        self.channel = channel
        connection = try PostgresConnection(conninfo: conninfo)
        try connection.execute("LISTEN \(channel)")
    }

    /// Payloads received, waiting at most `timeoutMilliseconds` for the first.
    /// - Throws: `PostgresError` when the connection is lost.
    public func receive(timeoutMilliseconds: Int32) throws(PostgresError) -> [String] {
        var payloads = drain()
        guard payloads.isEmpty else { return payloads }
        var descriptor = pollfd(fd: connection.socket, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, timeoutMilliseconds)
        if ready > 0 {
            guard connection.consumeInput() else {
                throw PostgresError(.connectionFailed, message: "the notification connection was lost")
            }
            payloads = drain()
        }
        guard connection.isHealthy else { throw PostgresError(.connectionFailed, message: "the notification connection was lost") }
        return payloads
    }

    private func drain() -> [String] {
        var payloads: [String] = []
        while let payload = connection.nextNotification() { payloads.append(payload) }
        return payloads
    }
}

extension PostgresConnection {
    var socket: Int32 { PQsocket(handle) }

    /// Reads what the server sent; `false` when the connection broke.
    func consumeInput() -> Bool { PQconsumeInput(handle) == 1 }

    /// The next notification's payload already read from the server, if any.
    func nextNotification() -> String? {
        guard let notification = PQnotifies(handle) else { return nil }
        defer { PQfreemem(notification) }
        return String(cString: notification.pointee.extra)
    }
}
