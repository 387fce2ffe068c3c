/// A run of consecutive units on one desk on one day: what a hold or booking occupies.
public struct SlotRun: Hashable, Sendable, CustomStringConvertible {
    public let officeID: Int
    public let deskID: Int
    public let date: LocalDate
    public let startUnit: Int
    public let units: Int

    public init(officeID: Int, deskID: Int, date: LocalDate, startUnit: Int, units: Int) {
        precondition(startUnit >= 0 && units > 0)
        self.officeID = officeID
        self.deskID = deskID
        self.date = date
        self.startUnit = startUnit
        self.units = units
    }

    public var unitRange: Range<Int> { startUnit..<(startUnit + units) }
    public var description: String { "office \(officeID) desk \(deskID) \(date) units \(unitRange)" }
}

/// The in-memory book of which desk units are taken: the one place that decides reservations and answers
/// availability, so the two always agree.
///
/// The ledger is a cache of the database's truth: it is rebuilt from PostgreSQL at start (`occupy`), and a
/// reservation it grants is only promised to a client once the database has accepted it.
public protocol SlotLedger: Sendable {
    /// Start units at which a run of `units` is free on at least one of `deskIDs` and `channel` has quota left.
    /// Ascending.
    func freeStarts(layout: DayLayout, deskIDs: [Int], units: Int, channel: Channel) -> [Int]

    /// Takes `startUnit ..< startUnit + units` on one of `deskIDs`, chosen by best fit; `nil` when no desk has
    /// the run free or the channel's quota for the day would be exceeded.
    func reserve(layout: DayLayout, deskIDs: [Int], startUnit: Int, units: Int, channel: Channel) -> SlotRun?

    /// Marks a run taken without checking quota (rebuilding from the database). `false` if any unit was taken.
    @discardableResult
    func occupy(layout: DayLayout, run: SlotRun, channel: Channel) -> Bool

    /// Gives a run back. Every unit of it must be taken.
    func release(_ run: SlotRun, channel: Channel)

    /// A count that grows with every change to the taken units or channel usage of the office's days from `from` to
    /// `to` inclusive (the sum of a count per office-day; 0 for days never touched). Read it before reading
    /// availability: what is read after it is at least as new as the count says.
    func changeCount(officeID: Int, from: LocalDate, to: LocalDate) -> Int
}
