import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import TerminCore
import TerminStore

/// Posts the outbox's due webhook events to their receivers, in `webhookLoops` loops the composition root runs on
/// threads of their own: at least once, each with its stable `webhook-id` and signed on every try
/// (`WebhookSignature`), with a time-out; any answer but 2xx is retried with the mail's backoff, up to its tries (then
/// dead, listed for admins). A loop takes the due events of one receiver no other loop of this instance is posting to,
/// and posts them at once, so a slow receiver holds its own loop and no other receiver.
public final class WebhookDelivery: Sendable {
    /// One signed POST.
    public struct Request: Sendable {
        public let url: URL
        public let headers: [(name: String, value: String)]
        public let body: [UInt8]
    }

    /// Sends requests at once; for each, `nil` for a 2xx answer, else why not.
    public typealias Transport = @Sendable ([Request]) -> [String?]

    private let pool: DatabasePool
    private let transport: Transport
    private let clock: any WallClock
    private let configuration: OutboxDelivery.Configuration
    private let log: @Sendable (String) -> Void
    private let lifecycles: [LoopLifecycle]
    private let figures = Mutex(DeliveryStatistics())
    /// The receivers a loop is posting to; claims are made under this lock, so that no two loops take one receiver.
    private let posting = Mutex(Set<Int>())

    /// `transport` defaults to HTTP with `configuration.webhookTimeoutSeconds`.
    public init(pool: DatabasePool, transport: Transport? = nil, clock: any WallClock,
                configuration: OutboxDelivery.Configuration = .init(), log: @escaping @Sendable (String) -> Void) {
        precondition(configuration.batchMax > 0 && configuration.attemptsMax > 0 && configuration.webhookLoops > 0)
        self.pool = pool
        self.transport = transport ?? HTTPPoster(timeoutSeconds: configuration.webhookTimeoutSeconds).post
        self.clock = clock
        self.configuration = configuration
        self.log = log
        lifecycles = (0..<configuration.webhookLoops).map { _ in LoopLifecycle() }
    }

    public var statistics: DeliveryStatistics { figures.withLock { $0 } }

    /// The delivery loops.
    public var loops: [(name: String, run: @Sendable () -> Void)] {
        lifecycles.indices.map { index in ("termin-webhooks-\(index)", { [self] in run(lifecycles[index]) }) }
    }

    /// Stops after the rounds under way and waits for the loops.
    public func stop() { for lifecycle in lifecycles { lifecycle.stop() } }

    private func run(_ lifecycle: LoopLifecycle) {
        lifecycle.run {
            while !lifecycle.isStopped {
                var claimed = 0
                do { claimed = try deliverDueOfOneReceiver() } catch { log("webhook delivery failed: \(error)") }
                if claimed == 0 {
                    lifecycle.pause(until: .now + .milliseconds(Int(configuration.intervalSeconds * 1_000)))
                }
            }
        }
    }

    /// Delivers what is due now, one receiver after the other (each as a loop's round does). Returns how many events
    /// it claimed.
    @discardableResult
    public func deliverDue() throws -> Int {
        var claimed = 0
        while case let count = try deliverDueOfOneReceiver(), count > 0 { claimed += count }
        return claimed
    }

    /// One loop's round: claims the due events of one receiver no other loop is posting to, posts them at once and
    /// settles each. Returns how many it claimed.
    private func deliverDueOfOneReceiver() throws -> Int {
        let now = clock.now()
        let due = try posting.withLock { receivers in
            let due = try pool.withConnection {
                try WebhookRepository.claim(limit: configuration.batchMax, now: now, leaseSeconds: configuration.webhookLeaseSeconds,
                                            excluded: receivers, $0)
            }
            if let receiverID = due.first?.receiverID { receivers.insert(receiverID) }
            return due
        }
        guard let receiverID = due.first?.receiverID else { return 0 }
        defer { _ = posting.withLock { $0.remove(receiverID) } }
        // The receiver checks the timestamp against its own clock: the real time, whatever the engine's clock says.
        let timestamp = Int64(Date().timeIntervalSince1970)
        var outcomes = DeliveryOutcomes()
        var requests: [(event: WebhookRepository.Due, request: Request)] = []
        for event in due {
            guard let url = URL(string: event.url) else {
                outcomes.settled.append((event.id, .dead, "the receiver's URL cannot be read"))
                continue
            }
            let body = Array(event.payload.utf8)
            requests.append((event, Request(url: url, headers: WebhookSignature.headers(id: event.id, timestamp: timestamp,
                                                                                        body: body, secret: event.secret),
                                            body: body)))
        }
        for ((event, _), failure) in zip(requests, transport(requests.map(\.request))) {
            if let failure {
                outcomes.failed(event.id, attempts: event.attempts + 1, error: failure, permanent: false, now: now, configuration)
            } else {
                outcomes.settled.append((event.id, .sent, nil))
            }
        }
        try outcomes.write(pool, now: now)
        figures.withLock { outcomes.count(into: &$0) }
        for (_, settlement, error) in outcomes.settled where settlement == .dead { log("webhooks: an event is dead: \(error ?? "")") }
        return due.count
    }
}

/// POSTs JSON bodies over HTTP(S), all of a round at once, each bounded by a time-out.
struct HTTPPoster: Sendable {
    let timeoutSeconds: Double

    func post(_ requests: [WebhookDelivery.Request]) -> [String?] {
        let results = Mutex([String?](repeating: "not sent", count: requests.count))
        let group = DispatchGroup()
        let session = URLSession(configuration: .ephemeral, delegate: NoRedirects(), delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        for (index, request) in requests.enumerated() {
            var urlRequest = URLRequest(url: request.url, timeoutInterval: timeoutSeconds)
            urlRequest.httpMethod = "POST"
            urlRequest.httpBody = Data(request.body)
            urlRequest.setValue("application/json", forHTTPHeaderField: "Content-Type")
            for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
            group.enter()
            session.dataTask(with: urlRequest) { _, response, error in
                let status = (response as? HTTPURLResponse)?.statusCode
                let location = (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Location")
                let outcome: String? = if let status, (200..<300).contains(status) { nil }
                    else if let status, let location { "the receiver answered \(status), redirecting to \(location): register that URL" }
                    else if let status { "the receiver answered \(status)" }
                    else { "the receiver could not be reached: \(error.map { "\($0.localizedDescription)" } ?? "no answer")" }
                results.withLock { $0[index] = outcome }
                group.leave()
            }.resume()
        }
        // Each task ends by its time-out; the wait's own bound is a second more.
        _ = group.wait(timeout: .now() + timeoutSeconds + 1)
        return results.withLock { $0 }
    }
}

/// Follows no redirect: URLSession sends a POST redirected by 301, 302 or 303 again as a GET without its body, which
/// the receiver could answer 2xx without ever having the event. The 3xx answer is the try's failure.
final class NoRedirects: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}
