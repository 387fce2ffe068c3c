import Foundation

/// The figures of a run: throughput, latency percentiles per endpoint, responses by status, invariants.
struct Report {
    let scenario: String
    let seconds: Double
    let reports: [Outcomes.ThreadReport]
    let invariants: [Invariants.Result]
    let extra: [String: String]

    var requests: Int { reports.reduce(0) { $0 + $1.statuses.values.reduce(0) { $0 + $1.values.reduce(0, +) } } }
    var transportErrors: Int { reports.reduce(0) { $0 + $1.transportErrors } }
    var transportRetries: Int { reports.reduce(0) { $0 + $1.transportRetries } }
    /// Server errors other than the 503s the server sends on purpose under overload.
    var serverErrors: Int {
        reports.reduce(0) { total, report in
            total + report.statuses.values.reduce(0) { $0 + $1.filter { $0.key >= 500 && $0.key != 503 }.values.reduce(0, +) }
        }
    }
    var errorRate: Double { Double(transportErrors + serverErrors) / Double(max(1, requests + transportErrors)) }

    func histograms() -> [String: LatencyHistogram] {
        var merged: [String: LatencyHistogram] = [:]
        for report in reports {
            for (endpoint, histogram) in report.histograms { merged[endpoint, default: LatencyHistogram()].merge(histogram) }
        }
        return merged
    }

    func statuses() -> [String: [Int: Int]] {
        var merged: [String: [Int: Int]] = [:]
        for report in reports {
            for (endpoint, counts) in report.statuses {
                for (status, count) in counts { merged[endpoint, default: [:]][status, default: 0] += count }
            }
        }
        return merged
    }

    func printTable() {
        print("scenario \(scenario): \(requests) requests in \(String(format: "%.2f", seconds)) s"
              + " = \(Int(Double(requests) / max(seconds, 0.001))) req/s; abandoned \(transportErrors), retried after a dropped"
              + " connection \(transportRetries), 5xx (not 503) \(serverErrors)")
        for (key, value) in extra.sorted(by: { $0.key < $1.key }) { print("  \(key): \(value)") }
        print("  endpoint       count     p50 ms    p90 ms    p99 ms  p99.9 ms    max ms   statuses")
        let statuses = statuses()
        for (endpoint, histogram) in histograms().sorted(by: { $0.key < $1.key }) {
            let ms = { (q: Double) in String(format: "%9.2f", Double(histogram.percentile(q)) / 1000) }
            let counts = (statuses[endpoint] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
            print("  " + endpoint.padding(toLength: 12, withPad: " ", startingAt: 0) + String(format: "%7d", histogram.total)
                  + " " + ms(0.5) + " " + ms(0.9) + " " + ms(0.99) + " " + ms(0.999)
                  + String(format: " %9.2f", Double(histogram.maxMicroseconds) / 1000) + "   " + counts)
        }
        for invariant in invariants { print("  [\(invariant.held ? "ok" : "FAILED")] \(invariant.name): \(invariant.detail)") }
    }

    func json() -> Data {
        var endpoints: [String: Any] = [:]
        let statuses = statuses()
        for (endpoint, histogram) in histograms() {
            endpoints[endpoint] = [
                "count": histogram.total,
                "latency_us": ["p50": histogram.percentile(0.5), "p90": histogram.percentile(0.9), "p99": histogram.percentile(0.99),
                               "p99_9": histogram.percentile(0.999), "max": histogram.maxMicroseconds],
                "statuses": Dictionary(uniqueKeysWithValues: (statuses[endpoint] ?? [:]).map { (String($0.key), $0.value) }),
            ]
        }
        let object: [String: Any] = [
            "scenario": scenario, "seconds": seconds, "requests": requests,
            "requests_per_second": Double(requests) / max(seconds, 0.001),
            "transport_errors": transportErrors, "transport_retries": transportRetries, "server_errors": serverErrors,
            "error_rate": errorRate,
            "endpoints": endpoints, "extra": extra,
            "invariants": invariants.map { ["name": $0.name, "held": $0.held, "detail": $0.detail] },
        ]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    }
}
