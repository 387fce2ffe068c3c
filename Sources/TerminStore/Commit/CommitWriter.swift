import Dispatch
import Foundation
import Synchronization
import TerminCore
import TerminPostgres

/// Writes the winners of the in-memory race to PostgreSQL in batches: one transaction, and so one fsync, carries
/// many holds and bookings.
///
/// Callers submit an appointment and wait. A writer thread takes what is queued (at most `batchSizeMax`, waiting at
/// most `lingerMicroseconds` for a batch to fill), inserts it with one multi-row statement, and answers every caller
/// after the commit. `writerCount` writers, each with its own connection, overlap one batch's preparation with
/// another's commit. Batches are independent: the ledger never hands the same desk time to two of them. A row the database refuses (its desk time is taken: exclusion constraint) is answered
/// `.refused`; if the transaction fails, every row of the batch is answered `.failed`, and nothing of it was written.
public final class CommitWriter: Sendable {
    /// Bounds of the writer, each with its unit.
    public struct Configuration: Sendable {
        /// Most appointments in one transaction.
        public var batchSizeMax = 512
        /// Longest a writer waits for a batch to fill once it has a first appointment, in microseconds.
        public var lingerMicroseconds = 200
        /// Most appointments waiting to be written; beyond, `submit` answers `.failed` at once.
        public var queueCapacity = 16_384
        /// Writer threads (and database connections).
        public var writerCount = 2
        public init() {}
    }

    /// One appointment to write, with what belongs to it.
    public struct Entry: Sendable {
        public let record: Appointment
        /// The citizen's code, for bookings.
        public let code: String?
        /// An idempotency key with its request fingerprint; a key already taken makes the entry `.keyTaken`.
        public let idempotency: (key: String, fingerprint: String)?
        public let now: Instant

        public init(record: Appointment, code: String?, idempotency: (key: String, fingerprint: String)?, now: Instant) {
            self.record = record
            self.code = code
            self.idempotency = idempotency
            self.now = now
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
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Outcome?>(nil)
        init(_ entry: Entry) { self.entry = entry }
    }

    struct State {
        var queue: [Pending] = []
        var stopped = false
        var batches = 0
        var entries = 0
        var largestBatch = 0
    }

    public let configuration: Configuration
    private let conninfo: String
    private let applicationName: String
    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)

    /// Starts the writer threads, each with its own connection to `conninfo`.
    public init(conninfo: String, applicationName: String = "termin", configuration: Configuration = Configuration()) {
        precondition(configuration.batchSizeMax >= 1 && configuration.queueCapacity >= 1 && configuration.writerCount >= 1)
        self.conninfo = conninfo
        self.applicationName = applicationName
        self.configuration = configuration
        for index in 0..<configuration.writerCount {
            let thread = Thread { [self] in run() }
            thread.name = "termin-commit-writer-\(index)"
            thread.start()
        }
    }

    /// Queues an entry and waits until its batch is committed or has failed.
    public func submit(_ entry: Entry) -> Outcome {
        let pending = Pending(entry)
        let accepted = state.withLock { state -> Bool in
            guard !state.stopped, state.queue.count < configuration.queueCapacity else { return false }
            state.queue.append(pending)
            return true
        }
        guard accepted else { return .failed("the commit queue is full or stopping") }
        available.signal()
        pending.done.wait()
        return pending.outcome.withLock { $0! }
    }

    public var statistics: Statistics {
        state.withLock { Statistics(batches: $0.batches, entries: $0.entries, largestBatch: $0.largestBatch) }
    }

    /// Writes what is queued, then stops the writer thread.
    public func stop() {
        let wasStopped = state.withLock { state -> Bool in
            defer { state.stopped = true }
            return state.stopped
        }
        guard !wasStopped else { return }
        for _ in 0..<configuration.writerCount { available.signal() }
        for _ in 0..<configuration.writerCount { exited.wait() }
    }

    private func run() {
        var connection: PostgresConnection?
        while true {
            available.wait()
            let stopping = state.withLock { $0.stopped && $0.queue.isEmpty }
            if stopping {
                available.signal()   // pass the wake-up on, in case it was another writer's
                break
            }
            if configuration.lingerMicroseconds > 0 && state.withLock({ $0.queue.count < configuration.batchSizeMax }) {
                usleep(UInt32(configuration.lingerMicroseconds))
            }
            let batch = state.withLock { state -> [Pending] in
                let count = min(state.queue.count, configuration.batchSizeMax)
                let batch = Array(state.queue.prefix(count))
                state.queue.removeFirst(count)
                return batch
            }
            // Each submit signalled once, but a batch takes many entries: the signals left over wake a writer to
            // an empty queue, which just waits again.
            guard !batch.isEmpty else { continue }
            assert(batch.count <= configuration.batchSizeMax, "a batch never exceeds its bound")
            let outcomes: [Outcome]
            do {
                if connection == nil || connection?.isHealthy == false {
                    connection = try PostgresConnection(conninfo: conninfo, applicationName: applicationName)
                }
                outcomes = try Self.write(batch.map(\.entry), connection!)
            } catch {
                connection = nil
                outcomes = Array(repeating: .failed("\(error)"), count: batch.count)
            }
            state.withLock { state in
                state.batches += 1
                state.entries += batch.count
                state.largestBatch = max(state.largestBatch, batch.count)
            }
            for (pending, outcome) in zip(batch, outcomes) {
                pending.outcome.withLock { $0 = outcome }
                pending.done.signal()
            }
        }
        exited.signal()
    }

    /// Writes a batch in one transaction and says what became of each entry.
    static func write(_ entries: [Entry], _ db: PostgresConnection) throws -> [Outcome] {
        try db.transaction { db in
            let inserted = Set(try AppointmentRepository.insert(
                entries.map { AppointmentRepository.NewRow($0.record, code: $0.code, now: $0.now) }, db))
            var outcomes = entries.map { inserted.contains($0.record.id) ? Outcome.committed : .refused }
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
            return outcomes
        }
    }
}
