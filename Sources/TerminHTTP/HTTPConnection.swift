/// One client connection's state, owned by its event loop.
final class HTTPConnection {
    enum State {
        /// Reading and parsing requests.
        case reading
        /// A request is with a worker; further bytes wait in the buffer (pipelining), answered in order.
        case awaitingResponse
        /// Writing the last response, then closing.
        case closing
    }

    let fd: Int32
    /// Distinguishes this connection from a later one that reuses the descriptor.
    let generation: UInt64
    var state = State.reading
    var input: [UInt8] = []
    var output: [UInt8] = []
    var outputOffset = 0
    var keepAlive = true
    var lastActivitySeconds: Int
    /// When the first byte of the request being read arrived (for the header time-out).
    var requestStartedSeconds: Int?
    /// When its header section was complete (for the body time-out).
    var headersCompleteSeconds: Int?

    init(fd: Int32, generation: UInt64, now: Int) {
        self.fd = fd
        self.generation = generation
        lastActivitySeconds = now
    }

    var hasPendingOutput: Bool { outputOffset < output.count }
}
