import TerminCore
import TerminStore

/// An office's day as one counter operation sees it, read in its transaction: tickets, bookings, desks out of
/// service; and the calls the operation made, published after the commit.
final class OfficeDay {
    let officeID: Int
    let date: LocalDate
    let now: Instant
    let layout: DayLayout?
    private(set) var tickets: [QueueTicket]
    private(set) var bookings: [Appointment]
    let closedDesks: Set<Int>
    /// The catalogue's desks of this office.
    let catalogDesks: [Desk]
    /// Whether the office is a call-back line, where nobody comes to a counter.
    let isCallBackLine: Bool
    /// Calls made in this operation, for the displays.
    var calls: [QueueTicket] = []

    init(officeID: Int, now: Instant, scheduler: Scheduler, _ db: DatabaseConnection) throws {
        self.officeID = officeID
        self.now = now
        date = BerlinTime.local(now).date
        layout = scheduler.layout(officeID: officeID, date: date)
        catalogDesks = scheduler.catalog.desks[officeID] ?? []
        isCallBackLine = scheduler.catalog.offices[officeID]?.kind == .phone
        tickets = try QueueRepository.tickets(officeID: officeID, date: date, db)
        bookings = try AppointmentRepository.bookings(officeID: officeID, date: date, db)
        closedDesks = try QueueRepository.closedDesks(officeID: officeID, date: date, db)
    }

    /// Confirmed bookings whose holders did not check in by start plus `graceMinutes`: those a desk calls, that is
    /// neither a call-back line's (its helper calls the citizen, who never comes) nor a group session's seats (the
    /// course begins for those who came; no desk calls a seat).
    func lapsedBookings(graceMinutes: Int) -> [Appointment] {
        guard !isCallBackLine else { return [] }
        let checkedIn = Set(tickets.compactMap(\.appointmentID))
        let seats = Set(catalogDesks.filter { $0.seatNumber != nil }.map(\.id))
        return bookings.filter {
            $0.status == .confirmed && !checkedIn.contains($0.id) && !seats.contains($0.run.deskID)
                && $0.start.adding(seconds: Int64(graceMinutes) * 60) <= now
        }
    }

    /// Records bookings marked as no-shows.
    func markedNoShow(_ marked: [Appointment]) {
        let byID = Dictionary(uniqueKeysWithValues: marked.map { ($0.id, $0) })
        bookings = bookings.map { byID[$0.id] ?? $0 }
    }

    // MARK: Desks

    /// The desks staffed today and in service, with their open window.
    struct OpenDesk {
        let desk: Desk
        /// Units of the office's grid the desk is staffed today.
        let open: UnitBitmap
    }

    var openDesks: [OpenDesk] {
        guard let layout else { return [] }
        let desks = Dictionary(uniqueKeysWithValues: catalogDesks.map { ($0.id, $0) })
        return layout.desks.compactMap { deskDay in
            guard let desk = desks[deskDay.deskID], !closedDesks.contains(desk.number) else { return nil }
            return OpenDesk(desk: desk, open: deskDay.open)
        }
    }

    /// Whether a desk is in service and staffed at some time today: it may call.
    func openDesk(_ number: Int, field: String = "desk") throws(EngineError) -> Desk {
        guard let desk = catalogDesks.first(where: { $0.number == number }) else {
            throw EngineError(.invalid, field: field, detail: "Office \(officeID) has no desk \(number).")
        }
        guard openDesks.contains(where: { $0.desk.number == number }) else {
            throw EngineError(.officeClosed, field: field, detail: "Desk \(number) is not in service today.")
        }
        return desk
    }

    /// Whether the office takes walk-ins now: some desk in service and not yet closed for the day.
    var takesWalkIns: Bool {
        openDesks.contains { closingTime(of: $0).map { now < $0 } ?? false }
    }

    /// When a desk's last staffed unit ends today.
    func closingTime(of desk: OpenDesk) -> Instant? {
        guard let last = (0..<desk.open.count).last(where: { desk.open[$0] }), let layout else { return nil }
        return BerlinTime.instant(date: date, minuteOfDay: (last + 1) * layout.slotMinutes)
    }

    // MARK: Appointments at desks

    /// Bookings at a desk still ahead: confirmed, not over, and not already called, served or finished through a
    /// check-in.
    func pendingBookings(atDeskID deskID: Int) -> [Appointment] {
        let handled = Set(tickets.filter { $0.state != .waiting && $0.state != .parked }.compactMap(\.appointmentID))
        return bookings.filter { $0.run.deskID == deskID && $0.status == .confirmed && $0.end > now && !handled.contains($0.id) }
    }

    /// The start of the desk's next pending booking.
    func nextAppointment(atDeskID deskID: Int) -> Instant? { pendingBookings(atDeskID: deskID).map(\.start).min() }
}
