import Foundation
import TerminCore
import TerminStore

/// Webhook receivers, registered by admins: the systems around the engine hear of bookings as they change.
extension BookingEngine {
    /// The events a receiver may ask for.
    public static let webhookEvents = ["booking.created", "booking.moved", "booking.cancelled", "booking.no_show"]
    /// Longest receiver URL, in characters.
    public static let webhookURLMax = 2_000

    /// Registers a receiver of `events` at `url`; returns it and its secret (`whsec_…`), which is shown this once.
    /// - Throws: `invalid` naming `url` (not http or https with a host, too long) or `events` (none, unknown, twice).
    public func registerWebhook(url: String, events: [String], by member: StaffMember) throws(EngineError)
        -> (receiver: WebhookReceiver, secret: String) {
        let rest = url.hasPrefix("http://") ? url.dropFirst(7) : url.hasPrefix("https://") ? url.dropFirst(8) : nil
        guard url.count <= Self.webhookURLMax, !url.contains(where: { $0.isWhitespace || $0.isNewline }),
              let rest, let first = rest.first, !"/?#".contains(first),
              let parsed = URLComponents(string: url), !(parsed.host ?? "").isEmpty else {
            throw EngineError(.invalid, field: "url", detail: "An http or https URL with a host, at most \(Self.webhookURLMax) characters.")
        }
        guard !events.isEmpty, Set(events).count == events.count else {
            throw EngineError(.invalid, field: "events", detail: "Name each event once, at least one.")
        }
        for (index, event) in events.enumerated() where !Self.webhookEvents.contains(event) {
            throw EngineError(.invalid, field: "events[\(index)]", detail: "Events are \(Self.webhookEvents.joined(separator: ", ")).")
        }
        let secret = Secret.bytes(count: WebhookSignature.secretBytes)
        let receiver = try withDatabase("webhook receivers") {
            try WebhookRepository.create(url: url, events: events, secret: secret, createdBy: member.id, now: clock.now(), $0)
        }
        return (receiver, WebhookSignature.secretText(secret))
    }

    /// Every receiver, oldest first (no secrets).
    public func webhooks() throws(EngineError) -> [WebhookReceiver] {
        try withDatabase("webhook receivers") { try WebhookRepository.all($0) }
    }

    /// Removes a receiver and the events not yet delivered to it. 404 (`webhookNotFound`) when there is none.
    public func removeWebhook(id: Int) throws(EngineError) {
        guard try withDatabase("webhook receivers", { try WebhookRepository.delete(id: id, $0) }) else {
            throw EngineError(.webhookNotFound, detail: "There is no webhook receiver \(id).")
        }
    }
}
