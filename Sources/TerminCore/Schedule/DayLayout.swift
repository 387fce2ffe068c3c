/// One office-day as the ledger needs it: each desk's open units and the online quota.
public struct DayLayout: Sendable, Equatable {
    /// One desk's day: which units of the grid it is staffed.
    public struct DeskDay: Sendable, Equatable {
        public let deskID: Int
        public let open: UnitBitmap
        /// Whether a run on it counts against its channel's quota: a group session's seat does not (a course is
        /// booked seat by seat, and the share withheld from online is of the desks' time).
        public let takesQuota: Bool
    }

    public let officeID: Int
    public let date: LocalDate
    public let slotMinutes: Int
    /// Desks staffed at some time of the day, in desk-number order.
    public let desks: [DeskDay]
    /// Desk units open in all, over every desk.
    public let openUnits: Int
    /// Units of desks that take quota (`DeskDay.takesQuota`: not seats) the online channel may take at most; the rest
    /// is kept for staff and walk-ins.
    public let onlineQuotaUnits: Int

    /// Units in the day's grid (whole units from midnight).
    public var unitsPerDay: Int { 1440 / slotMinutes }

    /// Upper bound on the units of desks that take quota a channel may take in this day.
    public func quotaUnits(for channel: Channel) -> Int { channel == .online ? onlineQuotaUnits : openUnits }

    /// Whether `run` lies in this day on a desk staffed for all of its units: a booking made under other opening
    /// hours or on a desk since taken out of service may not.
    public func holds(_ run: SlotRun) -> Bool {
        guard run.officeID == officeID, run.date == date, run.unitRange.upperBound <= unitsPerDay,
              let desk = desks.first(where: { $0.deskID == run.deskID }) else { return false }
        return desk.open.isSet(run.unitRange)
    }

    /// Lays out `date` at `office` from its opening rules, desks, helpers' shifts and group sessions; `nil` when the
    /// office is closed that day. A helper's desk is open during the helper's shifts there but while the helper leads
    /// a session (here or elsewhere), a seat during the sessions that have that many seats, other desks as the opening
    /// rules staff them.
    public static func make(catalog: Catalog, officeID: Int, date: LocalDate) -> DayLayout? {
        guard let office = catalog.offices[officeID],
              !catalog.closingCalendar.isClosed(officeID: officeID, on: date) else { return nil }
        let rules = (catalog.openingRules[officeID] ?? []).filter { $0.applies(on: date) }
        let sessions = catalog.sessionsByDay[officeID]?[date] ?? []
        var desks: [DeskDay] = []
        var openUnits = 0, seatUnits = 0
        for desk in catalog.desks[officeID] ?? [] where desk.inService {
            var open = UnitBitmap(count: office.unitsPerDay)
            let windows: [Range<Int>]
            if desk.helperID != nil {
                windows = (catalog.helperShifts[desk.id] ?? []).filter { $0.hours.applies(on: date) }
                    .map { $0.hours.startMinute..<$0.hours.endMinute }
            } else if let seat = desk.seatNumber {
                windows = sessions.filter { $0.seats >= seat }.compactMap { $0.minutes(in: catalog) }
            } else {
                windows = rules.filter { desk.number <= $0.staffedDesks }.map { $0.startMinute..<$0.endMinute }
            }
            for minutes in windows {
                // Only whole units inside the window are open.
                let first = (minutes.lowerBound + office.slotMinutes - 1) / office.slotMinutes
                let end = minutes.upperBound / office.slotMinutes
                if first < end { open.set(first..<end) }
            }
            for led in desk.helperID.flatMap({ catalog.sessionsLed[$0]?[date] }) ?? [] {
                // Every unit the session touches is closed.
                guard let minutes = led.minutes(in: catalog) else { continue }
                let first = minutes.lowerBound / office.slotMinutes
                let end = min(office.unitsPerDay, (minutes.upperBound + office.slotMinutes - 1) / office.slotMinutes)
                if first < end { open.clear(first..<end) }
            }
            let units = open.population
            guard units > 0 else { continue }
            openUnits += units
            if desk.seatNumber != nil { seatUnits += units }
            desks.append(DeskDay(deskID: desk.id, open: open, takesQuota: desk.seatNumber == nil))
        }
        guard openUnits > 0 else { return nil }
        let quota = (openUnits - seatUnits) * (100 - office.onlineWithheldPercent) / 100
        return DayLayout(officeID: officeID, date: date, slotMinutes: office.slotMinutes, desks: desks,
                         openUnits: openUnits, onlineQuotaUnits: quota)
    }
}
