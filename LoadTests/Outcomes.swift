import TerminTestSupport
import Dispatch
import Foundation
import Synchronization

/// What the clients were told, and how the requests went: collected from every client thread.
final class Outcomes: Sendable {
    /// What a client was told: a 201 for a hold or booking, a 200 for a move (its new start) or a cancellation.
    struct Told: Sendable {
        let id: String
        let kind: String        // "hold", "booking", "moved" or "cancelled"
        let start: String
        let office: Int
    }

    struct ThreadReport: Sendable {
        var told: [Told] = []
        var statuses: [String: [Int: Int]] = [:]        // endpoint → status → count
        /// Requests abandoned after the transport kept failing (the server did not come back).
        var transportErrors = 0
        /// Attempts that met a closed or refused connection and were retried (a server restart causes many).
        var transportRetries = 0
        var histograms: [String: LatencyHistogram] = [:]
        var gaveUp = 0
        var booked = 0

        /// Counts an answer and its latency (since `began`, in uptime nanoseconds); after a 503 the client waits the
        /// server's Retry-After, shortened to 50 ms.
        mutating func record(_ endpoint: String, _ response: TestHTTPClient.Response, began: UInt64) {
            histograms[endpoint, default: LatencyHistogram()]
                .record(microseconds: Int((DispatchTime.now().uptimeNanoseconds - began) / 1000))
            statuses[endpoint, default: [:]][response.status, default: 0] += 1
            if response.status == 503 { usleep(50_000) }
        }
    }

    private let reports = Mutex<[ThreadReport]>([])

    func add(_ report: ThreadReport) { reports.withLock { $0.append(report) } }

    var all: [ThreadReport] { reports.withLock { $0 } }
}
