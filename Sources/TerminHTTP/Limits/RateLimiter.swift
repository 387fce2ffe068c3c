import Synchronization

/// Token buckets per client address, with separate budgets for reads (GET, HEAD) and writes (everything else): a
/// bucket holds at most `burst` tokens and regains `perMinute` a minute; a request takes one or is refused with
/// `429`, `Retry-After` and the IETF draft's `RateLimit-Policy` / `RateLimit` fields. Memory is bounded: at most
/// `bucketsMax` buckets are kept (spread over shards); a full shard forgets its fullest buckets first (a bucket at
/// its burst is the same as no bucket).
public final class RateLimiter: Sendable {
    public struct Budget: Sendable, Equatable {
        public var perMinute: Int
        public var burst: Int
        public init(perMinute: Int, burst: Int) {
            precondition(perMinute > 0 && burst > 0, "a budget lets something through")
            self.perMinute = perMinute
            self.burst = burst
        }
    }

    public struct Configuration: Sendable {
        public var reads = Budget(perMinute: 600, burst: 120)
        public var writes = Budget(perMinute: 30, burst: 10)
        /// Peers whose `X-Forwarded-For` is believed (`client(of:)`); everyone else is the client.
        public var trustedProxies: Set<ClientAddress> = []
        /// Most buckets kept in all.
        public var bucketsMax = 100_000
        /// Paths never limited (health checks, metrics scrapes).
        public var exemptPaths: Set<String> = ["/healthz", "/readyz", "/metrics"]
        public init() {}
    }

    /// What the limiter says about a request.
    public enum Verdict: Sendable, Equatable {
        case admitted
        /// Refused: try again in `retryAfterSeconds`.
        case refused(retryAfterSeconds: Int, policy: String, state: String)
    }

    struct Key: Hashable {
        let address: ClientAddress
        let isWrite: Bool
    }

    struct Bucket {
        var tokens: Double
        var updatedSeconds: Double
    }

    /// One lock's worth of buckets.
    final class Shard: Sendable {
        let buckets = Mutex<[Key: Bucket]>([:])
    }

    static let shardCount = 16
    public let configuration: Configuration
    private let shards: [Shard]
    private let refusedCount = Atomic<Int>(0)

    public init(configuration: Configuration = Configuration()) {
        precondition(configuration.bucketsMax >= Self.shardCount, "room for a bucket per shard")
        self.configuration = configuration
        shards = (0..<Self.shardCount).map { _ in Shard() }
    }

    /// Buckets kept now.
    var bucketCount: Int { shards.reduce(0) { $0 + $1.buckets.withLock { $0.count } } }

    /// Requests refused so far.
    public var refused: Int { refusedCount.load(ordering: .relaxed) }

    /// The client a request counts against: the peer, or when the peer is a trusted proxy, the nearest address in
    /// `X-Forwarded-For` that is not one of the trusted proxies, read from the right. Proxies append the address they
    /// saw and keep what the client sent, so the left end is the client's to write: a bot sending a made-up address
    /// there would get a fresh budget each time. An unreadable entry counts against the proxy that passed it on.
    public func client(of request: HTTPRequest) -> ClientAddress? {
        guard let peer = request.peer else { return nil }
        // Every X-Forwarded-For line, in order, as one list (RFC 9110 §5.3): a proxy may add a line of its own.
        let forwarded = request.headers.filter { $0.name == "x-forwarded-for" }.map(\.value).joined(separator: ",")
        guard configuration.trustedProxies.contains(peer), !forwarded.isEmpty else { return peer }
        var nearest = peer
        for entry in forwarded.split(separator: ",").reversed() {
            guard let address = ClientAddress(text: String(entry)) else { return nearest }
            nearest = address
            if !configuration.trustedProxies.contains(address) { break }
        }
        return nearest
    }

    /// Takes a token for `request` at `nowSeconds` (any monotonic clock), or says when to come back.
    public func admit(_ request: HTTPRequest, nowSeconds: Double) -> Verdict {
        guard !configuration.exemptPaths.contains(request.path), let client = client(of: request) else { return .admitted }
        let isWrite = request.method != "GET" && request.method != "HEAD"
        return take(Key(address: client.budgetHolder, isWrite: isWrite), nowSeconds: nowSeconds)
    }

    func take(_ key: Key, nowSeconds: Double) -> Verdict {
        let budget = key.isWrite ? configuration.writes : configuration.reads
        let perSecond = Double(budget.perMinute) / 60
        let shard = shards[abs(key.hashValue % Self.shardCount)]
        let perShardMax = configuration.bucketsMax / Self.shardCount
        let verdict: Verdict = shard.buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: Double(budget.burst), updatedSeconds: nowSeconds)
            bucket.tokens = min(Double(budget.burst), bucket.tokens + max(0, nowSeconds - bucket.updatedSeconds) * perSecond)
            bucket.updatedSeconds = nowSeconds
            let name = key.isWrite ? "writes" : "reads"
            let policy = "\"\(name)\";q=\(budget.perMinute);w=60"
            guard bucket.tokens >= 1 else {
                let wait = Int(((1 - bucket.tokens) / perSecond).rounded(.up))
                buckets[key] = bucket
                return .refused(retryAfterSeconds: max(1, wait), policy: policy, state: "\"\(name)\";r=0;t=\(max(1, wait))")
            }
            bucket.tokens -= 1
            if buckets[key] == nil && buckets.count >= perShardMax { Self.evict(&buckets, nowSeconds: nowSeconds, perSecond: perSecond, burst: budget.burst) }
            buckets[key] = bucket
            return .admitted
        }
        if case .refused = verdict { refusedCount.add(1, ordering: .relaxed) }
        return verdict
    }

    /// Makes room in a full shard: drops the buckets that have refilled to their burst (equal to having none), or,
    /// if none has, the half that was touched longest ago.
    static func evict(_ buckets: inout [Key: Bucket], nowSeconds: Double, perSecond: Double, burst: Int) {
        let before = buckets.count
        buckets = buckets.filter { $0.value.tokens + (nowSeconds - $0.value.updatedSeconds) * perSecond < Double(burst) }
        guard buckets.count == before else { return }
        let ordered = buckets.sorted { $0.value.updatedSeconds < $1.value.updatedSeconds }
        for (key, _) in ordered.prefix(max(1, before / 2)) { buckets[key] = nil }
    }

    /// The `429` answer if `request` is over its budget, else `nil` (its token taken).
    func refusal(_ request: HTTPRequest, nowSeconds: Double) -> HTTPResponse? {
        Self.response(admit(request, nowSeconds: nowSeconds))
    }

    /// The `429` answer for a refusal.
    public static func response(_ verdict: Verdict) -> HTTPResponse? {
        guard case .refused(let seconds, let policy, let state) = verdict else { return nil }
        return .problem(ProblemDetails(type: "urn:termin:problem:rate-limited", title: "Too many requests", status: 429,
                                       detail: "This address sent more requests than its budget allows; try again in \(seconds) s.",
                                       field: nil),
                        headers: [("Retry-After", String(seconds)), ("RateLimit-Policy", policy), ("RateLimit", state)])
    }
}
