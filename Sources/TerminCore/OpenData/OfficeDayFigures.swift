/// What one office did on one day, counted from the engine's records: the open data's row before it is published.
/// Appointments are counted on the day they take place; nothing here names or describes a person.
public struct OfficeDayFigures: Sendable, Equatable {
    public let officeID: Int
    public let date: LocalDate
    /// Appointments of the day, kept or not shown (cancelled ones apart), by the channel they were booked in.
    public var appointments: [Channel: Int]
    /// Appointments of the day that were cancelled, by channel.
    public var cancellations: [Channel: Int]
    /// Appointments of the day whose citizen did not come.
    public var noShows: Int
    /// Walk-in numbers drawn that day.
    public var walkIns: Int
    /// Tickets (walk-ins and appointment holders) served to the end that day.
    public var served: Int
    /// Minutes each walk-in called that day waited from drawing the number to the call.
    public var walkInWaitsMinutes: [Double]
    /// Whole days from this day to the first free online start, as the engine saw it that day; `nil` when it did
    /// not look or found nothing free.
    public var nextFreeOnlineDays: Int?

    public init(officeID: Int, date: LocalDate) {
        self.officeID = officeID
        self.date = date
        appointments = [:]
        cancellations = [:]
        noShows = 0
        walkIns = 0
        served = 0
        walkInWaitsMinutes = []
        nextFreeOnlineDays = nil
    }

    /// The row as published: every count from 1 to `countSuppressedBelow - 1` left out (`nil`), and the median wait
    /// only when at least `countSuppressedBelow` walk-ins waited, so that no cell stands for one or a few people.
    public var published: PublishedOfficeDay {
        let suppress = { (count: Int) -> Int? in count > 0 && count < Self.countSuppressedBelow ? nil : count }
        return PublishedOfficeDay(
            officeID: officeID, date: date,
            appointments: Channel.allCases.map { suppress(appointments[$0] ?? 0) },
            cancellations: Channel.allCases.map { suppress(cancellations[$0] ?? 0) },
            noShows: suppress(noShows), walkIns: suppress(walkIns), served: suppress(served),
            medianWaitMinutes: walkInWaitsMinutes.count < Self.countSuppressedBelow ? nil : Self.median(walkInWaitsMinutes),
            nextFreeOnlineDays: nextFreeOnlineDays)
    }

    /// The smallest count published: 1 to 4 people are left out (a count of 0 tells of nobody).
    public static let countSuppressedBelow = 5

    /// The median of `values` (not empty), rounded to whole minutes.
    static func median(_ values: [Double]) -> Int {
        precondition(!values.isEmpty)
        let sorted = values.sorted()
        let middle = sorted.count / 2
        let value = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        return Int(value.rounded())
    }
}

/// A published row of the open data: counts of 1 to 4 and medians of fewer than 5 people are `nil` (suppressed).
public struct PublishedOfficeDay: Sendable, Equatable {
    public let officeID: Int
    public let date: LocalDate
    /// By `Channel.allCases`: online, staff, walk-in.
    public let appointments: [Int?]
    /// By `Channel.allCases`.
    public let cancellations: [Int?]
    public let noShows: Int?
    public let walkIns: Int?
    public let served: Int?
    public let medianWaitMinutes: Int?
    public let nextFreeOnlineDays: Int?
}
