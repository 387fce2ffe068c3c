import TerminCore
import TerminPostgres

/// Answers replays, plans that write nothing (a client's repeat whose time its first request took), from the stored
/// answers of their keys: in batches, on a connection of its own, so a repeat (and every keyed request that lost a
/// race for its time, which may be one) never waits for a commit. A key not stored is answered as its time taken.
final class KeyLookups: Sendable {
    struct State {
        var queue: [PendingPlan] = []
        var stopped = false
        /// Lookups taken and not yet answered.
        var reading = 0
    }

    private let conninfo: String
    private let applicationName: String
    /// Most replays queued, and read in one statement.
    private let queueCapacity: Int
    private let batchSizeMax: Int
    private let state = ConditionLock(State())

    init(conninfo: String, applicationName: String, queueCapacity: Int, batchSizeMax: Int) {
        precondition(queueCapacity >= 1 && batchSizeMax >= 1)
        self.conninfo = conninfo
        self.applicationName = applicationName
        self.queueCapacity = queueCapacity
        self.batchSizeMax = batchSizeMax
    }

    /// The reading loop, to run on a thread of its own until `stop`.
    var loop: (name: String, run: @Sendable () -> Void) { ("termin-key-lookups", { [self] in run() }) }

    /// Queues a replay; `false` when the queue is full or stopping.
    func enqueue(_ pending: PendingPlan) -> Bool {
        precondition(pending.plan.changes.isEmpty && pending.key != nil, "a lookup is a replay")
        return state.withLock { locked -> Bool in
            guard !locked.state.stopped, locked.state.queue.count < queueCapacity else { return false }
            locked.state.queue.append(pending)
            if locked.state.queue.count == 1 { locked.signal() }
            return true
        }
    }

    /// Refuses new lookups and waits until everything queued is answered; the loop then ends.
    func stop() {
        state.withLock { locked in
            locked.state.stopped = true
            locked.broadcast()
            while !locked.state.queue.isEmpty || locked.state.reading > 0 { locked.wait() }
        }
    }

    private func run() {
        var connection: PostgresConnection?
        while let batch = next() {
            let outcomes: [WritePlan.Outcome]
            do {
                if connection?.isOpen != true {   // a server restarted or failed over since the last batch
                    connection = try BatchWrite.connect(conninfo: conninfo, applicationName: applicationName)
                }
                outcomes = try BatchWrite.replays(batch.map(\.plan), connection!)
            } catch {
                connection = nil
                outcomes = Array(repeating: .failed("\(error)"), count: batch.count)
            }
            state.withLock { locked in
                locked.state.reading -= 1
                if locked.state.stopped { locked.broadcast() }
            }
            for (pending, outcome) in zip(batch, outcomes) { pending.answer(outcome) }
        }
    }

    /// Waits for lookups and takes up to `batchSizeMax`; `nil` when stopped and drained.
    private func next() -> [PendingPlan]? {
        state.withLock { locked -> [PendingPlan]? in
            while locked.state.queue.isEmpty {
                if locked.state.stopped {
                    locked.broadcast()
                    return nil
                }
                locked.wait()
            }
            let batch = Array(locked.state.queue.prefix(batchSizeMax))
            locked.state.queue.removeFirst(batch.count)
            locked.state.reading += 1
            return batch
        }
    }
}
