import Foundation
import TerminCore
import TerminStore

/// The messages the delivery gave up on, for admins: listed, and given their tries again once the cause is fixed
/// (the relay back, a receiver's address corrected).
extension BookingEngine {
    /// Most dead messages one listing shows.
    public static let deadMessagesListedMax = 500

    /// The dead messages, the latest given up first (at most `deadMessagesListedMax`).
    public func deadMessages() throws(EngineError) -> [DeadMessage] {
        try withDatabase("outbox") { try OutboxRepository.dead(limit: Self.deadMessagesListedMax, $0) }
    }

    /// Makes dead message `id` pending again, due at once. 404 (`messageNotFound`) when there is no dead message `id`.
    public func reviveMessage(id: String) throws(EngineError) {
        guard UUID(uuidString: id) != nil else { throw EngineError(.messageNotFound, detail: "There is no dead message \(id).") }
        guard try withDatabase("outbox", { try OutboxRepository.revive(id, $0) }) else { throw EngineError(.messageNotFound, detail: "There is no dead message \(id).") }
    }
}
