import TerminCore
import TerminStore

/// How the messages of one delivery round ended (mail or webhook alike), written to the outbox at the round's end:
/// settled (sent, stale, dead), or due again after a backoff.
struct DeliveryOutcomes {
    typealias Settled = (id: String, settlement: OutboxRepository.Settlement, error: String?)

    var settled: [Settled] = []
    var retries: [(id: String, at: Instant, error: String)] = []
    /// Messages not tried (the relay away): due again at `at`, no try counted.
    var postponed: [(id: String, at: Instant, error: String)] = []

    /// A try that failed, the `attempts`-th: dead when the failure is permanent or the tries ran out, else due again
    /// after the backoff.
    mutating func failed(_ id: String, attempts: Int, error: String, permanent: Bool, now: Instant,
                         _ configuration: OutboxDelivery.Configuration) {
        if permanent || attempts >= configuration.attemptsMax {
            settled.append((id, .dead, error))
        } else {
            retries.append((id, now.adding(seconds: configuration.backoffSeconds(afterAttempts: attempts)), error))
        }
    }

    /// Writes every outcome.
    func write(_ pool: DatabasePool, now: Instant) throws {
        try pool.withConnection { db in
            for (id, settlement, error) in settled { try OutboxRepository.settle(id, settlement, error: error, now: now, db) }
            for retry in retries { try OutboxRepository.retry(retry.id, at: retry.at, error: retry.error, db) }
            for later in postponed { try OutboxRepository.retry(later.id, at: later.at, error: later.error, counted: false, db) }
        }
    }

    /// Adds this round's figures.
    func count(into figures: inout DeliveryStatistics) {
        for (_, settlement, _) in settled {
            switch settlement {
            case .sent: figures.sent += 1
            case .stale: figures.stale += 1
            case .dead: figures.dead += 1
            }
        }
        figures.failedTries += retries.count
        figures.postponed += postponed.count
    }
}

/// A delivery loop's figures for metrics, summed over its rounds.
public struct DeliveryStatistics: Sendable {
    public var sent = 0
    public var stale = 0
    public var dead = 0
    public var failedTries = 0
    /// Messages not tried because the relay was away (no try counted).
    public var postponed = 0
}
