import CLinux
import Foundation
import Glibc
import Synchronization

/// One event loop: an epoll instance on its own thread with its own listening socket (SO_REUSEPORT spreads
/// connections over the loops). The shell around `HTTPConnectionStateMachine`: it reads, writes and waits, and the
/// machine decides; handlers run on the worker pool and hand their responses back through a mailbox and an eventfd.
final class EventLoop: @unchecked Sendable {
    // Safety of @unchecked: every stored property but `mailbox`, `wakeFD` and `stopping` is touched only on the
    // loop's own thread (inside `run`). The mailbox is a Mutex, the eventfd is a kernel object made for this,
    // and `stopping` is atomic.

    struct Completion: Sendable {
        let fd: Int32
        let generation: UInt64
        let request: HTTPRequest
        let requestID: String
        /// When the request was parsed (`DispatchTime` nanoseconds).
        let started: UInt64
        let response: HTTPResponse
        let head: Bool
    }

    /// One client connection: its descriptor and its state machine, owned by the loop.
    final class Connection {
        let fd: Int32
        /// Distinguishes this connection from a later one that reuses the descriptor.
        let generation: UInt64
        var machine: HTTPConnectionStateMachine
        /// The streaming response this connection carries, and the switch its writers check.
        var stream: (response: ResponseStream, link: StreamLink)?
        /// Who connected.
        let peer: ClientAddress?
        /// Once answered for the last time: until when what the peer still sends is read and dropped (`linger`).
        var lingeringUntil: ContinuousClock.Instant?

        init(fd: Int32, generation: UInt64, machine: HTTPConnectionStateMachine, peer: ClientAddress?) {
            self.fd = fd
            self.generation = generation
            self.machine = machine
            self.peer = peer
        }
    }

    let listenFD: Int32
    let epollFD: Int32
    let wakeFD: Int32
    let parser: HTTPRequestParser
    let limits: HTTPLimits
    let handler: @Sendable (HTTPRequest) -> HTTPResponse
    let inlineHandler: HTTPServer.InlineHandler
    let workers: WorkerPool
    let metrics: HTTPMetrics?
    /// Per-client budgets checked before any handler runs (`nil`: none).
    let rateLimiter: RateLimiter?
    /// The access log of this loop (`nil`: none); lines are handed on once per turn of the loop.
    var accessLog: AccessLog.Writer?
    /// Open connections of this loop (read by the metrics gauge).
    let openConnections = Atomic<Int>(0)
    let mailbox = Mutex<[Completion]>([])
    /// Bytes written to streaming responses from other threads, delivered on the loop.
    let streamMailbox = Mutex<[(fd: Int32, generation: UInt64, bytes: [UInt8])]>([])
    /// Streaming responses open on this loop.
    var openStreams = 0
    let stopping = Atomic<Bool>(false)
    var connections: [Int32: Connection] = [:]
    private var nextGeneration: UInt64 = 0
    var cachedDate = (second: -1, text: "")
    /// Ids for requests that bring none.
    private var requestIDs = AccessLog.RequestIDGenerator()
    /// The read buffer, reused for every read of this loop.
    var chunk = [UInt8](repeating: 0, count: 16 * 1024)

    init(listenFD: Int32, limits: HTTPLimits, workers: WorkerPool, metrics: HTTPMetrics?,
         accessLog: AccessLog.Sink?, rateLimiter: RateLimiter?, inlineHandler: @escaping HTTPServer.InlineHandler,
         handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) throws {
        self.inlineHandler = inlineHandler
        self.rateLimiter = rateLimiter
        self.listenFD = listenFD
        self.metrics = metrics
        self.accessLog = accessLog.map(AccessLog.Writer.init)
        self.limits = limits
        self.parser = HTTPRequestParser(limits: limits)
        self.workers = workers
        self.handler = handler
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard epollFD >= 0, wakeFD >= 0 else { throw Socket.Failure(call: "epoll_create1/eventfd", errno: errno) }
        control(EPOLL_CTL_ADD, listenFD, events: EPOLLIN.rawValue)
        control(EPOLL_CTL_ADD, wakeFD, events: EPOLLIN.rawValue)
    }

    /// Wakes the loop from another thread.
    func wake() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    /// Runs until stopped and every in-flight request has been answered (or `drainSeconds` passed). Time-outs are
    /// checked once a second.
    func run(drainSeconds: Int) {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        var stopDeadline: ContinuousClock.Instant?
        while true {
            let now = ContinuousClock.now
            if stopping.load(ordering: .acquiring) {
                if stopDeadline == nil {
                    stopDeadline = now + .seconds(drainSeconds)
                    epoll_ctl(epollFD, EPOLL_CTL_DEL, listenFD, nil)
                    close(listenFD)
                    // Idle connections and streams (which never end on their own) close now; requests in flight finish.
                    for connection in connections.values where connection.machine.isIdle || connection.stream != nil {
                        closeConnection(connection)
                    }
                }
                if connections.isEmpty || now >= stopDeadline! { break }
            }
            let count = epoll_wait(epollFD, &events, Int32(events.count), 1000)
            if count < 0 && errno != EINTR { break }
            for index in 0..<max(Int(count), 0) {
                let event = events[index]
                let fd = event.data.fd
                if fd == listenFD {
                    acceptAll()
                } else if fd == wakeFD {
                    var value: UInt64 = 0
                    _ = read(wakeFD, &value, 8)
                    deliverCompletions()
                    deliverStreamBytes()
                } else if let connection = connections[fd] {
                    if event.events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 {
                        // The peer is gone; a response still being computed is dropped on arrival.
                        closeConnection(connection)
                        continue
                    }
                    if connection.lingeringUntil != nil {
                        dropLingeringInput(connection)
                        continue
                    }
                    if event.events & EPOLLOUT.rawValue != 0 {
                        flush(connection)
                        if connections[fd] === connection, connection.machine.canParse, connection.machine.bufferedInputBytes > 0 {
                            processInput(connection)
                        }
                    }
                    if event.events & EPOLLIN.rawValue != 0, connections[fd] === connection { readFrom(connection) }
                }
            }
            expireConnections(now: .now)
            accessLog?.flush()
        }
        for connection in connections.values { closeConnection(connection) }
        accessLog?.flush()
        close(epollFD)
        close(wakeFD)
    }

    private func acceptAll() {
        while true {
            var address = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    accept4(listenFD, $0, &length, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
                }
            }
            guard fd >= 0 else { return }
            guard connections.count < limits.connectionsPerLoopMax else {
                // Refuse cleanly: a 503 the client can read (best effort, never blocking), then close.
                _ = Self.refusal().withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
                close(fd)
                continue
            }
            Socket.setNoDelay(fd)
            nextGeneration += 1
            connections[fd] = Connection(fd: fd, generation: nextGeneration,
                                         machine: HTTPConnectionStateMachine(limits: limits, parser: parser, now: .now),
                                         peer: ClientAddress(socketAddress: address))
            openConnections.add(1, ordering: .relaxed)
            control(EPOLL_CTL_ADD, fd, events: EPOLLIN.rawValue | EPOLLRDHUP.rawValue)
        }
    }

    private func readFrom(_ connection: Connection) {
        while connection.machine.wantsInput {
            let count = chunk.withUnsafeMutableBytes { read(connection.fd, $0.baseAddress, $0.count) }
            if count > 0 {
                connection.machine.received(chunk[0..<count], now: .now)
            } else if count == 0 {
                // The peer closed its side; answer what is in flight, then close.
                if connection.machine.receivedEndOfInput() {
                    closeConnection(connection)
                    return
                }
                break
            } else {
                if errno == EINTR { continue }
                if errno != EAGAIN && errno != EWOULDBLOCK { closeConnection(connection); return }
                break
            }
        }
        processInput(connection)
    }

    /// Answers the complete requests buffered on a connection, in order: inline ones at once; the first answered later
    /// (a deferring route, or a worker) is dispatched and parsing pauses until it is answered; then writes the queue.
    /// Parsing also pauses at a full queue of answers, and goes on once the socket took them all.
    private func processInput(_ connection: Connection) {
        while connection.machine.canParse {
            let pausedForOutput = answerBuffered(connection)
            flush(connection)
            guard pausedForOutput, connections[connection.fd] === connection else { return }
        }
    }

    /// The parsing part of `processInput`; returns whether it paused because the queue of answers is full.
    private func answerBuffered(_ connection: Connection) -> Bool {
        parsing: while true {
            switch connection.machine.next(now: .now) {
            case .wait:
                return connection.machine.outputQueueIsFull
            case .reject(let problem):
                observe(method: "-", path: "-", route: "unparsed", status: problem.status, seconds: 0,
                        requestID: AccessLog.requestID(for: Self.unparsed, using: &requestIDs), bytesOut: 0)
                respond(.problem(problem), on: connection, head: false)
            case .request(let parsed):
                var located = parsed
                located.peer = connection.peer
                let request = located
                let head = request.method == "HEAD"
                let requestID = AccessLog.requestID(for: request, using: &requestIDs)
                let started = DispatchTime.now().uptimeNanoseconds
                if var refusal = rateLimiter?.refusal(request, nowSeconds: Double(started) / 1e9) {
                    refusal.headers.append(("X-Request-Id", requestID))
                    observe(request, refusal, started: started, requestID: requestID)
                    respond(refusal, on: connection, head: head)
                    continue parsing
                }
                let fd = connection.fd, generation = connection.generation
                // Hands an answer computed off the loop back to it; counted and logged on the loop when it is handed
                // to the connection.
                let complete: @Sendable (HTTPResponse) -> Void = { [self] response in
                    var response = response
                    response.headers.append(("X-Request-Id", requestID))
                    // One wake per batch of completions: whoever finds the mailbox empty wakes the loop, which takes
                    // all that is there.
                    let wasEmpty = mailbox.withLock { mailbox in
                        defer {
                            mailbox.append(Completion(fd: fd, generation: generation, request: request, requestID: requestID,
                                                      started: started, response: response, head: head))
                        }
                        return mailbox.isEmpty
                    }
                    if wasEmpty { wake() }
                }
                let accepted: Bool
                switch inlineHandler(request, complete) {
                case .answered(var response):
                    response.headers.append(("X-Request-Id", requestID))
                    observe(request, response, started: started, requestID: requestID)
                    respond(response, on: connection, head: head)
                    continue parsing
                case .deferred:
                    accepted = true
                case .blocking:
                    let handler = self.handler
                    accepted = workers.submit { complete(handler(request)) }
                }
                guard accepted else {
                    observe(method: request.method, path: request.path, route: "overloaded", status: 503, seconds: 0,
                            requestID: requestID, bytesOut: 0)
                    respond(.problem(.http(503, "The server is busy; try again shortly."),
                                     headers: [("Retry-After", "1"), ("X-Request-Id", requestID)]), on: connection, head: head)
                    continue parsing
                }
                connection.machine.dispatched()
                return false
            }
        }
    }

    private func deliverCompletions() {
        let completions = mailbox.withLock { mailbox in
            defer { mailbox.removeAll(keepingCapacity: true) }
            return mailbox
        }
        for completion in completions {
            observe(completion.request, completion.response, started: completion.started, requestID: completion.requestID)
            guard let connection = connections[completion.fd], connection.generation == completion.generation else { continue }
            respond(completion.response, on: connection, head: completion.head)
            flush(connection)
            if connections[completion.fd] === connection, connection.machine.canParse, connection.machine.bufferedInputBytes > 0 {
                processInput(connection)   // requests pipelined behind this one
            }
        }
    }

    /// Queues a response on a connection, with the `Date` of this second. A streaming response starts its stream.
    func respond(_ response: HTTPResponse, on connection: Connection, head: Bool) {
        let now = Int(Date().timeIntervalSince1970)
        if cachedDate.second != now { cachedDate = (now, HTTPResponse.httpDate(now)) }
        guard let stream = response.stream, !head, !stopping.load(ordering: .relaxed) else {
            connection.machine.respond(response, head: head, date: cachedDate.text, stopping: stopping.load(ordering: .relaxed))
            return
        }
        startStream(stream, response: response, on: connection)
    }

    /// Writes queued responses, one `writev` each (plus continuations after a partial write). Afterwards: closes a
    /// closing connection, or waits for the socket to take more, or for the next request.
    func flush(_ connection: Connection) {
        while let (head, body, offset) = connection.machine.pendingWrite {
            let written = head.withUnsafeBytes { headBytes in
                body.withUnsafeBytes { bodyBytes -> Int in
                    var vectors: [iovec] = []
                    if offset < head.count {
                        vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: headBytes.baseAddress! + offset),
                                             iov_len: head.count - offset))
                        if !body.isEmpty { vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: bodyBytes.baseAddress!), iov_len: body.count)) }
                    } else {
                        let bodyOffset = offset - head.count
                        vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: bodyBytes.baseAddress! + bodyOffset),
                                             iov_len: body.count - bodyOffset))
                    }
                    return writev(connection.fd, vectors, Int32(vectors.count))
                }
            }
            if written > 0 {
                connection.machine.wrote(written, now: .now)
            } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                // Not EPOLLRDHUP: level-triggered, a peer's half-close would wake every wait (a spinning loop); a peer
                // that never reads meets the write time-out.
                control(EPOLL_CTL_MOD, connection.fd, events: EPOLLOUT.rawValue)
                return
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                closeConnection(connection)
                return
            }
        }
        switch connection.machine.interestAfterFlush {
        case .close: linger(connection)
        case .read: control(EPOLL_CTL_MOD, connection.fd, events: EPOLLIN.rawValue | EPOLLRDHUP.rawValue)
        case .none: control(EPOLL_CTL_MOD, connection.fd, events: 0)   // read no more until this request is answered
        }
    }

    /// Registers (`EPOLL_CTL_ADD`) or changes (`EPOLL_CTL_MOD`) the events watched on `fd`.
    func control(_ operation: Int32, _ fd: Int32, events: UInt32) {
        var event = epoll_event()
        event.events = events
        event.data.fd = fd
        epoll_ctl(epollFD, operation, fd, &event)
    }

    /// Stands in for a request that could not be parsed, when a request id is made for it.
    static let unparsed = HTTPRequest(method: "-", target: "-", path: "-", query: [], minorVersion: 1, headers: [], body: [])

    /// The answer to a connection beyond `connectionsPerLoopMax`.
    static func refusal() -> [UInt8] {
        let problem = ProblemDetails.http(503, "Too many connections; try again shortly.")
        return HTTPResponse.problem(problem, headers: [("Retry-After", "1")])
            .serialized(keepAlive: false, date: HTTPResponse.httpDate(Int(Date().timeIntervalSince1970)))
    }
}
