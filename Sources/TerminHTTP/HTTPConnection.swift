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
    /// Responses queued for writing, in order: each its head and body, written with one `writev`.
    var output: [(head: [UInt8], body: [UInt8])] = []
    /// Bytes of `output.first` already written.
    var outputOffset = 0
    /// Bytes queued in `output` in all.
    var outputBytes = 0
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

    var hasPendingOutput: Bool { !output.isEmpty }
}
