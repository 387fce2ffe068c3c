/// A system that hears of bookings as they change: where its events go and which it asked for. Its secret stays in
/// the database (and with the receiver, told once at registration).
public struct WebhookReceiver: Sendable, Equatable {
    public let id: Int
    public let url: String
    /// `booking.created`, `booking.moved`, `booking.cancelled`, `booking.no_show`.
    public let events: [String]
    public let createdAt: Instant

    public init(id: Int, url: String, events: [String], createdAt: Instant) {
        self.id = id
        self.url = url
        self.events = events
        self.createdAt = createdAt
    }
}
