/// An entry on a full group session's waiting list: the citizen waits for a seat, and is seated (booked, with the code
/// they got on joining) when one frees, first joined first.
public struct SessionWait: Sendable, Equatable {
    public let id: String
    public let sessionID: Int
    public let contact: Appointment.Contact?
    public let joinedAt: Instant
    /// The seat's booking, once given.
    public let appointmentID: String?
    public let leftAt: Instant?
    /// Among the session's waiting entries, this one's place (1: next to be seated); `nil` once it waits no more.
    public let position: Int?

    public init(id: String, sessionID: Int, contact: Appointment.Contact?, joinedAt: Instant, appointmentID: String?,
                leftAt: Instant?, position: Int?) {
        precondition(appointmentID == nil || leftAt == nil, "seated or left, not both")
        self.id = id
        self.sessionID = sessionID
        self.contact = contact
        self.joinedAt = joinedAt
        self.appointmentID = appointmentID
        self.leftAt = leftAt
        self.position = position
    }

    /// Where the entry stands.
    public enum State: String, Sendable {
        case waiting, seated, left
    }

    public var state: State { appointmentID != nil ? .seated : leftAt != nil ? .left : .waiting }
}
