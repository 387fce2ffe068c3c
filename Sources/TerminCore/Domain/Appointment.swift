
/// A hold or booking as stored.
public struct Appointment: Sendable, Equatable {
    public let id: String
    public let run: SlotRun
    public let channel: Channel
    public let status: AppointmentStatus
    public let start: Instant
    public let end: Instant
    public let services: [ServiceRequest]
    /// When a hold runs out; `nil` for bookings made directly.
    public let expiresAt: Instant?
    public let contact: Contact?
    /// How often it was moved: the iCalendar `SEQUENCE` of its event (0 as booked).
    public let revision: Int

    public init(id: String, run: SlotRun, channel: Channel, status: AppointmentStatus, start: Instant, end: Instant,
                services: [ServiceRequest], expiresAt: Instant?, contact: Contact?, revision: Int = 0) {
        precondition(start < end, "an appointment lasts")
        self.id = id
        self.run = run
        self.channel = channel
        self.status = status
        self.start = start
        self.end = end
        self.services = services
        self.expiresAt = expiresAt
        self.contact = contact
        self.revision = revision
    }

    /// The least contact data the office needs, all optional (a call-back line needs the phone number).
    public struct Contact: Sendable, Equatable {
        public let name: String?
        public let email: String?
        /// The language the citizen's mails are written in; `nil`: German, with English below.
        public let language: Language?
        /// The number a call-back line calls: digits, with a leading `+` for an international one.
        public let phone: String?
        public init(name: String?, email: String?, language: Language? = nil, phone: String? = nil) {
            self.name = name
            self.email = email
            self.language = language
            self.phone = phone
        }

        /// Whether there is anything to keep (else a booking stores no contact).
        public var isEmpty: Bool { name == nil && email == nil && phone == nil }
    }

    /// The languages mails to citizens are written in.
    public enum Language: String, Sendable, CaseIterable {
        case de, en
    }
}
