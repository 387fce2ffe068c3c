/// A message the delivery gave up on after its last try (or that was refused for good), a mail to a citizen or an event
/// for a webhook receiver: what it reported, and why it failed. No contact data: the booking is named by its id.
public struct DeadMessage: Sendable, Equatable {
    public let id: String
    public let appointmentID: String
    /// What it reported: a mail's confirmation, move, cancellation or reminder, or a webhook's event (`booking.created`, …).
    public let kind: String
    /// The booking's revision when the change was written.
    public let revision: Int
    public let attempts: Int
    public let createdAt: Instant
    /// When it was given up.
    public let settledAt: Instant
    public let lastError: String?
    /// The webhook receiver it was for; `nil` for a mail.
    public let receiverID: Int?

    public init(id: String, appointmentID: String, kind: String, revision: Int, attempts: Int, createdAt: Instant,
                settledAt: Instant, lastError: String?, receiverID: Int? = nil) {
        self.id = id
        self.appointmentID = appointmentID
        self.kind = kind
        self.revision = revision
        self.attempts = attempts
        self.createdAt = createdAt
        self.settledAt = settledAt
        self.lastError = lastError
        self.receiverID = receiverID
    }
}
