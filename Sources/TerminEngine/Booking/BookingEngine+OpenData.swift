import TerminCore
import TerminStore

/// The open data: aggregate figures per public office and day, small counts suppressed, and the daily record of how
/// far ahead the next free online appointment lay, which only the engine can see on the day.
extension BookingEngine {
    /// Most days one open-data query spans.
    public static let openDataDaysMax = 366

    /// The published figures of every public office for each complete day from `from` to `to` (inclusive; at most
    /// `openDataDaysMax` days, all before today), in office and date order.
    public func openData(from: LocalDate, to: LocalDate) throws(EngineError) -> [PublishedOfficeDay] {
        let today = BerlinTime.local(clock.now()).date
        guard from <= to else { throw EngineError(.invalid, field: "to", detail: "to is on or after from.") }
        guard to < today else {
            throw EngineError(.invalid, field: "to", detail: "Only complete days are published: to is before today (\(today)).")
        }
        guard to.dayNumber - from.dayNumber < Self.openDataDaysMax else {
            throw EngineError(.invalid, field: "to", detail: "One query spans at most \(Self.openDataDaysMax) days.")
        }
        let offices = catalog.offices.values.filter(\.isPublic).map(\.id).sorted()
        do {
            return try pool.withConnection {
                try OpenDataRepository.figures(officeIDs: offices, from: from, to: to, $0)
            }.map(\.published)
        } catch {
            throw EngineError(.unavailable, detail: "The figures could not be read: \(error)")
        }
    }

    /// Records, for today and every public office not yet recorded (by any instance), how many whole days ahead the
    /// first free online start of its shortest online service lies (none within `Scheduler.availabilityDaysMax`
    /// days: recorded as none). Cheap when all are recorded: the housekeeping calls it every minute.
    /// - Returns: how many offices it recorded.
    @discardableResult
    public func recordNextFreeOnline() throws -> Int {
        let now = clock.now()
        let today = BerlinTime.local(now).date
        let recorded = try pool.withConnection { try OpenDataRepository.nextFreeRecorded(day: today, $0) }
        let missing = catalog.offices.values.filter { $0.isPublic && !recorded.contains($0.id) }.map(\.id).sorted()
        let daysAhead = missing.map { officeID in
            (officeID: officeID, days: nextFreeOnlineDate(officeID: officeID, from: today).map { $0.dayNumber - today.dayNumber })
        }
        try pool.withConnection { try OpenDataRepository.recordNextFree(daysAhead, day: today, at: now, $0) }
        return daysAhead.count
    }

    /// The day of the first free online start at the office, for its online service of the fewest slot units (the
    /// lowest id among equals), looking `Scheduler.availabilityDaysMax` days from `from`; `nil` when nothing is free
    /// or the office books nothing online.
    func nextFreeOnlineDate(officeID: Int, from: LocalDate) -> LocalDate? {
        let offers = (catalog.offers[officeID] ?? [:]).values.filter(\.bookableOnline)
        guard let shortest = offers.min(by: { ($0.slotUnits, $0.serviceID) < ($1.slotUnits, $1.serviceID) }) else { return nil }
        let to = from.adding(days: Scheduler.availabilityDaysMax - 1)
        let days = try? availabilityDays(officeIDs: [officeID], services: [ServiceRequest(serviceID: shortest.serviceID, quantity: 1)],
                                         from: from, to: to, channel: .online)
        return days?.first?.days.first { $0.freeStarts > 0 }?.date
    }
}
