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
/// by another instance: `desk_time`'s key; a hold ran out) is answered `.refused`. A plan whose data the database
/// refuses with an error no statement foresaw fails alone (`writeIsolatingFaults`); if the transaction fails otherwise
/// (the connection is lost), every plan of the batch is answered `.failed`, and nothing of it was written.
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

    struct State {
        var queue: [PendingPlan] = []
        /// Index of the queue's head (taken plans before it are cleared lazily).
        var head = 0
        var stopped = false
        /// Batches taken and not yet answered.
        var writing = 0
        /// The plan queued or being written for each idempotency key: later plans with its key follow it.
        var leaders: [String: PendingPlan] = [:]
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
    private let lookups: KeyLookups

    /// A writer for `conninfo`; nothing is written until the composition root runs `loops`.
    public init(conninfo: String, applicationName: String = "termin", configuration: Configuration = Configuration()) {
        precondition(configuration.queueCapacity >= 1 && configuration.writerCount >= 1)
        self.conninfo = conninfo
        self.applicationName = applicationName
        self.configuration = configuration
        policy = configuration.policy
        lookups = KeyLookups(conninfo: conninfo, applicationName: applicationName, queueCapacity: configuration.queueCapacity,
                             batchSizeMax: configuration.batchSizeMax)
    }

    /// The writer loops and the key lookups' loop, each to run on a thread of its own until `stop`.
    public var loops: [(name: String, run: @Sendable () -> Void)] {
        (0..<configuration.writerCount).map { index in ("termin-commit-writer-\(index)", { [self] in run() }) } + [lookups.loop]
    }

    /// Queues a plan and waits until its batch is committed or has failed.
    public func submit(_ plan: WritePlan) -> Outcome {
        let pending = PendingPlan(plan, completion: nil)
        guard enqueue(pending) else { return Self.refusedAtTheDoor }
        return pending.waitForAnswer()
    }

    /// Queues a plan without waiting: `completion` hears its outcome once its batch is committed or has failed,
    /// on a writer's thread (so it must not block), or at once on the caller's thread when the queue is full or
    /// stopping.
    ///
    /// A plan with an idempotency key that a queued or unanswered plan carries is not written: it follows that plan
    /// and is answered from its outcome (a client's repeats racing each other). A plan that writes nothing (a repeat
    /// whose time its first request took) is answered from the key's stored answer by the key lookups' loop, without
    /// waiting for a commit.
    public func submit(_ plan: WritePlan, completion: @escaping @Sendable (Outcome) -> Void) {
        guard enqueue(PendingPlan(plan, completion: completion)) else { return completion(Self.refusedAtTheDoor) }
    }

    /// Most batches a plan is left for the next one before it is answered `.failed` (a deferral waits for another
    /// transaction that stored the plan's key to settle, so one is enough).
    static let deferralsMax = 3

    private static let refusedAtTheDoor = Outcome.failed("the commit queue is full or stopping")

    private enum Route { case refused, queued, following, lookup }

    private func enqueue(_ pending: PendingPlan) -> Bool {
        let route = state.withLock { locked -> Route in
            guard !locked.state.stopped, locked.state.queued < configuration.queueCapacity else { return .refused }
            if let key = pending.key, let leader = locked.state.leaders[key] {
                leader.followers.withLock { $0.append(pending) }
                return .following
            }
            if pending.plan.changes.isEmpty { return .lookup }
            locked.state.queue.append(pending)
            if let key = pending.key { locked.state.leaders[key] = pending }
            if policy.shouldWake(queued: locked.state.queued) { locked.signal() }
            return .queued
        }
        switch route {
        case .refused: return false
        case .queued, .following: return true
        case .lookup: return lookups.enqueue(pending)
        }
    }

    /// Answers a plan written (or failed), then the plans that followed its key: from its outcome where that settles
    /// the key, else submitted again on their own. The plan no longer leads its key (`run` removed it).
    private func settle(_ pending: PendingPlan, _ outcome: Outcome) {
        pending.answer(outcome)
        for follower in pending.takeFollowers() {
            if let answer = BatchWrite.follow(pending.plan, outcome, fingerprint: follower.plan.idempotency!.fingerprint) {
                follower.answer(answer)
            } else if !enqueue(follower) {
                follower.answer(Self.refusedAtTheDoor)
            }
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

    /// Refuses new plans and waits until the loops have written and answered everything queued; the loops then
    /// end by themselves.
    public func stop() {
        state.withLock { locked in
            locked.state.stopped = true
            locked.broadcast()
            while locked.state.queued > 0 || locked.state.writing > 0 { locked.wait() }
        }
        lookups.stop()
    }

    /// One writer loop: takes batches as the policy decides and writes them, until stopped and drained.
    private func run() {
        var connection: PostgresConnection?
        while let batch = nextBatch() {
            assert(!batch.isEmpty && batch.count <= policy.batchSizeMax, "a batch never exceeds its bound")
            let outcomes: [Outcome?]
            do {
                if connection?.isOpen != true {   // a server restarted or failed over since the last batch
                    connection = try BatchWrite.connect(conninfo: conninfo, applicationName: applicationName)
                }
                outcomes = try Self.writeIsolatingFaults(batch.map(\.plan), connection!)
            } catch {
                connection = nil
                outcomes = Array(repeating: .failed("\(error)"), count: batch.count)
            }
            var deferred: [PendingPlan] = [], answered: [(PendingPlan, Outcome)] = []
            for (pending, outcome) in zip(batch, outcomes) {
                if outcome == nil && pending.deferrals.add(1, ordering: .relaxed).newValue <= Self.deferralsMax {
                    deferred.append(pending)
                } else {
                    answered.append((pending, outcome ?? .failed("the idempotency key's first request did not settle")))
                }
            }
            // Counted before the callers hear, so figures read after an answer include its batch.
            state.withLock { locked in
                locked.state.batches += 1
                locked.state.entries += batch.count
                locked.state.largestBatch = max(locked.state.largestBatch, batch.count)
                locked.state.writing -= 1
                locked.state.queue.insert(contentsOf: deferred, at: locked.state.head)
                for (pending, _) in answered {
                    if let key = pending.key, locked.state.leaders[key] === pending { locked.state.leaders[key] = nil }
                }
                if locked.state.stopped || !deferred.isEmpty { locked.broadcast() }   // `stop` waits for the last batch
            }
            for (pending, outcome) in answered { settle(pending, outcome) }
        }
    }

    /// Waits as the policy decides and takes the next batch; `nil` when stopped and drained.
    private func nextBatch() -> [PendingPlan]? {
        state.withLock { locked -> [PendingPlan]? in
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
    private func take(_ count: Int, _ locked: ConditionLock<State>.Locked) -> [PendingPlan] {
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

    /// `writeRetryingRaces`, and when the database still refuses the batch's data (`PostgresError.refusesData`: a value
    /// or a row of one plan that no statement foresaw, such as a trigger's check), each plan written alone: the plan at
    /// fault is answered `.failed`, the others are written as they would have been. One client's bad value never fails
    /// the citizens batched with it.
    static func writeIsolatingFaults(_ plans: [WritePlan], _ db: PostgresConnection) throws -> [Outcome?] {
        do {
            return try writeRetryingRaces(plans, db)
        } catch let error as PostgresError where error.refusesData && plans.count > 1 && db.isHealthy {
            return try plans.map { plan throws -> Outcome? in
                do {
                    return try writeRetryingRaces([plan], db)[0]
                } catch let error as PostgresError where error.refusesData && db.isHealthy {
                    return .failed("\(error)")
                }
            }
        }
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
