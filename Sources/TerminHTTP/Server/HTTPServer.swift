import Dispatch
import Foundation
import Glibc
import Synchronization

/// An HTTP/1.1 server on epoll: `loopCount` event loops, each with its own listening socket, and a worker pool on
/// which handlers run (they may block on the database). The composition root runs each of `loops` on a thread of
/// its own.
public final class HTTPServer: Sendable {
    /// Where and how the server listens.
    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        /// 0 picks a free port (tests).
        public var port = 8080
        /// Event loops; default one per core.
        public var loopCount = max(1, ProcessInfo.processInfo.activeProcessorCount)
        /// Threads running handlers (they may block on the database).
        public var workerThreads = 64
        /// Seconds in-flight requests get to finish when the server stops.
        public var drainSeconds = 10
        public var limits = HTTPLimits()
        /// Where requests are counted and timed; the server adds its own gauges (connections, queue).
        public var metrics: HTTPMetrics?
        /// Receives the access log, one JSON line per request, in chunks of whole lines (`AccessLog.toStandardError`
        /// in production); `nil` logs nothing.
        public var accessLog: AccessLog.Sink?
        /// Per-client request budgets (`nil`: no limits).
        public var rateLimiter: RateLimiter?
        public init() {}
    }

    /// Runs on an event loop: answers now, takes the request to answer later through the callback (exactly once, from
    /// any thread), or passes it on to a worker (`.blocking`).
    public typealias InlineHandler = @Sendable (HTTPRequest, _ later: @escaping @Sendable (HTTPResponse) -> Void) -> Router.InlineOutcome

    public let configuration: Configuration
    /// The port actually bound.
    public let port: Int
    private let eventLoops: [EventLoop]
    private let workers: WorkerPool
    private let exited = DispatchSemaphore(value: 0)
    private let began = Atomic<Int>(0)
    private let loopsBox: LoopsBox?

    /// The loops, for gauges registered before they exist.
    final class LoopsBox: Sendable {
        let loops = Mutex<[EventLoop]>([])
    }

    /// Binds; requests are served once `loops` run. `inlineHandler` answers on the event loop what never blocks, or
    /// takes a request to answer later through its callback, or passes it on (`.blocking`); `handler` answers the rest
    /// on a worker thread.
    public init(configuration: Configuration,
                inlineHandler: @escaping InlineHandler = { _, _ in .blocking },
                handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) throws {
        signal(SIGPIPE, SIG_IGN)
        self.configuration = configuration
        let workers = WorkerPool(threadCount: configuration.workerThreads, queueCapacity: configuration.limits.pendingRequestsMax)
        self.workers = workers
        let first = try Socket.listen(host: configuration.host, port: configuration.port)
        let port = Socket.localPort(first)
        var descriptors = [first]
        for _ in 1..<max(configuration.loopCount, 1) {
            descriptors.append(try Socket.listen(host: configuration.host, port: port))
        }
        self.port = port
        if let metrics = configuration.metrics {
            let loopsBox = LoopsBox()
            metrics.register("termin_http_open_connections", help: "Open client connections.") {
                Double(loopsBox.loops.withLock { $0.reduce(0) { $0 + $1.openConnections.load(ordering: .relaxed) } })
            }
            metrics.register("termin_http_pending_requests", help: "Requests waiting for a worker thread.") {
                Double(workers.pending)
            }
            self.loopsBox = loopsBox
        } else {
            self.loopsBox = nil
        }
        eventLoops = try descriptors.map {
            try EventLoop(listenFD: $0, limits: configuration.limits, workers: workers, metrics: configuration.metrics,
                          accessLog: configuration.accessLog, rateLimiter: configuration.rateLimiter,
                          inlineHandler: inlineHandler, handler: handler)
        }
        loopsBox?.loops.withLock { [eventLoops] in $0 = eventLoops }
    }

    /// The event loops and the worker loops, each to run on a thread of its own until `stop`.
    public var loops: [(name: String, run: @Sendable () -> Void)] {
        eventLoops.enumerated().map { index, loop in
            ("termin-loop-\(index)", { [self] in
                began.add(1, ordering: .acquiringAndReleasing)
                loop.run(drainSeconds: configuration.drainSeconds)
                exited.signal()
            })
        } + workers.loops
    }

    /// Serves `router`: inline routes on the event loops, the others on the worker threads.
    public convenience init(configuration: Configuration, router: Router) throws {
        try self.init(configuration: configuration, inlineHandler: { router.respondInline(to: $0, later: $1) },
                      handler: { router.respond(to: $0) })
    }

    /// Stops accepting, lets in-flight requests finish (up to `drainSeconds`), then stops the loops and workers.
    public func stop() {
        for loop in eventLoops {
            loop.stopping.store(true, ordering: .releasing)
            loop.wake()
        }
        for _ in 0..<began.load(ordering: .acquiring) { exited.wait() }
        workers.shutdown()
    }
}
