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
        /// A non-online channel was asked for without staff credentials (401).
        case staffOnly
        /// The database could not be reached or failed (503); nothing was promised.
        case unavailable
    }

    public let kind: Kind
    public let scheduling: SchedulingError?
    public let detail: String

    public init(_ kind: Kind, detail: String) {
        self.kind = kind
        self.scheduling = nil
        self.detail = detail
    }

    public init(_ error: SchedulingError) {
        kind = .scheduling
        scheduling = error
        detail = error.detail
    }

    public var description: String { scheduling?.description ?? "\(kind.rawValue): \(detail)" }
}
