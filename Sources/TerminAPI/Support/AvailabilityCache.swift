import Synchronization
import TerminHTTP

/// Rendered availability answers, each stored with the version (`ETag`) it was rendered at, so the storm of identical
/// calendar reads at a release renders each answer once per change rather than once per request.
///
/// Bounded: at `entriesMax` entries the cache is emptied and refills with what is asked for (a crude but explicit
/// bound; the keys are canonical queries, of which a portal asks few).
final class AvailabilityCache: Sendable {
    /// Most answers kept.
    static let entriesMax = 4_096

    private let entries = Mutex<[String: (etag: String, body: [UInt8])]>([:])

    /// The body for `key` at `etag`, rendering and keeping it if what is kept is older (or absent).
    func body(key: String, etag: String, render: () throws(APIFailure) -> [UInt8]) throws(APIFailure) -> [UInt8] {
        if let kept = entries.withLock({ $0[key] }), kept.etag == etag { return kept.body }
        let body = try render()
        entries.withLock { entries in
            if entries.count >= Self.entriesMax { entries.removeAll(keepingCapacity: true) }
            entries[key] = (etag, body)
        }
        return body
    }
}
