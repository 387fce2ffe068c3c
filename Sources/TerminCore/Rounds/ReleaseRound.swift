/// A release round: the office-days of `officeIDs` from `firstDate` to `lastDate`, for `serviceIDs`, allocated at once
/// by the solver when it closes instead of first come first served. From its creation until it is closed, online
/// first-come bookings of those services there are refused; requests are collected while it is open.
public struct ReleaseRound: Sendable, Equatable {
    /// Longest span of dates one round allocates.
    public static let datesMax = 31
    /// Most offices and services one round covers.
    public static let officesMax = 20
    public static let servicesMax = 50

    public enum Phase: String, Sendable {
        /// Created, not yet collecting: first come first served is already suspended.
        case scheduled
        /// Collecting requests.
        case open
        /// Past its closing time, not yet allocated.
        case due
        /// Allocated; the seed is published.
        case closed
    }

    public let id: Int
    public let name: String
    public let officeIDs: [Int]
    public let serviceIDs: Set<Int>
    public let firstDate: LocalDate
    public let lastDate: LocalDate
    public let opensAt: Instant
    public let closesAt: Instant
    /// SHA-256 of the seed, published from the start.
    public let commitment: [UInt8]
    public let closedAt: Instant?

    public init(id: Int, name: String, officeIDs: [Int], serviceIDs: Set<Int>, firstDate: LocalDate, lastDate: LocalDate,
                opensAt: Instant, closesAt: Instant, commitment: [UInt8], closedAt: Instant?) {
        precondition(firstDate <= lastDate && opensAt < closesAt, "a round spans something")
        self.id = id
        self.name = name
        self.officeIDs = officeIDs
        self.serviceIDs = serviceIDs
        self.firstDate = firstDate
        self.lastDate = lastDate
        self.opensAt = opensAt
        self.closesAt = closesAt
        self.commitment = commitment
        self.closedAt = closedAt
    }

    public func phase(at now: Instant) -> Phase {
        if closedAt != nil { return .closed }
        if now < opensAt { return .scheduled }
        return now < closesAt ? .open : .due
    }

    /// Whether the round claims `officeID` on `date` for an appointment with any of `serviceIDs`.
    public func covers(officeID: Int, date: LocalDate, serviceIDs: some Sequence<Int>) -> Bool {
        closedAt == nil && firstDate <= date && date <= lastDate && officeIDs.contains(officeID)
            && serviceIDs.contains { self.serviceIDs.contains($0) }
    }

    /// Whether a request touches the round: one of its offices on a date one of its windows reaches.
    public func touches(_ request: FlexibleRequest) -> Bool {
        request.officeIDs.contains { officeID in
            request.windows.contains { window in
                let from = BerlinTime.local(window.from).date, to = BerlinTime.local(window.to.adding(seconds: -1)).date
                return max(from, firstDate) <= min(to, lastDate)
                    && covers(officeID: officeID, date: max(from, firstDate), serviceIDs: request.services.map(\.serviceID))
            }
        }
    }
}
