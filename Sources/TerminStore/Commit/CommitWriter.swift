import Dispatch
import Foundation
import Synchronization
import TerminCore
import TerminPostgres

/// The one writer of appointments: writes plans (`WritePlan`: the winners of the in-memory race, confirmations,
/// cancellations, expiries) to PostgreSQL in batches, so one transaction, and one fsync, carries many of them.
///
/// Callers submit a plan and wait, or hear later. A writer loop takes what is queued as `CommitBatchPolicy` decides (a
/// full batch at once, else after the oldest plan lingered), writes it as `BatchWrite` says, and answers every
/// caller after the commit. `writerCount` loops, each with its own connection, overlap one batch's preparation with
/// another's commit; the composition root runs each of `loops` on a thread of its own. Batches are independent: the
/// ledger never hands the same desk time to two of them. A plan the database refuses (a new row's desk time is taken
/// by another instance: `desk_time`'s key; a hold ran out) is answered `.refused`; if the transaction fails, every plan
/// of the batch is answered `.failed`, and nothing of it was written.
public final class CommitWriter: Sendable {
    /// Bounds of the writer, each with its unit.
    public struct Configuration: Sendable {
        /// Most plans in one transaction.
        public var batchSizeMax = 512
        /// Longest the oldest queued plan waits for a batch to fill, in microseconds.
        public var lingerMicroseconds = 200
        /// Most plans waiting to be written; beyond, `submit` answers `.failed` at once.
        public var queueCapacity = 16_384
        /// Writer loops (and database connections). One by default: PostgreSQL spends far more per transaction (about
        /// 0.5 ms of CPU: commit, triggers, constraints, WAL flush) than per row, and a second writer halves the batches
        /// while the machine's cores are busy anyway (issue 14, same hour: the month 40 s with two, 35 s with one,
        /// batches 4.4 and 7.3; REST bookings about 10 % more with one). More pay off when commits wait on a slow disk
        /// with cores idle.
        public var writerCount = 1
        public init() {}

        var policy: CommitBatchPolicy {
            CommitBatchPolicy(batchSizeMax: batchSizeMax, lingerTime: .microseconds(lingerMicroseconds))
        }
    }

    /// What became of a plan.
    public typealias Outcome = WritePlan.Outcome

    /// Figures for metrics and benchmarks.
    public struct Statistics: Sendable {
        public let batches: Int
        /// Plans written (each counted once per batch that took it).
        public let entries: Int
        public let largestBatch: Int

        public init(batches: Int, entries: Int, largestBatch: Int) {
            self.batches = batches
            self.entries = entries
            self.largestBatch = largestBatch
        }
    }

    final class Pending: Sendable {
        let plan: WritePlan
        let queuedAt: ContinuousClock.Instant
        /// Batches that took the plan and left it for the next (its key being stored by an earlier plan).
        let deferrals: Int
        /// Called with the outcome on the writer's thread; `nil`: the submitter waits on `done`.
        let completion: (@Sendable (Outcome) -> Void)?
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Outcome?>(nil)
        init(_ plan: WritePlan, queuedAt: ContinuousClock.Instant, deferrals: Int = 0,
             completion: (@Sendable (Outcome) -> Void)?) {
            self.plan = plan
            self.queuedAt = queuedAt
            self.deferrals = deferrals
            self.completion = completion
        }

        /// The same plan for the next batch, its caller still waiting.
        func deferred() -> Pending {
            // A waiting submitter waits on this pending's semaphore: the next one hands the answer over.
            Pending(plan, queuedAt: queuedAt, deferrals: deferrals + 1, completion: completion ?? { [self] in answer($0) })
        }

        func answer(_ outcome: Outcome) {
            if let completion {
                completion(outcome)
            } else {
                self.outcome.withLock { $0 = outcome }
                done.signal()
            }
        }
    }

    struct State {
        var queue: [Pending] = []
        /// Index of the queue's head (taken entries before it are cleared lazily).
        var head = 0
        var stopped = false
        /// Batches taken and not yet answered.
        var writing = 0
        var batches = 0
        var entries = 0
        var largestBatch = 0
        var queued: Int { queue.count - head }
    }

    public let configuration: Configuration
    private let policy: CommitBatchPolicy
    private let conninfo: String
    private let applicationName: String
    private let state = ConditionLock(State())

    /// A writer for `conninfo`; nothing is written until the composition root runs `loops`.
    public init(conninfo: String, applicationName: String = "termin", configuration: Configuration = Configuration()) {
        precondition(configuration.queueCapacity >= 1 && configuration.writerCount >= 1)
        self.conninfo = conninfo
        self.applicationName = applicationName
        self.configuration = configuration
        policy = configuration.policy
    }

    /// The writer loops, each to run on a thread of its own until `stop`.
    public var loops: [(name: String, run: @Sendable () -> Void)] {
        (0..<configuration.writerCount).map { index in ("termin-commit-writer-\(index)", { [self] in run() }) }
    }

    /// Queues a plan and waits until its batch is committed or has failed.
    public func submit(_ plan: WritePlan) -> Outcome {
        let pending = Pending(plan, queuedAt: .now, completion: nil)
        guard enqueue(pending) else { return Self.refusedAtTheDoor }
        pending.done.wait()
        return pending.outcome.withLock { $0! }
    }

    /// Queues a plan without waiting: `completion` hears its outcome once its batch is committed or has failed,
    /// on a writer's thread (so it must not block), or at once on the caller's thread when the queue is full or
    /// stopping.
    public func submit(_ plan: WritePlan, completion: @escaping @Sendable (Outcome) -> Void) {
        guard enqueue(Pending(plan, queuedAt: .now, completion: completion)) else { return completion(Self.refusedAtTheDoor) }
    }

    /// Most batches a plan is left for the next one before it is answered `.failed` (each deferral waits for an
    /// earlier plan with the same key, so one is enough unless that plan's batch failed).
    static let deferralsMax = 3

    private static let refusedAtTheDoor = Outcome.failed("the commit queue is full or stopping")

    private func enqueue(_ pending: Pending) -> Bool {
        state.withLock { locked -> Bool in
            guard !locked.state.stopped, locked.state.queued < configuration.queueCapacity else { return false }
            locked.state.queue.append(pending)
            if policy.shouldWake(queued: locked.state.queued) { locked.signal() }
            return true
        }
    }

    /// Plans waiting to be taken into a batch.
    public var queuedCount: Int { state.withLock { $0.state.queued } }

    public var statistics: Statistics {
        state.withLock { locked in
            let state = locked.state
            return Statistics(batches: state.batches, entries: state.entries, largestBatch: state.largestBatch)
        }
    }

    /// Refuses new entries and waits until the loops have written and answered everything queued; the loops then
    /// end by themselves.
    public func stop() {
        state.withLock { locked in
            locked.state.stopped = true
            locked.broadcast()
            while locked.state.queued > 0 || locked.state.writing > 0 { locked.wait() }
        }
    }

    /// One writer loop: takes batches as the policy decides and writes them, until stopped and drained.
    private func run() {
        var connection: PostgresConnection?
        while let batch = nextBatch() {
            assert(!batch.isEmpty && batch.count <= policy.batchSizeMax, "a batch never exceeds its bound")
            let outcomes: [Outcome?]
            do {
                if connection == nil || connection?.isHealthy == false {
                    connection = try PostgresConnection(conninfo: conninfo, applicationName: applicationName)
                }
                outcomes = try Self.writeRetryingRaces(batch.map(\.plan), connection!)
            } catch {
                connection = nil
                outcomes = Array(repeating: .failed("\(error)"), count: batch.count)
            }
            let deferred = zip(batch, outcomes).filter { $0.1 == nil && $0.0.deferrals < Self.deferralsMax }.map { $0.0.deferred() }
            // Counted before the callers hear, so figures read after an answer include its batch.
            state.withLock { locked in
                locked.state.batches += 1
                locked.state.entries += batch.count
                locked.state.largestBatch = max(locked.state.largestBatch, batch.count)
                locked.state.writing -= 1
                locked.state.queue.insert(contentsOf: deferred, at: locked.state.head)
                if locked.state.stopped || !deferred.isEmpty { locked.broadcast() }   // `stop` waits for the last batch
            }
            for (pending, outcome) in zip(batch, outcomes) where outcome != nil || pending.deferrals >= Self.deferralsMax {
                pending.answer(outcome ?? .failed("the idempotency key's first request did not settle"))
            }
        }
    }

    /// Waits as the policy decides and takes the next batch; `nil` when stopped and drained.
    private func nextBatch() -> [Pending]? {
        state.withLock { locked -> [Pending]? in
            while true {
                let queued = locked.state.queued
                let decision = policy.decide(queued: queued, oldestQueuedAt: queued > 0 ? locked.state.queue[locked.state.head].queuedAt : nil,
                                             stopping: locked.state.stopped, now: .now)
                switch decision {
                case .sleep:
                    locked.wait()
                case .wait(let deadline):
                    locked.wait(until: deadline)
                case .take(let count):
                    return take(count, locked)
                case .exit:
                    locked.broadcast()   // the other writers may exit too
                    return nil
                }
            }
        }
    }

    /// Takes `count` entries from the head of the queue as a batch being written.
    private func take(_ count: Int, _ locked: ConditionLock<State>.Locked) -> [Pending] {
        let head = locked.state.head
        let batch = Array(locked.state.queue[head..<(head + count)])
        locked.state.head += count
        locked.state.writing += 1
        if locked.state.head == locked.state.queue.count || locked.state.head > 4_096 {
            locked.state.queue.removeFirst(locked.state.head)
            locked.state.head = 0
        }
        if locked.state.queued > 0 { locked.signal() }   // another writer may start on the rest
        return batch
    }

    /// Most times a batch is written again after PostgreSQL rolled it back for a race with another writer.
    static let raceRetriesMax = 3

    /// `write`, again when the batch lost a race with another writer (another instance's) for the same desk time
    /// and PostgreSQL rolled it back: as a deadlock's victim (SQLSTATE 40P01: two writers waiting on each other's
    /// uncommitted rows), or on `desk_time`'s key (23505: the other committed the time first), or on an idempotency
    /// key stored before (23505: the first try does not look keys up). The rolled-back batch wrote nothing, so writing
    /// it again is safe; the second time the row whose time is taken is skipped and keys are looked up first. Rows go
    /// in desk and time order, which makes deadlocks rare to begin with.
    static func writeRetryingRaces(_ plans: [WritePlan], _ db: PostgresConnection) throws -> [Outcome?] {
        var attempt = 0
        while true {
            do {
                return try BatchWrite.write(plans, checkingKeys: attempt > 0, db)
            } catch let error as PostgresError where (error.sqlState == "40P01" || error.sqlState == "23505")
                && attempt < raceRetriesMax {
                attempt += 1
            }
        }
    }
}
