/// One line of the audit log: who did what to which ticket, booking or desk, when. No contact data.
public struct AuditEntry: Sendable, Equatable {
    public let at: Instant
    public let officeID: Int
    /// `staff`, `kiosk`, `citizen` or `engine`.
    public let actor: String
    public let staffID: Int?
    public let staffName: String?
    /// What was done: `ticket.call`, `booking.check-in`, `desk.close`, …
    public let action: String
    /// `ticket:<id>`, `booking:<id>`, `desk:<number>`.
    public let subject: String
    public let detail: String?

    public init(at: Instant, officeID: Int, actor: String, staffID: Int?, staffName: String?, action: String, subject: String,
                detail: String?) {
        self.at = at
        self.officeID = officeID
        self.actor = actor
        self.staffID = staffID
        self.staffName = staffName
        self.action = action
        self.subject = subject
        self.detail = detail
    }
}
