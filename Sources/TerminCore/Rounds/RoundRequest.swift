/// A flexible request as a release round keeps it: collected while the round is open, then served, unserved, or
/// carried over to a later round.
public struct RoundRequest: Sendable, Equatable {
    public enum Outcome: String, Sendable { case collected, served, unserved, carried }
    public let id: String
    public let roundID: Int
    public let request: FlexibleRequest
    /// Added to the priority in the allocation (rounds it was carried over from).
    public let boost: Int
    public let contact: Appointment.Contact?
    /// The citizen's identity hash when the caps were on as it was collected.
    public let identityHash: [UInt8]?
    public let createdAt: Instant
    public let outcome: Outcome
    public let lotteryRank: Int?
    /// The booking it won.
    public let appointmentID: String?
    /// Its copy in a later round.
    public let carriedTo: String?

    public init(id: String, roundID: Int, request: FlexibleRequest, boost: Int, contact: Appointment.Contact?,
                identityHash: [UInt8]?, createdAt: Instant, outcome: Outcome, lotteryRank: Int?, appointmentID: String?,
                carriedTo: String?) {
        self.id = id
        self.roundID = roundID
        self.request = request
        self.boost = boost
        self.contact = contact
        self.identityHash = identityHash
        self.createdAt = createdAt
        self.outcome = outcome
        self.lotteryRank = lotteryRank
        self.appointmentID = appointmentID
        self.carriedTo = carriedTo
    }
}
