import Synchronization

/// Request counters and latency histograms by route, plus gauges read at scrape time, rendered in the Prometheus
/// text exposition format (version 0.0.4).
public final class HTTPMetrics: Sendable {
    /// Upper bounds of the latency histogram's buckets, in seconds.
    public static let latencyBucketsSeconds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    struct RequestKey: Hashable {
        let method: String
        let route: String
        let status: Int
    }

    struct Histogram {
        var buckets = [Int](repeating: 0, count: HTTPMetrics.latencyBucketsSeconds.count)
        var count = 0
        var sumSeconds = 0.0
    }

    /// A value read when metrics are scraped.
    public struct Gauge: Sendable {
        public let name: String
        public let help: String
        /// `gauge` or `counter`.
        public let type: String
        public let read: @Sendable () -> Double
    }

    private let requests = Mutex<[RequestKey: Int]>([:])
    private let latency = Mutex<[String: Histogram]>([:])
    private let gauges = Mutex<[Gauge]>([])

    public init() {}

    /// Counts a request and its latency.
    public func observe(method: String, route: String, status: Int, seconds: Double) {
        requests.withLock { $0[RequestKey(method: method, route: route, status: status), default: 0] += 1 }
        latency.withLock { histograms in
            var histogram = histograms[route] ?? Histogram()
            histogram.count += 1
            histogram.sumSeconds += seconds
            for (index, bound) in Self.latencyBucketsSeconds.enumerated() where seconds <= bound { histogram.buckets[index] += 1 }
            histograms[route] = histogram
        }
    }

    /// Adds a gauge or counter read at scrape time; `name` must be a Prometheus metric name.
    public func register(_ name: String, help: String, type: String = "gauge", read: @escaping @Sendable () -> Double) {
        precondition(name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }, "a metric name")
        gauges.withLock { $0.append(Gauge(name: name, help: help, type: type, read: read)) }
    }

    /// The exposition text.
    public func render() -> String {
        var text = "# HELP termin_http_requests_total HTTP requests answered, by method, route and status.\n"
        text += "# TYPE termin_http_requests_total counter\n"
        for (key, count) in requests.withLock({ $0 }).sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
            text += "termin_http_requests_total{method=\"\(Self.escape(key.method))\",route=\"\(Self.escape(key.route))\",status=\"\(key.status)\"} \(count)\n"
        }
        text += "# HELP termin_http_request_duration_seconds Time from a parsed request to its response, by route.\n"
        text += "# TYPE termin_http_request_duration_seconds histogram\n"
        for (route, histogram) in latency.withLock({ $0 }).sorted(by: { $0.key < $1.key }) {
            let label = "route=\"\(Self.escape(route))\""
            for (index, bound) in Self.latencyBucketsSeconds.enumerated() {
                text += "termin_http_request_duration_seconds_bucket{\(label),le=\"\(bound)\"} \(histogram.buckets[index])\n"
            }
            text += "termin_http_request_duration_seconds_bucket{\(label),le=\"+Inf\"} \(histogram.count)\n"
            text += "termin_http_request_duration_seconds_sum{\(label)} \(histogram.sumSeconds)\n"
            text += "termin_http_request_duration_seconds_count{\(label)} \(histogram.count)\n"
        }
        for gauge in gauges.withLock({ $0 }) {
            text += "# HELP \(gauge.name) \(gauge.help)\n# TYPE \(gauge.name) \(gauge.type)\n\(gauge.name) \(gauge.read())\n"
        }
        return text
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
