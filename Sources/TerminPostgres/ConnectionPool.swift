import Dispatch
import Synchronization

/// A bounded pool of PostgreSQL connections, opened lazily and reused.
///
/// At most `size` connections exist; a caller waits at most `acquireTimeoutSeconds` for one to become free and
/// then gets `PostgresError.poolTimeout`. A connection that broke, or that the server closed while it was idle, is
/// dropped and replaced on the next acquire.
public final class ConnectionPool: Sendable {
    /// Default number of connections.
    public static let sizeDefault = 8
    /// Default wait for a free connection, in seconds.
    public static let acquireTimeoutSecondsDefault = 5.0

    public let conninfo: String
    /// The `application_name` of the pool's connections.
    public let applicationName: String
    public let size: Int
    public let acquireTimeoutSeconds: Double
    private let permits: DispatchSemaphore
    // The connections are only touched by the one caller that took them out; the mutex guards the idle list.
    private let idle: Mutex<[UnsafeSendable<PostgresConnection>]> = Mutex([])

    public init(conninfo: String, size: Int = sizeDefault, acquireTimeoutSeconds: Double = acquireTimeoutSecondsDefault,
                applicationName: String = "termin") {
        precondition(size >= 1)
        self.conninfo = conninfo
        self.applicationName = applicationName
        self.size = size
        self.acquireTimeoutSeconds = acquireTimeoutSeconds
        permits = DispatchSemaphore(value: size)
    }

    /// Runs `body` with a connection of the pool.
    public func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        guard permits.wait(timeout: .now() + acquireTimeoutSeconds) == .success else {
            throw PostgresError(.poolTimeout, message: "no database connection free within \(acquireTimeoutSeconds) s")
        }
        defer { permits.signal() }
        let connection = try kept() ?? PostgresConnection(conninfo: conninfo, applicationName: applicationName)
        defer {
            if connection.isHealthy { idle.withLock { $0.append(UnsafeSendable(connection)) } }
        }
        return try body(connection)
    }

    /// An idle connection still open, if any; those the server closed meanwhile are dropped.
    private func kept() -> PostgresConnection? {
        while let connection = idle.withLock({ $0.popLast()?.value }) {
            if connection.isOpen { return connection }
        }
        return nil
    }

    /// Runs `body` in a transaction on a pooled connection.
    public func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try withConnection { try $0.transaction(body) }
    }
}

