import TerminCore
import TerminStore

/// The per-identity caps on online bookings: who the citizen is, and the check that confirming a hold and collecting a
/// round request make (direct bookings and placed requests are checked by the commit writer, in their batch).
extension BookingEngine {
    /// A capped booking's citizen and caps; `nil` when caps are off or the channel is not online (clerks book for
    /// citizens in front of them).
    /// - Parameter pseudonym: the portal's name for an authenticated citizen, which wins over the contact e-mail.
    /// - Throws: `invalid` at `contact.email` when an online booking names no citizen while caps are on.
    public func cappedIdentity(pseudonym: String?, contact: Appointment.Contact?, channel: Channel)
        throws(EngineError) -> (identity: CitizenIdentity, limits: IdentityLimits)? {
        guard channel == .online, let limits = configuration.identityLimits, let identityHasher else { return nil }
        guard let identity = identityHasher.identity(pseudonym: pseudonym, email: contact?.email) else { throw Self.citizenMissing }
        return (identity, limits)
    }

    /// The answer to an online booking that names no citizen while caps are on.
    static let citizenMissing = EngineError(.invalid, field: CitizenIdentity.emailField,
                                            detail: "Online bookings name their citizen: send contact.email (a portal that "
                                                + "signs citizens in sends the Citizen-Pseudonym header instead).")

    /// Inside a transaction holding the citizen's lock (`IdentityRepository.lock`): throws the refusal when a booking
    /// of `serviceIDs` would break a cap, as the citizen's bookings stand. The caller rolls back.
    func checkCaps(_ capped: (identity: CitizenIdentity, limits: IdentityLimits), serviceIDs: [Int],
                   now: Instant, _ db: DatabaseConnection) throws {
        let standing = try IdentityRepository.standings([capped.identity], now: now,
                                                        cancelledSince: now.adding(seconds: -capped.limits.cancelCooldownSeconds),
                                                        db)[capped.identity.hash] ?? .init()
        if let refusal = capped.limits.check(standing, serviceIDs: serviceIDs, now: now) {
            throw EngineError(refusal, identity: capped.identity, services: serviceIDs, now: now)
        }
    }
}
