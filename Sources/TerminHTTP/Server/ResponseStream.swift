/// A response body that goes on after the head until the connection closes: server-sent events and the like.
///
/// The handler answers with a response carrying a stream. Once the head is queued, the server calls `start` with a
/// `write` function (callable from any thread): it queues bytes on the connection and returns `false` once the
/// connection is gone. `start` returns `false` to end the response at once (the connection then closes). When the
/// connection closes, for whatever reason, `onClose` runs once, on the event loop.
public final class ResponseStream: Sendable {
    public typealias Write = @Sendable ([UInt8]) -> Bool

    let start: @Sendable (_ write: @escaping Write) -> Bool
    let onClose: @Sendable () -> Void
    /// Sent when nothing else was for `HTTPLimits.streamKeepAliveSeconds` (for SSE a comment line), so that
    /// proxies keep the connection and a vanished peer is noticed.
    let keepAlive: [UInt8]

    public init(keepAlive: [UInt8], start: @escaping @Sendable (_ write: @escaping Write) -> Bool,
                onClose: @escaping @Sendable () -> Void) {
        self.keepAlive = keepAlive
        self.start = start
        self.onClose = onClose
    }
}
