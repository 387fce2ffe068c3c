/// A course or group slot at a place, for one service, with seats: taking a seat books the service at the session's
/// start on one of the place's seats (desks with a `seatNumber`), seats 1…`seats` being open for it.
public struct GroupSession: Sendable, Hashable, Identifiable {
    public let id: Int
    public let officeID: Int
    public let serviceID: Int
    public let date: LocalDate
    /// Minutes after midnight, on the place's grid.
    public let startMinute: Int
    public let seats: Int
    /// The helper who runs the session, whose time it takes; `nil` when no helper of the engine's runs it.
    public let leaderID: Int?

    public init(id: Int, officeID: Int, serviceID: Int, date: LocalDate, startMinute: Int, seats: Int, leaderID: Int? = nil) {
        precondition((0..<1440).contains(startMinute) && seats >= 1, "a session starts within its day and has seats")
        self.id = id
        self.officeID = officeID
        self.serviceID = serviceID
        self.date = date
        self.startMinute = startMinute
        self.seats = seats
        self.leaderID = leaderID
    }

    /// The session's minutes of the day at `catalog`'s place: its start to its start plus the service's length there;
    /// `nil` when the place no longer offers the service.
    public func minutes(in catalog: Catalog) -> Range<Int>? {
        guard let office = catalog.offices[officeID], let offer = catalog.offers[officeID]?[serviceID] else { return nil }
        return startMinute..<min(1440, startMinute + offer.slotUnits * office.slotMinutes)
    }
}
