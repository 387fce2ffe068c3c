import Glibc

/// A citizen's request stated as what they need and accept rather than one start: services, acceptable offices
/// ranked, time windows, needs and a priority. Placed at once (`Scheduler.candidates`) or gathered by a release round
/// and allocated by the solver; either way the objective is the solver's (`FlexibleRequest.score`).
public struct FlexibleRequest: Sendable, Equatable {
    /// Most windows one request may give.
    public static let windowsMax = 10
    /// Most acceptable offices one request may rank.
    public static let officesMax = 10
    /// Longest window, in days (the longest availability query).
    public static let windowDaysMax = Scheduler.availabilityDaysMax

    /// A stretch of time the whole appointment must lie in, `[from, to)`.
    public struct Window: Sendable, Equatable {
        public let from: Instant
        public let to: Instant
        public init(from: Instant, to: Instant) {
            precondition(from < to, "a window is not empty")
            self.from = from
            self.to = to
        }
    }

    public var services: [ServiceRequest]
    /// Acceptable offices, most preferred first.
    public var officeIDs: [Int]
    public var windows: [Window]
    public var needs: Needs
    /// 1 normal, 3 urgent (set by staff; a carried-over request gains a bounded boost).
    public var priority: Int

    public init(services: [ServiceRequest], officeIDs: [Int], windows: [Window], needs: Needs = [], priority: Int = 1) {
        self.services = services
        self.officeIDs = officeIDs
        self.windows = windows
        self.needs = needs
        self.priority = priority
    }

    /// The solver's objective for serving this request at the office of `rank` (0 = first choice) starting at
    /// `start`: `1000 × priority − 10 × rank − delay`, where delay is the whole hours from the start of the earliest
    /// window containing the appointment (FORMAT.md, "Objective"). `nil` if no window contains it.
    public func score(rank: Int, start: Instant, end: Instant) -> Int? {
        let delays = windows.filter { $0.from <= start && end <= $0.to }
            .map { Int((start.secondsSinceEpoch - $0.from.secondsSinceEpoch) / 3600) }
        guard let delay = delays.min() else { return nil }
        return 1000 * priority - 10 * rank - delay
    }
}

extension Office.Geo {
    /// Great-circle distance in kilometres (haversine, mean Earth radius 6,371 km).
    public func distanceKm(to other: Office.Geo) -> Double {
        let radians = Double.pi / 180
        let dLat = (other.lat - lat) * radians, dLon = (other.lon - lon) * radians
        let a = pow(sin(dLat / 2), 2) + cos(lat * radians) * cos(other.lat * radians) * pow(sin(dLon / 2), 2)
        return 2 * 6371 * asin(min(1, a.squareRoot()))
    }
}
