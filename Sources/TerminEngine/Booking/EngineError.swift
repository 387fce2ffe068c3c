import TerminCore

/// Why the engine could not do what a request asked. The API maps each to one problem+json answer.
public struct EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The request breaks a booking rule (422), or its time was taken (409): see `scheduling`.
        case scheduling
        /// The hold named does not exist (422).
        case holdUnknown
        /// The hold ran out before it was confirmed (410).
        case holdExpired
        /// The hold was already turned into a booking (409).
        case holdAlreadyConfirmed
        /// The idempotency key was used before with another request (422).
        case idempotencyKeyReused
        /// The booking does not exist or the code does not match (404).
        case notFound
        /// The booking's office's cut-off for changes by citizens has passed (409).
        case pastCutoff
        /// The booking is not in a state that allows the change: cancelled, a no-show, or changed meanwhile (409).
        case bookingState
        /// A staff route or channel was asked for without a valid staff token (401).
        case unauthorized
        /// The staff member's role or offices do not cover the request (403).
        case forbidden
        /// The request is invalid at `field` (422).
        case invalid
        /// The ticket does not exist at that office (404).
        case ticketUnknown
        /// The ticket's state does not allow what was asked (409).
        case ticketState
        /// The office or desk is not open for this now (409).
        case officeClosed
        /// The office's day has drawn all its numbers (409).
        case queueFull
        /// The database could not be reached or failed (503); nothing was promised.
        case unavailable
        /// The citizen holds as many live bookings as one identity may (409).
        case bookingLimit
        /// The citizen cancelled this service recently and must wait until `retryAfterSeconds` passed (429).
        case coolingDown
        /// The citizen has a request for this service waiting in a release round already (409).
        case requestOpen
        /// The round request does not exist or the code does not match (404).
        case requestNotFound
        /// The release round does not exist (404).
        case roundNotFound
        /// No dead outbox message has that id (404).
        case messageNotFound
        /// The office is not closed on that day (404).
        case closureNotFound
        /// No webhook receiver has that id (404).
        case webhookNotFound
        /// The booking cannot wait for an earlier time: not booked online, no e-mail to send the offer to, too soon,
        /// or out of offers (409).
        case earlierListRefused
        /// The booking is not on the earlier-time list (404).
        case notOnEarlierList
        /// No group session has that id (404).
        case sessionNotFound
        /// Every seat of the group session is taken (409).
        case sessionFull
        /// A seat of the group session is free: no waiting list to join (409).
        case seatsFree
        /// The staff member's daily quota of bookings on a citizen's behalf is used up (409).
        case quotaReached
        /// No helper has that id (404).
        case helperNotFound
        /// The helper has time taken then: an appointment, a session they lead, or another shift (409).
        case helperBusy
        /// Another group session at the place overlaps (409).
        case sessionOverlaps
        /// Seats of the group session are held or booked: it cannot be taken away (409).
        case sessionHasSeats
    }

    public let kind: Kind
    public let scheduling: SchedulingError?
    public let detail: String
    /// The request field at fault, when one is (for `invalid`, and scheduling errors).
    public let field: String?
    /// When the same request may succeed, in seconds from now (for `coolingDown`).
    public let retryAfterSeconds: Int64?

    public init(_ kind: Kind, field: String? = nil, detail: String, retryAfterSeconds: Int64? = nil) {
        self.kind = kind
        self.scheduling = nil
        self.detail = detail
        self.field = field
        self.retryAfterSeconds = retryAfterSeconds
    }

    public init(_ error: SchedulingError) {
        kind = .scheduling
        scheduling = error
        detail = error.detail
        field = error.field
        retryAfterSeconds = nil
    }

    /// The answer to a citizen over a per-identity cap; `field` points at what named the citizen, or at the service
    /// (`services[i]` of the request, or `hold` for a hold's confirmation, which names none).
    public init(_ refusal: IdentityLimits.Refusal, identity: CitizenIdentity, services: [Int], now: Instant) {
        func serviceField(_ serviceID: Int) -> String {
            services.firstIndex(of: serviceID).map { "services[\($0)]" } ?? "hold"
        }
        switch refusal {
        case .liveBookingsMax(let max):
            self.init(.bookingLimit, field: identity.field,
                      detail: "This citizen holds \(max) bookings already, the most one may hold; cancel one to book another.")
        case .coolingDown(let serviceID, let until):
            let seconds = max(1, until.secondsSinceEpoch - now.secondsSinceEpoch)
            self.init(.coolingDown, field: serviceField(serviceID),
                      detail: "This citizen cancelled service \(serviceID) recently; it can be booked again from "
                          + "\(BerlinTime.format(until)).", retryAfterSeconds: seconds)
        case .openRequest(let serviceID):
            self.init(.requestOpen, field: serviceField(serviceID),
                      detail: "This citizen has a request for service \(serviceID) waiting in a release round already.")
        }
    }

    public var description: String { scheduling?.description ?? "\(kind.rawValue): \(detail)" }
}
