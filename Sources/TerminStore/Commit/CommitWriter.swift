import Dispatch
import Foundation
import Synchronization
import TerminCore
import TerminPostgres

/// Writes the winners of the in-memory race to PostgreSQL in batches: one transaction, and so one fsync, carries
/// many holds and bookings.
///
/// Callers submit an appointment and wait. A writer loop takes what is queued as `CommitBatchPolicy` decides (a full
/// batch at once, else after the oldest entry lingered), inserts it with one multi-row statement, and answers every
/// caller after the commit. `writerCount` loops, each with its own connection, overlap one batch's preparation with
/// another's commit; the composition root runs each of `loops` on a thread of its own. Batches are independent: the
/// ledger never hands the same desk time to two of them. A row the database refuses (its desk time is taken by
/// another instance: `desk_time`'s key) is answered `.refused`; if the transaction fails, every row of the batch is answered
/// `.failed`, and nothing of it was written.
public final class CommitWriter: Sendable {
    /// Bounds of the writer, each with its unit.
    public struct Configuration: Sendable {
        /// Most appointments in one transaction.
        public var batchSizeMax = 512
        /// Longest the oldest queued appointment waits for a batch to fill, in microseconds.
        public var lingerMicroseconds = 200
        /// Most appointments waiting to be written; beyond, `submit` answers `.failed` at once.
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

    /// One appointment to write, with what belongs to it.
    public struct Entry: Sendable {
        public let record: Appointment
        /// The citizen's code, for bookings.
        public let code: String?
        /// An idempotency key with its request fingerprint; a key already taken makes the entry `.keyTaken`.
        public let idempotency: (key: String, fingerprint: String)?
        public let now: Instant
        /// The citizen and the caps the booking must keep; over them, the entry is `.limited`.
        public let identity: (identity: CitizenIdentity, limits: IdentityLimits)?

        public init(record: Appointment, code: String?, idempotency: (key: String, fingerprint: String)?, now: Instant,
                    identity: (identity: CitizenIdentity, limits: IdentityLimits)? = nil) {
            self.record = record
            self.code = code
            self.idempotency = idempotency
            self.now = now
            self.identity = identity
        }
    }

    /// What became of an entry.
    public enum Outcome: Sendable, Equatable {
        /// Committed.
        case committed
        /// The database refused the row: its desk time is taken (by another instance, or a row the ledger missed).
        case refused
        /// Another request stored the same idempotency key first; nothing of this entry was written.
        case keyTaken
        /// The citizen's identity is over a cap (live bookings, a cool-down); nothing of this entry was written.
        case limited(IdentityLimits.Refusal)
        /// The batch could not be written (database down, queue full); nothing of this entry was written.
        case failed(String)
    }

    /// Figures for metrics and benchmarks.
    public struct Statistics: Sendable {
        public let batches: Int
        public let entries: Int
        public let largestBatch: Int
    }

    final class Pending: Sendable {
        let entry: Entry
        let queuedAt: ContinuousClock.Instant
        /// Called with the outcome on the writer's thread; `nil`: the submitter waits on `done`.
        let completion: (@Sendable (Outcome) -> Void)?
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Outcome?>(nil)
        init(_ entry: Entry, queuedAt: ContinuousClock.Instant, completion: (@Sendable (Outcome) -> Void)?) {
            self.entry = entry
            self.queuedAt = queuedAt
            self.completion = completion
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

    /// Queues an entry and waits until its batch is committed or has failed.
    public func submit(_ entry: Entry) -> Outcome {
        let pending = Pending(entry, queuedAt: .now, completion: nil)
        guard enqueue(pending) else { return Self.refusedAtTheDoor }
        pending.done.wait()
        return pending.outcome.withLock { $0! }
    }

    /// Queues an entry without waiting: `completion` hears its outcome once its batch is committed or has failed,
    /// on a writer's thread (so it must not block), or at once on the caller's thread when the queue is full or
    /// stopping.
    public func submit(_ entry: Entry, completion: @escaping @Sendable (Outcome) -> Void) {
        guard enqueue(Pending(entry, queuedAt: .now, completion: completion)) else { return completion(Self.refusedAtTheDoor) }
    }

    private static let refusedAtTheDoor = Outcome.failed("the commit queue is full or stopping")

    private func enqueue(_ pending: Pending) -> Bool {
        state.withLock { locked -> Bool in
            guard !locked.state.stopped, locked.state.queued < configuration.queueCapacity else { return false }
            locked.state.queue.append(pending)
            if policy.shouldWake(queued: locked.state.queued) { locked.signal() }
            return true
        }
    }

    /// Entries waiting to be taken into a batch.
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
            let outcomes: [Outcome]
            do {
                if connection == nil || connection?.isHealthy == false {
                    connection = try PostgresConnection(conninfo: conninfo, applicationName: applicationName)
                }
                outcomes = try Self.writeRetryingRaces(batch.map(\.entry), connection!)
            } catch {
                connection = nil
                outcomes = Array(repeating: .failed("\(error)"), count: batch.count)
            }
            // Counted before the callers hear, so figures read after an answer include its batch.
            state.withLock { locked in
                locked.state.batches += 1
                locked.state.entries += batch.count
                locked.state.largestBatch = max(locked.state.largestBatch, batch.count)
                locked.state.writing -= 1
                if locked.state.stopped { locked.broadcast() }   // `stop` waits for the last batch
            }
            for (pending, outcome) in zip(batch, outcomes) { pending.answer(outcome) }
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
    /// uncommitted rows), or on `desk_time`'s key (23505: the other committed the time first). The rolled-back batch
    /// wrote nothing, so writing it again is safe, and the second time the row whose time is taken is skipped; rows
    /// go in desk and time order, which makes deadlocks rare to begin with.
    static func writeRetryingRaces(_ entries: [Entry], _ db: PostgresConnection) throws -> [Outcome] {
        var attempt = 0
        while true {
            do {
                return try write(entries, db)
            } catch let error as PostgresError where (error.sqlState == "40P01" || error.sqlState == "23505")
                && attempt < raceRetriesMax {
                attempt += 1
            }
        }
    }

    /// Writes a batch in one transaction and says what became of each entry.
    static func write(_ entries: [Entry], _ db: PostgresConnection) throws -> [Outcome] {
        // Without idempotency keys and identities the batch is one statement, atomic on its own: no BEGIN and COMMIT
        // round trips.
        if entries.allSatisfy({ $0.idempotency == nil && $0.identity == nil }) {
            let inserted = Set(try AppointmentRepository.insert(rows(entries), db))
            return entries.map { inserted.contains($0.record.id) ? Outcome.committed : .refused }
        }
        return try db.transaction { db in
            var outcomes = try limit(entries, db)
            let admitted = entries.indices.filter { outcomes[$0] == nil }.map { entries[$0] }
            let inserted = Set(try AppointmentRepository.insert(rows(admitted), db))
            for index in entries.indices where outcomes[index] == nil {
                outcomes[index] = inserted.contains(entries[index].record.id) ? .committed : .refused
            }
            let keyed = entries.enumerated().filter { inserted.contains($0.element.record.id) && $0.element.idempotency != nil }
            if !keyed.isEmpty {
                let stored = Set(try IdempotencyRepository.store(keyed.map { offset, entry in
                    IdempotencyRepository.NewAnswer(key: entry.idempotency!.key, fingerprint: entry.idempotency!.fingerprint,
                                                    appointmentID: entry.record.id, code: entry.code ?? "", now: entry.now)
                }, db))
                let losers = keyed.filter { !stored.contains($0.element.record.id) }
                if !losers.isEmpty {
                    try AppointmentRepository.delete(ids: losers.map(\.element.record.id), db)
                    for loser in losers { outcomes[loser.offset] = .keyTaken }
                }
            }
            return outcomes.map { $0! }
        }
    }

    /// The rows of `entries`, in one order for every writer (desk, day, unit): concurrent batches then wait on each
    /// other in the same order.
    private static func rows(_ entries: [Entry]) -> [AppointmentRepository.NewRow] {
        entries.sorted { ($0.record.run.deskID, $0.record.run.date.dayNumber, $0.record.run.startUnit)
            < ($1.record.run.deskID, $1.record.run.date.dayNumber, $1.record.run.startUnit) }
            .map { AppointmentRepository.NewRow($0.record, code: $0.code, now: $0.now, identityHash: $0.identity?.identity.hash) }
    }

    /// Inside the batch's transaction, before its rows: locks the identities of the batch, reads what each holds, and
    /// refuses (`.limited`) the entries over a cap, in the order they were submitted. `nil` for entries admitted.
    private static func limit(_ entries: [Entry], _ db: PostgresConnection) throws -> [Outcome?] {
        var outcomes = [Outcome?](repeating: nil, count: entries.count)
        let capped = entries.compactMap(\.identity)
        guard !capped.isEmpty else { return outcomes }
        try IdentityRepository.lock(capped.map(\.identity), db)
        let now = entries.map(\.now).max()!
        let cooldownSeconds = capped.map(\.limits.cancelCooldownSeconds).max()!
        var standings = try IdentityRepository.standings(capped.map(\.identity), now: now,
                                                         cancelledSince: now.adding(seconds: -cooldownSeconds), db)
        for (index, entry) in entries.enumerated() {
            guard let (identity, limits) = entry.identity else { continue }
            let standing = standings[identity.hash] ?? .init()
            if let refusal = limits.check(standing, serviceIDs: entry.record.services.map(\.serviceID), now: entry.now) {
                outcomes[index] = .limited(refusal)
            } else {
                standings[identity.hash, default: .init()].liveBookings += 1
            }
        }
        return outcomes
    }
}
