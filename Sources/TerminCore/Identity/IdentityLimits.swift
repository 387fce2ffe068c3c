/// The per-identity caps on online bookings: how many live bookings one citizen may hold, and how long after a
/// cancellation the same service cannot be booked again. Pure rules; the store gathers an identity's `Standing`
/// under a lock and the writer applies `check` to each booking in its batch.
public struct IdentityLimits: Sendable, Equatable {
    /// Most confirmed bookings not yet over that one identity holds at once.
    public var liveBookingsMax: Int
    /// After cancelling, seconds during which the identity cannot book a service of the cancelled booking again.
    public var cancelCooldownSeconds: Int64

    /// Default caps: three live bookings, an hour's cool-down.
    public init(liveBookingsMax: Int = 3, cancelCooldownSeconds: Int64 = 3_600) {
        precondition(liveBookingsMax >= 1 && cancelCooldownSeconds >= 0, "a cap admits one booking; a cool-down is not negative")
        self.liveBookingsMax = liveBookingsMax
        self.cancelCooldownSeconds = cancelCooldownSeconds
    }

    /// What an identity has when a booking is checked.
    public struct Standing: Sendable, Equatable {
        /// Confirmed bookings that have not ended.
        public var liveBookings: Int
        /// Bookings cancelled within the cool-down: their services and when.
        public var cancellations: [Cancellation]
        public init(liveBookings: Int = 0, cancellations: [Cancellation] = []) {
            self.liveBookings = liveBookings
            self.cancellations = cancellations
        }
    }

    public struct Cancellation: Sendable, Equatable {
        public let serviceIDs: [Int]
        public let cancelledAt: Instant
        public init(serviceIDs: [Int], cancelledAt: Instant) {
            self.serviceIDs = serviceIDs
            self.cancelledAt = cancelledAt
        }
    }

    /// Why an identity may not book (or request) now.
    public enum Refusal: Error, Sendable, Equatable {
        /// It holds `max` live bookings already.
        case liveBookingsMax(max: Int)
        /// It cancelled a booking of `serviceID` and may book it again from `until` on.
        case coolingDown(serviceID: Int, until: Instant)
        /// It has a request for `serviceID` waiting in a release round.
        case openRequest(serviceID: Int)
    }

    /// Whether `standing` admits one more booking of `serviceIDs` at `now`.
    public func check(_ standing: Standing, serviceIDs: [Int], now: Instant) -> Refusal? {
        if let until = cooldownEnd(standing, serviceIDs: serviceIDs, now: now) { return until }
        return standing.liveBookings >= liveBookingsMax ? .liveBookingsMax(max: liveBookingsMax) : nil
    }

    /// The cool-down that ends last among those still running for these services.
    private func cooldownEnd(_ standing: Standing, serviceIDs: [Int], now: Instant) -> Refusal? {
        var latest: (serviceID: Int, until: Instant)?
        for cancellation in standing.cancellations {
            let until = cancellation.cancelledAt.adding(seconds: cancelCooldownSeconds)
            guard until > now, let serviceID = cancellation.serviceIDs.first(where: serviceIDs.contains) else { continue }
            if latest == nil || until > latest!.until { latest = (serviceID, until) }
        }
        return latest.map { .coolingDown(serviceID: $0.serviceID, until: $0.until) }
    }
}
