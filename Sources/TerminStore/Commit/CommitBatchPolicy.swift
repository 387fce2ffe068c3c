/// When a commit writer takes a batch: the writer's decisions, free of threads, locks and clocks, so that lingering
/// and draining are tested with made-up instants.
///
/// A writer with nothing queued sleeps until an entry arrives. Once entries wait, it takes a full batch at once, or
/// else lingers until the oldest entry has waited `lingerTime` (more may arrive meanwhile and share the commit). When
/// stopping it lingers no more, takes what is queued, and exits once the queue is empty.
public struct CommitBatchPolicy: Sendable, Equatable {
    /// Most entries in one batch.
    public let batchSizeMax: Int
    /// Longest the oldest queued entry waits for others to join its batch.
    public let lingerTime: Duration

    public init(batchSizeMax: Int, lingerTime: Duration) {
        precondition(batchSizeMax >= 1 && lingerTime >= .zero, "a batch holds at least one entry")
        self.batchSizeMax = batchSizeMax
        self.lingerTime = lingerTime
    }

    /// What a writer does next.
    public enum Decision: Sendable, Equatable {
        /// Wait until an entry is queued (or the writer is stopped).
        case sleep
        /// Wait until this instant, or until the batch fills or the writer is stopped, then decide again.
        case wait(until: ContinuousClock.Instant)
        /// Take this many entries from the head of the queue and write them.
        case take(Int)
        /// Nothing queued and stopping: end the writer.
        case exit
    }

    /// Decides for a writer that sees `queued` entries, the oldest queued at `oldestQueuedAt`.
    public func decide(queued: Int, oldestQueuedAt: ContinuousClock.Instant?, stopping: Bool,
                       now: ContinuousClock.Instant) -> Decision {
        precondition(queued >= 0 && (queued == 0) == (oldestQueuedAt == nil), "the oldest entry is known when one waits")
        guard queued > 0, let oldestQueuedAt else { return stopping ? .exit : .sleep }
        if queued >= batchSizeMax { return .take(batchSizeMax) }
        if stopping { return .take(queued) }
        let deadline = oldestQueuedAt + lingerTime
        return now >= deadline ? .take(queued) : .wait(until: deadline)
    }

    /// Whether a submit that leaves `queued` entries should wake a writer: the first entry (a sleeping writer
    /// starts lingering) and a batch that just filled (a lingering writer takes it now). Others join quietly.
    public func shouldWake(queued: Int) -> Bool { queued == 1 || queued == batchSizeMax }
}
