/// How a booking reaches an office.
public enum Channel: String, Sendable, CaseIterable, Codable {
    /// The city portal, on the citizen's own behalf.
    case online
    /// Staff booking for a citizen, by phone or at the counter.
    case staff
    /// A citizen who comes without an appointment.
    case walkIn = "walk_in"
}

/// Where an appointment stands in its life.
public enum AppointmentStatus: String, Sendable, Codable {
    /// Reserved for a few minutes while the citizen completes the form.
    case held
    /// Booked.
    case confirmed
    /// Cancelled by the citizen or the office; its time is free again.
    case cancelled
    /// A hold that ran out before it was confirmed; its time is free again.
    case expired
    /// A booking whose citizen did not come; its time has passed.
    case noShow = "no_show"

    /// Whether the appointment still occupies its desk time.
    public var isLive: Bool { self == .held || self == .confirmed }
}
