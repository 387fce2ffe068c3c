import Synchronization
import TerminCore

/// The release rounds not yet closed, as this instance knows them: what suspends online first come first served.
/// The round engine keeps it current (at start, on its own changes, when a new round is announced on the ledger
/// channel, and every second from the database); the booking engine asks it before every online reservation.
public final class RoundGate: Sendable {
    private let unclosed = Mutex<[ReleaseRound]>([])

    public init() {}

    /// The rounds not yet closed.
    public var rounds: [ReleaseRound] { unclosed.withLock { $0 } }

    /// Replaces what is known (a fresh read of the database).
    public func replace(_ rounds: [ReleaseRound]) {
        unclosed.withLock { $0 = rounds.filter { $0.closedAt == nil } }
    }

    /// Adds or updates one round; a closed one is dropped.
    public func update(_ round: ReleaseRound) {
        unclosed.withLock { rounds in
            rounds.removeAll { $0.id == round.id }
            if round.closedAt == nil { rounds.append(round) }
        }
    }

    /// The round that claims `officeID` on `date` for any of `serviceIDs`, if one does.
    public func round(covering officeID: Int, date: LocalDate, serviceIDs: [Int]) -> ReleaseRound? {
        unclosed.withLock { rounds in
            rounds.isEmpty ? nil : rounds.first { $0.covers(officeID: officeID, date: date, serviceIDs: serviceIDs) }
        }
    }

    /// The problem a first-come booking there gets.
    static func refusal(_ round: ReleaseRound, now: Instant) -> SchedulingError {
        let when = round.phase(at: now) == .scheduled
            ? "it opens at \(BerlinTime.format(round.opensAt)) and closes at \(BerlinTime.format(round.closesAt))"
            : "it closes at \(BerlinTime.format(round.closesAt))"
        return SchedulingError(.allocatedByRound, field: "start",
                               detail: "This day is allocated by release round \(round.id) (\(round.name)); "
                                   + "send a request to POST /v1/requests: \(when).")
    }
}
