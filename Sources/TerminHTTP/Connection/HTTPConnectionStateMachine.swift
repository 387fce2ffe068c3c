/// One client connection's HTTP/1.1 state, free of sockets and clocks: the event loop reports what happened
/// (bytes read, end of input, bytes written, a worker's response, a timer tick) with the time, and acts on what the
/// machine answers. Time-outs, keep-alive, pipelining and the refusals of oversized input are decided here, so they
/// are tested with made-up instants and no socket.
///
/// Requests are answered strictly in order: complete requests buffered behind one that went to a worker wait until
/// its response is queued. Responses are queued as head and body for one `writev` each.
struct HTTPConnectionStateMachine {
    enum State: Equatable {
        /// Reading and parsing requests.
        case reading
        /// A request is with a worker; further bytes wait in the buffer (pipelining), answered in order.
        case awaitingResponse
        /// Writing the last response, then closing.
        case closing
        /// Writing a streaming response until either side closes; the peer's further bytes are discarded.
        case streaming
    }

    /// What to do with the buffered input.
    enum Next {
        /// A complete request: answer it inline, or hand it to a worker and report `dispatched()`.
        case request(HTTPRequest)
        /// The input is refused: answer this problem with `respond`, then the connection closes.
        case reject(ProblemDetails)
        /// Nothing to do until more input arrives, a response is queued or output drains.
        case wait
    }

    /// What the loop does once everything queued is written.
    enum Interest: Equatable {
        /// Wait for the next request.
        case read
        /// A request is with a worker: read no more until it is answered.
        case none
        /// Close the connection.
        case close
    }

    /// What a timer tick found.
    enum Expiry: Equatable {
        case none
        /// An idle keep-alive connection timed out: close it.
        case close
        /// A request arrived too slowly: answer this 408 with `respond`, then the connection closes.
        case reject(ProblemDetails)
    }

    /// The interim answer to a request that expects `100-continue`.
    static let continueHead = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Most response bytes queued on a connection before it stops parsing pipelined requests.
    static let queuedOutputBytesMax = 1 << 20

    let limits: HTTPLimits
    private let parser: HTTPRequestParser
    private(set) var state = State.reading
    private(set) var keepAlive = true
    /// Whether the peer closed its side (a half-close): nothing more will come.
    private var inputEnded = false
    /// Bytes read and not yet consumed by a request (from `inputStart` on).
    private var input: [UInt8] = []
    private var inputStart = 0
    /// How far the request at `inputStart` was parsed: the next parse goes on from there.
    private var progress = HTTPRequestParser.Progress()
    /// Whether the request being read was told `100 Continue`.
    private var continued = false
    /// Whether the request being answered is HTTP/1.0 (keep-alive is then said, not assumed).
    private var answeringHTTP10 = false
    /// Responses queued for writing, in order, and how much of the first is written.
    private var output: [(head: [UInt8], body: [UInt8])] = []
    private var outputOffset = 0
    private(set) var outputBytes = 0
    private var lastActivity: ContinuousClock.Instant
    /// When the first byte of the request being read arrived (for the header time-out).
    private var requestStarted: ContinuousClock.Instant?
    /// When its header section was complete (for the body time-out).
    private var headersComplete: ContinuousClock.Instant?

    init(limits: HTTPLimits, parser: HTTPRequestParser, now: ContinuousClock.Instant) {
        self.limits = limits
        self.parser = parser
        lastActivity = now
    }

    /// Most bytes buffered from one connection: a whole request of the largest sizes, plus as much again for chunk
    /// framing.
    var inputBytesMax: Int { limits.requestLineBytesMax + 2 * (limits.headerBytesMax + limits.bodyBytesMax) + 4 }

    var bufferedInputBytes: Int { input.count - inputStart }
    var hasPendingOutput: Bool { !output.isEmpty }
    /// Whether `next` waits for the queued answers to be written before it parses more.
    var outputQueueIsFull: Bool { outputBytes >= Self.queuedOutputBytesMax }
    /// Waiting for a request with nothing in flight: what a stopping server may close at once.
    var isIdle: Bool { state == .reading && !hasPendingOutput }
    /// Whether the loop should read more from the socket.
    var wantsInput: Bool { bufferedInputBytes <= inputBytesMax }

    // MARK: Input

    /// Bytes arrived from the peer.
    mutating func received(_ bytes: some Collection<UInt8>, now: ContinuousClock.Instant) {
        guard state != .streaming else { return }   // nothing more is read from a streaming connection
        if bufferedInputBytes == 0 && state == .reading && requestStarted == nil { requestStarted = now }
        input.append(contentsOf: bytes)
        lastActivity = now
    }

    /// The peer closed its side. Returns whether to close at once (nothing in flight, nothing buffered); otherwise
    /// what is in flight and every complete request buffered behind it are answered, then the connection closes.
    mutating func receivedEndOfInput() -> Bool {
        inputEnded = true
        return state == .streaming || (state == .reading && !hasPendingOutput && bufferedInputBytes == 0)
    }

    /// Whether buffered requests may be parsed now: only while reading with nothing left to write, so that a slow
    /// reader cannot make the server queue answers without bound.
    var canParse: Bool { state == .reading && !hasPendingOutput }

    /// The next step for the buffered input. Call while it answers `.request` (and the request is answered inline).
    mutating func next(now: ContinuousClock.Instant) -> Next {
        guard state == .reading, !outputQueueIsFull else { return compacting(.wait) }
        switch parser.parse(input[inputStart...], resuming: &progress) {
        case .needMore:
            if bufferedInputBytes > inputBytesMax {
                // Only chunk framing can make a request this large without the parser refusing it first.
                return refusing(.http(413, "The request is larger than \(inputBytesMax) bytes with its framing.", field: "body"))
            }
            if inputEnded {
                state = .closing   // every complete request is answered; the rest will never come
            } else if bufferedInputBytes > 0 {
                if requestStarted == nil { requestStarted = now }
                if headersComplete == nil && progress.hasHead { headersComplete = now }
                if progress.expectsContinue && !continued {
                    // RFC 9110 §10.1.1: the client waits for this before it sends the body.
                    continued = true
                    output.append((Self.continueHead, []))
                    outputBytes += Self.continueHead.count
                }
            }
            return compacting(.wait)
        case .reject(let problem):
            return refusing(problem)
        case .request(let request, let consumed):
            precondition(consumed > 0 && consumed <= bufferedInputBytes, "a request consumes what it parsed")
            inputStart += consumed
            requestStarted = nil
            headersComplete = nil
            continued = false
            keepAlive = keepAlive && request.wantsKeepAlive
            answeringHTTP10 = request.minorVersion == 0
            return .request(request)
        }
    }

    /// The request `next` returned went to a worker: parse no further until its response is queued.
    mutating func dispatched() {
        precondition(state == .reading, "one request in flight at a time")
        state = .awaitingResponse
    }

    // MARK: Output

    /// Queues the response to the request in flight (or to a refusal), serialized with `date`. When `stopping`,
    /// it is the connection's last.
    mutating func respond(_ response: HTTPResponse, head: Bool, date: String, stopping: Bool) {
        if state != .closing { state = keepAlive && !(inputEnded && bufferedInputBytes == 0) ? .reading : .closing }
        if stopping {
            keepAlive = false
            state = .closing
        }
        let headBytes = response.serializedHead(keepAlive: keepAlive && state != .closing, date: date, http10: answeringHTTP10)
        let body = head ? [] : response.body
        output.append((headBytes, body))
        outputBytes += headBytes.count + body.count
    }

    /// Queues the head (and first bytes) of a streaming response to the request in flight; from now on the
    /// connection only streams (`stream`) until it closes.
    mutating func startStream(_ response: HTTPResponse, date: String) {
        precondition(response.stream != nil, "a streaming response has its stream")
        precondition(state == .awaitingResponse || state == .reading, "a stream answers the request in flight")
        keepAlive = false
        state = .streaming
        let headBytes = response.serializedHead(keepAlive: false, date: date)
        output.append((headBytes, response.body))
        outputBytes += headBytes.count + response.body.count
    }

    /// Queues more bytes of the streaming response.
    mutating func stream(_ bytes: [UInt8], now: ContinuousClock.Instant) {
        precondition(state == .streaming, "only a streaming connection streams")
        guard !bytes.isEmpty else { return }
        output.append(([], bytes))
        outputBytes += bytes.count
    }

    /// Whether a streaming connection has written nothing for `seconds` and should send its keep-alive bytes.
    func streamIsQuiet(now: ContinuousClock.Instant, seconds: Int) -> Bool {
        state == .streaming && !hasPendingOutput && now - lastActivity >= .seconds(seconds)
    }

    /// The unwritten part of the first queued response: its head from `offset` on, then its body.
    var pendingWrite: (head: [UInt8], body: [UInt8], offset: Int)? {
        output.first.map { ($0.head, $0.body, outputOffset) }
    }

    /// `count` bytes of `pendingWrite` were written.
    mutating func wrote(_ count: Int, now: ContinuousClock.Instant) {
        precondition(count > 0 && !output.isEmpty, "a write consumes queued output")
        outputOffset += count
        let first = output[0].head.count + output[0].body.count
        precondition(first > 0, "nothing empty is queued")
        precondition(outputOffset <= first, "a write never passes the response it writes")
        if outputOffset == first {
            output.removeFirst()
            outputOffset = 0
            outputBytes -= first
        }
        lastActivity = now
    }

    /// What to do once nothing is left to write.
    var interestAfterFlush: Interest {
        switch state {
        case .closing: .close
        case .reading, .streaming: .read
        case .awaitingResponse: .none
        }
    }

    // MARK: Time

    /// Checks the idle, header, body and write time-outs at `now`.
    mutating func expire(now: ContinuousClock.Instant) -> Expiry {
        if hasPendingOutput && state != .streaming {
            return now - lastActivity >= .seconds(limits.writeTimeoutSeconds) ? .close : .none
        }
        guard state == .reading else { return .none }
        if bufferedInputBytes == 0 {
            return now - lastActivity >= .seconds(limits.idleTimeoutSeconds) ? .close : .none
        }
        let late: String, field: String
        if let headersComplete {
            guard now - headersComplete >= .seconds(limits.bodyReadTimeoutSeconds) else { return .none }
            (late, field) = ("The body did not arrive within \(limits.bodyReadTimeoutSeconds) s.", "body")
        } else if let requestStarted {
            guard now - requestStarted >= .seconds(limits.headerReadTimeoutSeconds) else { return .none }
            (late, field) = ("The header section did not arrive within \(limits.headerReadTimeoutSeconds) s.", "headers")
        } else {
            return .none
        }
        input.removeAll()
        inputStart = 0
        state = .closing
        return .reject(.http(408, late, field: field))
    }

    // MARK: Internals

    private mutating func refusing(_ problem: ProblemDetails) -> Next {
        inputStart = input.count
        state = .closing
        return compacting(.reject(problem))
    }

    /// Drops consumed input before answering `next`.
    private mutating func compacting(_ next: Next) -> Next {
        if inputStart > 0 {
            input.removeFirst(inputStart)
            inputStart = 0
        }
        return next
    }
}
