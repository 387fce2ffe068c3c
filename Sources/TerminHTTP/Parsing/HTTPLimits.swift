/// Bounds on what a client may send and how long it may take. Every bound has a unit and a default.
public struct HTTPLimits: Sendable {
    /// Longest request line (method, target, version), in bytes. Beyond: 414.
    public var requestLineBytesMax = 8 * 1024
    /// Largest header section (all field lines), in bytes. Beyond: 431.
    public var headerBytesMax = 16 * 1024
    /// Most header fields. Beyond: 431.
    public var headerCountMax = 100
    /// Largest request body, in bytes. Beyond: 413.
    public var bodyBytesMax = 1024 * 1024
    /// Most open connections per event loop; further ones are answered 503 and closed at once.
    public var connectionsPerLoopMax = 10_000
    /// An idle keep-alive connection is closed after this many seconds.
    public var idleTimeoutSeconds = 60
    /// A request's header section must arrive within this many seconds of its first byte (slowloris). Beyond: 408.
    public var headerReadTimeoutSeconds = 10
    /// A request's body must arrive within this many seconds of its header section. Beyond: 408.
    public var bodyReadTimeoutSeconds = 30
    /// Answers waiting to be written are dropped, and the connection closed, when the peer took none of their bytes for
    /// this many seconds (a client that sends but never reads holds no memory for long).
    public var writeTimeoutSeconds = 30
    /// After the last answer on a connection, what the peer still sends is read and dropped for at most this many
    /// seconds, until it closes too (a close with unread bytes would reset the connection, answer and all).
    public var lingerSeconds = 2
    /// Most requests waiting for or running on the worker threads; beyond, the server answers 503.
    /// Per connection one request is in flight at a time; pipelined ones wait in its input buffer (bounded by
    /// `requestLineBytesMax + 2 × (headerBytesMax + bodyBytesMax)`) and are answered in order.
    public var pendingRequestsMax = 1024
    /// Most streaming responses (server-sent events) open per event loop; beyond, the server answers 503.
    public var streamsPerLoopMax = 512
    /// Most bytes queued on a streaming connection whose reader does not keep up; beyond, it is closed.
    public var streamQueuedBytesMax = 256 * 1024
    /// A streaming response with nothing to send for this many seconds sends its keep-alive bytes.
    public var streamKeepAliveSeconds = 15

    public init() {}
}
