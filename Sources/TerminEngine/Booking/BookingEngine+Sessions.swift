import TerminCore

/// Group sessions: a seat is a booking of the session's service at its start, on one of the seats the session opens.
/// Taking one is a booking like any other (the same write, caps, idempotency, mails, cancellation and moves), so the
/// ledger counts seats as it counts desk time, and the database refuses an oversold seat (`Sql/025`).
extension BookingEngine {
    /// A group session as it stands for one channel.
    public struct SessionStanding: Sendable, Equatable {
        public let session: GroupSession
        public let start: Instant
        public let end: Instant
        /// Seats this channel could take now: none once the session is too close (the channel's notice) or past.
        public let seatsFree: Int
    }

    /// The sessions at `officeID` from `from` to `to` (days inclusive, as availability), in start order.
    /// - Throws: `invalid` for an unknown office (field `office`) or too long a range (field `to`).
    public func sessions(officeID: Int, from: LocalDate, to: LocalDate, channel: Channel) throws(EngineError)
        -> [SessionStanding] {
        let live = self.live
        let catalog = live.scheduler.catalog
        guard let office = catalog.offices[officeID] else {
            throw EngineError(SchedulingError(.unknownOffice, field: "office", detail: "There is no office \(officeID)."))
        }
        guard to.dayNumber - from.dayNumber < Scheduler.availabilityDaysMax else {
            throw EngineError(.invalid, field: "to", detail: "One query spans at most \(Scheduler.availabilityDaysMax) days.")
        }
        let earliest = live.scheduler.earliestStart(office: office, channel: channel, now: clock.now())
        var standings: [SessionStanding] = []
        var day = from
        while day <= to {
            for session in catalog.sessionsByDay[officeID]?[day] ?? [] {
                guard let minutes = session.minutes(in: catalog) else { continue }
                let start = BerlinTime.instant(date: day, minuteOfDay: minutes.lowerBound)
                let free = start < earliest ? 0 : seatsFree(session, minutes: minutes, channel: channel, in: live)
                standings.append(SessionStanding(session: session, start: start,
                                                 end: BerlinTime.instant(date: day, minuteOfDay: minutes.upperBound),
                                                 seatsFree: free))
            }
            day = day.adding(days: 1)
        }
        return standings
    }

    /// Takes a seat of session `id` for the citizen: a booking of the session's service at its start (see `book`).
    /// - Throws: `sessionNotFound`; `sessionFull` when every seat is taken; else as `book` (too close, a citizen's caps).
    public func takeSeat(sessionID: Int, channel: Channel, contact: Appointment.Contact?, pseudonym: String?,
                         by staff: StaffMember? = nil, idempotencyKey: String?, fingerprint: String) throws(EngineError)
        -> IssuedBooking {
        let catalog = live.scheduler.catalog
        guard let session = catalog.sessions[sessionID], let minutes = session.minutes(in: catalog) else {
            throw EngineError(.sessionNotFound, detail: "There is no group session \(sessionID).")
        }
        let start = BerlinTime.instant(date: session.date, minuteOfDay: minutes.lowerBound)
        let seat = BookingSource.direct(officeID: session.officeID, start: start,
                                        services: [ServiceRequest(serviceID: session.serviceID, quantity: 1)], channel: channel,
                                        seatsOf: session)
        do {
            return try book(seat, contact: contact, pseudonym: pseudonym, by: staff, idempotencyKey: idempotencyKey,
                            fingerprint: fingerprint)
        } catch where error.scheduling?.code == .slotTaken {
            throw EngineError(.sessionFull, detail: "Every one of the \(session.seats) seats of group session \(sessionID) is taken.")
        } catch where error.kind == .scheduling {
            // Too close, past or beyond the horizon: the session is what the caller named.
            throw EngineError(SchedulingError(error.scheduling!.code, field: "id", detail: error.detail))
        }
    }

    /// How many of the session's seats the ledger has free at its start for `channel`.
    func seatsFree(_ session: GroupSession, minutes: Range<Int>, channel: Channel, in live: LiveLedger) -> Int {
        let catalog = live.scheduler.catalog
        guard let office = catalog.offices[session.officeID],
              let layout = live.scheduler.layout(officeID: session.officeID, date: session.date) else { return 0 }
        let startUnit = minutes.lowerBound / office.slotMinutes
        let units = (minutes.upperBound - minutes.lowerBound) / office.slotMinutes
        let seats = (catalog.desks[session.officeID] ?? []).filter { ($0.seatNumber ?? .max) <= session.seats }
        return seats.count { seat in
            live.scheduler.ledger.freeStarts(layout: layout, deskIDs: [seat.id], units: units, channel: channel).contains(startUnit)
        }
    }
}
