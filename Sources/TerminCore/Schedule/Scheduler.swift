import Synchronization

/// Where an appointment goes: its day layout and first unit, after every booking rule has been checked.
public struct Placement: Sendable, Equatable {
    public let layout: DayLayout
    public let startUnit: Int
    public let shape: AppointmentShape

    public init(layout: DayLayout, startUnit: Int, shape: AppointmentShape) {
        precondition(layout.officeID == shape.officeID && startUnit + shape.slotUnits <= layout.unitsPerDay, "a place in the day")
        self.layout = layout
        self.startUnit = startUnit
        self.shape = shape
    }

    /// The appointment's start and end instants.
    public var start: Instant { BerlinTime.instant(date: layout.date, minuteOfDay: startUnit * layout.slotMinutes) }
    public var end: Instant {
        BerlinTime.instant(date: layout.date, minuteOfDay: (startUnit + shape.slotUnits) * layout.slotMinutes)
    }
}

/// Memoised day layouts, bounded: beyond `entriesMax` the cache is cleared and refilled.
final class LayoutCache: Sendable {
    static let entriesMax = 50_000

    struct Key: Hashable {
        let officeID: Int
        let date: LocalDate
    }

    private let entries = Mutex<[Key: DayLayout?]>([:])

    func layout(officeID: Int, date: LocalDate, make: () -> DayLayout?) -> DayLayout? {
        let key = Key(officeID: officeID, date: date)
        if let cached = entries.withLock({ $0[key] }) { return cached }
        let made = make()
        entries.withLock { entries in
            if entries.count >= Self.entriesMax { entries.removeAll() }
            entries[key] = .some(made)
        }
        return made
    }
}

/// Free start times of one office on one day.
public struct DayAvailability: Sendable, Equatable {
    public let date: LocalDate
    public let starts: [Instant]
}

/// One open day of an office for a calendar: how many free starts it has and the first of them.
public struct DaySummary: Sendable, Equatable {
    public let date: LocalDate
    public let freeStarts: Int
    /// `nil` when the day is open but nothing is free.
    public let first: Instant?
}

/// Applies the booking rules (closing days, opening hours, grid, horizon, minimum notice, channel quotas) on top of
/// the ledger. Availability and placement share these rules, so every start it offers is one a reserve accepts.
public struct Scheduler: Sendable {
    /// Most days one availability query may span.
    public static let availabilityDaysMax = 62

    public let catalog: Catalog
    public let ledger: any SlotLedger
    /// Day layouts made so far (they never change for a catalogue), so queries do not rebuild them from the rules.
    private let layouts = LayoutCache()

    public init(catalog: Catalog, ledger: any SlotLedger) {
        self.catalog = catalog
        self.ledger = ledger
    }

    /// The day layout of an office, `nil` when it is closed.
    public func layout(officeID: Int, date: LocalDate) -> DayLayout? {
        layouts.layout(officeID: officeID, date: date) { DayLayout.make(catalog: catalog, officeID: officeID, date: date) }
    }

    /// The earliest instant a channel may book at an office: online keeps the office's minimum notice, staff and
    /// walk-in may book from now on.
    public func earliestStart(office: Office, channel: Channel, now: Instant) -> Instant {
        channel == .online ? now.adding(seconds: Int64(office.minNoticeMinutes) * 60) : now
    }

    /// The last day a booking may fall on.
    public func lastBookableDate(office: Office, now: Instant) -> LocalDate {
        BerlinTime.local(now).date.adding(days: office.horizonDays)
    }

    /// Free start times for `shape` from `from` to `to` inclusive, clipped to the booking window.
    public func availability(shape: AppointmentShape, from: LocalDate, to: LocalDate, channel: Channel,
                             now: Instant) -> [DayAvailability] {
        let (office, earliest, days) = openDays(shape: shape, from: from, to: to, channel: channel, now: now)
        return days.compactMap { layout in
            let starts = freeStarts(shape, in: layout, channel: channel)
                .map { BerlinTime.instant(date: layout.date, minuteOfDay: $0 * office.slotMinutes) }
                .filter { $0 >= earliest }
            return starts.isEmpty ? nil : DayAvailability(date: layout.date, starts: starts)
        }
    }

    /// The free start units of `shape` in `layout`, in order: on its desks, and on a group session's seat only at the
    /// session's start (see `Catalog.desks(of:date:startUnit:)`).
    private func freeStarts(_ shape: AppointmentShape, in layout: DayLayout, channel: Channel) -> [Int] {
        guard !shape.seats.isEmpty else {
            return ledger.freeStarts(layout: layout, deskIDs: shape.deskIDs, units: shape.slotUnits, channel: channel)
        }
        let desks = shape.deskIDs.filter { shape.seats[$0] == nil }
        var starts = Set(desks.isEmpty ? [] : ledger.freeStarts(layout: layout, deskIDs: desks, units: shape.slotUnits, channel: channel))
        for session in catalog.sessionsByDay[shape.officeID]?[layout.date] ?? []
        where session.startMinute % layout.slotMinutes == 0 {
            let unit = session.startMinute / layout.slotMinutes
            let seats = catalog.desks(of: shape, date: layout.date, startUnit: unit).filter { shape.seats[$0] != nil }
            if !seats.isEmpty, ledger.freeStarts(layout: layout, deskIDs: seats, units: shape.slotUnits, channel: channel).contains(unit) {
                starts.insert(unit)
            }
        }
        return starts.sorted()
    }

    /// The office, the earliest start the channel may book now, and the layouts of the open days from `from` to `to`
    /// inclusive within the booking window.
    private func openDays(shape: AppointmentShape, from: LocalDate, to: LocalDate, channel: Channel, now: Instant)
        -> (office: Office, earliest: Instant, days: [DayLayout]) {
        let office = catalog.offices[shape.officeID]!
        let earliest = earliestStart(office: office, channel: channel, now: now)
        let first = max(from, BerlinTime.local(earliest).date)
        let last = min(to, lastBookableDate(office: office, now: now))
        guard first <= last else { return (office, earliest, []) }
        let days = (first.dayNumber...last.dayNumber).compactMap { layout(officeID: office.id, date: LocalDate(dayNumber: $0)) }
        return (office, earliest, days)
    }

    /// Every open day of the office from `from` to `to` inclusive, clipped to the booking window, with its count of
    /// free starts for `shape` and the first one (a full day has 0 and no first start; closed days are left out).
    public func daySummaries(shape: AppointmentShape, from: LocalDate, to: LocalDate, channel: Channel,
                             now: Instant) -> [DaySummary] {
        let (office, earliest, days) = openDays(shape: shape, from: from, to: to, channel: channel, now: now)
        return days.map { layout in
            var count = 0
            var first: Instant?
            for unit in freeStarts(shape, in: layout, channel: channel) {
                let start = BerlinTime.instant(date: layout.date, minuteOfDay: unit * office.slotMinutes)
                guard start >= earliest else { continue }
                count += 1
                if first == nil { first = start }
            }
            return DaySummary(date: layout.date, freeStarts: count, first: first)
        }
    }

    /// The sum of the ledger's change counts over an office's days from `from` to `to`: it grows whenever free time
    /// there changes. Read it before the availability it stands for.
    public func changeCount(officeID: Int, from: LocalDate, to: LocalDate) -> Int {
        ledger.changeCount(officeID: officeID, from: from, to: to)
    }

    /// Checks that `start` is a time `shape` may be booked at, ignoring whether it is still free.
    /// - Throws: `SchedulingError` with field `start` (off the grid, closed, outside hours, notice, horizon).
    public func placement(shape: AppointmentShape, start: Instant, channel: Channel, now: Instant)
        throws(SchedulingError) -> Placement {
        let office = catalog.offices[shape.officeID]!
        let (date, minute) = BerlinTime.local(start)
        guard start.secondsSinceEpoch % 60 == 0, minute % office.slotMinutes == 0 else {
            throw SchedulingError(.offGrid, field: "start",
                                  detail: "Appointments at \(office.displayName) start on a \(office.slotMinutes)-minute grid.")
        }
        guard start >= earliestStart(office: office, channel: channel, now: now) else {
            throw SchedulingError(.insideMinimumNotice, field: "start",
                                  detail: "Online appointments must start at least \(office.minNoticeMinutes) minutes from now.")
        }
        guard date <= lastBookableDate(office: office, now: now) else {
            throw SchedulingError(.beyondHorizon, field: "start",
                                  detail: "\(office.displayName) takes bookings at most \(office.horizonDays) days ahead.")
        }
        guard let layout = layout(officeID: office.id, date: date) else {
            throw SchedulingError(.closedDay, field: "start", detail: "\(office.displayName) is closed on \(date).")
        }
        let startUnit = minute / office.slotMinutes
        let range = startUnit..<(startUnit + shape.slotUnits)
        let deskIDs = catalog.desks(of: shape, date: date, startUnit: startUnit)
        let open = layout.desks.contains { desk in
            deskIDs.contains(desk.deskID) && range.upperBound <= layout.unitsPerDay && desk.open.isSet(range)
        }
        guard open else {
            throw SchedulingError(.outsideOpeningHours, field: "start",
                                  detail: "No qualified desk at \(office.displayName) is open for the whole appointment then.")
        }
        return Placement(layout: layout, startUnit: startUnit, shape: deskIDs.count == shape.deskIDs.count ? shape : shape.on(deskIDs))
    }
}
