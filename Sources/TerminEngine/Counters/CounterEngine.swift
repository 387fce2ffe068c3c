import TerminCore
import TerminStore

/// Runs an office's day at the counters: walk-in tickets, check-ins of appointment holders, calls, and the ticket's
/// way to done. PostgreSQL holds the queue; every change to an office's queue runs in one transaction under the
/// office's lock (`QueueRepository.lockOffice`), is written to the audit log in the same transaction, and its calls
/// reach the displays only after the commit.
public final class CounterEngine: Sendable {
    /// Defaults a deployment may change.
    public struct Configuration: Sendable {
        /// Minutes after its start an appointment may still be checked in; then it is a no-show and its time goes to
        /// walk-ins.
        public var graceMinutes = 10
        /// Minutes before its start an appointment may be checked in at the earliest.
        public var checkInEarlyMinutes = 120
        /// Calls after which a called ticket that does not come becomes a no-show.
        public var callsBeforeNoShow = 3
        /// Completed services of a kind before today's observed mean replaces the catalogue's duration.
        public var observedServicesMin = 3
        /// Most recent calls the public status lists.
        public var recentCallsMax = 8
        public var policy = CallPolicy.Limits()
        public init() {}
    }

    /// A drawn ticket with where it stands.
    public struct DrawnTicket: Sendable, Equatable {
        public let ticket: QueueTicket
        /// Walk-ins waiting before it.
        public let waitingAhead: Int
    }

    /// Where a clerk sends a ticket: another desk here, or another office.
    public enum Redirect: Sendable, Equatable {
        case desk(Int)
        case office(Int)
    }

    public let booking: BookingEngine
    public let broadcaster: CallBroadcaster
    public let configuration: Configuration
    let statusCache = QueueStatusCache()
    var catalog: Catalog { booking.catalog }
    var pool: DatabasePool { booking.pool }
    var clock: any WallClock { booking.clock }

    public init(booking: BookingEngine, broadcaster: CallBroadcaster = CallBroadcaster(), configuration: Configuration = Configuration()) {
        self.booking = booking
        self.broadcaster = broadcaster
        self.configuration = configuration
    }

    // MARK: Citizens

    /// Draws a walk-in number at the kiosk (`staff` nil) or for a citizen at the counter. A help place gives no number
    /// that none of its helpers could serve before the end of their shifts today (`queueFull`).
    public func drawTicket(officeID: Int, services: [ServiceRequest], staff: StaffMember?) throws(EngineError) -> DrawnTicket {
        if let staff { try authorize(staff, .serveQueue, officeID: officeID) }
        let office = try office(officeID)
        try Self.requireCounter(office)
        do {
            _ = try catalog.shape(officeID: officeID, services: services, channel: .walkIn)
        } catch {
            throw EngineError(SchedulingError(error.code, field: error.field, detail: error.detail))
        }
        return try inOffice(officeID) { db, day in
            guard day.takesWalkIns else {
                throw EngineError(.officeClosed, detail: "\(office.displayName) takes no walk-ins today.")
            }
            guard let number = try QueueRepository.drawNumber(officeID: officeID, date: day.date, kind: .walkIn, db) else {
                throw EngineError(.queueFull, detail: "All 999 numbers of today are drawn.")
            }
            let estimate = estimatedWaitMinutes(for: services, day)
            // A help place's few helpers end their shifts early: a number none of them can serve today is not given.
            guard estimate != nil || office.kind == .citizenOffice else {
                throw EngineError(.queueFull, detail: "Nobody at \(office.displayName) can help with this before the end of "
                                  + "today's shifts: please come again another day, or book a time.")
            }
            let ticket = QueueTicket(id: Secret.newID(), officeID: officeID, date: day.date, kind: .walkIn, number: number,
                                     services: services, appointmentID: nil, appointmentStart: nil, state: .waiting,
                                     deskNumber: nil, targetDesk: nil, calls: 0, arrivedAt: day.now, calledAt: nil,
                                     servingAt: nil, finishedAt: nil, estimatedWaitMinutes: estimate, redirectedTo: nil)
            try QueueRepository.insert(ticket, db)
            try audit(db, day, staff.map { .staff($0) } ?? .kiosk, "ticket.draw", ticket)
            let ahead = day.tickets.filter { $0.kind == .walkIn && $0.state == .waiting }.count
            return DrawnTicket(ticket: ticket, waitingAhead: ahead)
        }
    }

    /// A call-back line has no counter: its helper calls the citizen at the appointment's time. Nobody draws a number
    /// or checks in there, nor is a ticket sent there (409 naming `office`).
    static func requireCounter(_ office: Office) throws(EngineError) {
        guard office.kind == .phone else { return }
        throw EngineError(.officeClosed, field: "office", detail: "\(office.displayName) calls citizens back at their appointment's "
                          + "time: nobody draws a number or checks in there.")
    }

    /// Checks an appointment holder in: with the booking's code at the kiosk, or by a clerk. Checking in twice
    /// returns the first ticket.
    public func checkIn(officeID: Int, bookingID: String, code: String?, staff: StaffMember?) throws(EngineError) -> QueueTicket {
        if let staff { try authorize(staff, .serveQueue, officeID: officeID) }
        try Self.requireCounter(try office(officeID))
        let unknown = EngineError(.notFound, detail: "There is no booking \(bookingID) for this code at office \(officeID).")
        return try inOffice(officeID) { db, day in
            let found: Appointment?
            if staff == nil {
                guard let code else { throw unknown }
                found = try AppointmentRepository.fetch(id: bookingID, code: code, db)
            } else {
                found = try AppointmentRepository.fetch(id: bookingID, db)
            }
            guard let found, found.run.officeID == officeID, found.status != .held else { throw unknown }
            // As the day stands: a booking past its grace is a no-show now, marked or not.
            let appointment = day.bookings.first { $0.id == found.id } ?? found
            if let existing = try QueueRepository.ticket(appointmentID: appointment.id, officeID: officeID, date: day.date, db) {
                return existing
            }
            guard appointment.run.date == day.date else {
                throw EngineError(.officeClosed, field: "booking", detail: "This booking is on \(appointment.run.date), not today.")
            }
            guard appointment.status == .confirmed else {
                throw EngineError(.ticketState, field: "booking", detail: appointment.status == .noShow
                    ? "The appointment was not checked in within \(configuration.graceMinutes) minutes of its start; draw a walk-in number."
                    : "This booking was cancelled.")
            }
            guard day.now >= appointment.start.adding(seconds: -Int64(configuration.checkInEarlyMinutes) * 60) else {
                throw EngineError(.officeClosed, field: "booking",
                                  detail: "Check-in opens \(configuration.checkInEarlyMinutes) minutes before the appointment.")
            }
            guard let number = try QueueRepository.drawNumber(officeID: officeID, date: day.date, kind: .appointment, db) else {
                throw EngineError(.queueFull, detail: "All 999 numbers of today are drawn.")
            }
            let ticket = QueueTicket(id: Secret.newID(), officeID: officeID, date: day.date, kind: .appointment, number: number,
                                     services: appointment.services, appointmentID: appointment.id,
                                     appointmentStart: appointment.start, state: .waiting, deskNumber: nil, targetDesk: nil,
                                     calls: 0, arrivedAt: day.now, calledAt: nil, servingAt: nil, finishedAt: nil,
                                     estimatedWaitMinutes: max(0, Int(appointment.start.secondsSinceEpoch - day.now.secondsSinceEpoch) / 60),
                                     redirectedTo: nil)
            try QueueRepository.insert(ticket, db)
            try audit(db, day, staff.map { .staff($0) } ?? .citizen, "booking.check-in", ticket,
                      detail: "booking:\(appointment.id)")
            return ticket
        }
    }

    /// A ticket of an office (public: ids are unguessable and tickets carry no personal data).
    public func ticket(officeID: Int, id: String) throws(EngineError) -> QueueTicket {
        let found: QueueTicket?
        do { found = try pool.withConnection { try QueueRepository.ticket(id: id, $0) } } catch {
            throw EngineError(.unavailable, detail: "The queue could not be read: \(error)")
        }
        guard let found, found.officeID == officeID else {
            throw EngineError(.ticketUnknown, detail: "There is no ticket \(id) at office \(officeID).")
        }
        return found
    }

    // MARK: Clerks

    /// Today's tickets of an office, for the counter.
    public func tickets(officeID: Int, staff: StaffMember) throws(EngineError) -> [QueueTicket] {
        try authorize(staff, .serveQueue, officeID: officeID)
        _ = try office(officeID)
        return try read(officeID) { $0.tickets }
    }

    /// Calls the next citizen to `deskNumber` (see `CallPolicy`); `nil` when nobody fits now.
    public func callNext(officeID: Int, deskNumber: Int, staff: StaffMember) throws(EngineError) -> QueueTicket? {
        try authorize(staff, .serveQueue, officeID: officeID)
        _ = try office(officeID)
        return try inOffice(officeID) { db, day in
            let desk = try day.openDesk(deskNumber)
            guard !day.tickets.contains(where: { $0.deskNumber == deskNumber && ($0.state == .called || $0.state == .serving) }) else {
                throw EngineError(.ticketState, field: "desk", detail: "Desk \(deskNumber) still has a citizen called or at the desk.")
            }
            let waiting = day.tickets.filter { $0.state == .waiting }.map {
                CallPolicy.Candidate(ticket: $0, expectedMinutes: expectedMinutes($0.services, day))
            }
            let policyDesk = CallPolicy.Desk(number: deskNumber, serviceIDs: desk.serviceIDs,
                                             nextAppointmentAt: day.nextAppointment(atDeskID: desk.id))
            guard let chosen = CallPolicy.next(waiting: waiting, desk: policyDesk, now: day.now, limits: configuration.policy) else {
                return nil
            }
            let called = chosen.ticket.with(state: .called, deskNumber: deskNumber, calls: 1, calledAt: day.now)
            try QueueRepository.update(called, db)
            try audit(db, day, .staff(staff), "ticket.call", called, detail: "desk \(deskNumber)")
            day.calls.append(called)
            return called
        }
    }

    /// Moves a ticket on: recall, serve, done, no-show, park, resume, redirect (`redirect` says where).
    public func act(_ action: TicketAction, ticketID: String, officeID: Int, redirect: Redirect? = nil,
                    staff: StaffMember) throws(EngineError) -> QueueTicket {
        try authorize(staff, .serveQueue, officeID: officeID)
        _ = try office(officeID)
        if action == .redirect {
            guard let redirect else { throw EngineError(.invalid, field: "desk", detail: "Say where to: a desk or an office.") }
            if case .office(let target) = redirect {
                guard target != officeID else { throw EngineError(.invalid, field: "office", detail: "That is this office.") }
                try Self.requireCounter(try office(target, field: "office"))
            }
        }
        var target: Int?
        if case .office(let office) = redirect { target = office }
        return try inOffice(officeID, alsoLocking: target) { db, day in
            guard let ticket = day.tickets.first(where: { $0.id == ticketID }) else {
                throw EngineError(.ticketUnknown, detail: "There is no ticket \(ticketID) at office \(officeID) today.")
            }
            guard action.allowedFrom.contains(ticket.state) else {
                throw EngineError(.ticketState, detail: "Ticket \(ticket.displayNumber) is \(ticket.state.rawValue); "
                                  + "\(action.rawValue) needs \(action.allowedFrom.map(\.rawValue).sorted().joined(separator: " or ")).")
            }
            let next: QueueTicket
            var detail: String?
            switch action {
            case .recall:
                let calls = ticket.calls + 1
                if calls > configuration.callsBeforeNoShow {
                    next = ticket.with(state: .noShow, finishedAt: day.now)
                    detail = "after \(ticket.calls) calls"
                } else {
                    next = ticket.with(calls: calls, calledAt: day.now)
                    day.calls.append(next)
                }
            case .serve: next = ticket.with(state: .serving, servingAt: day.now)
            case .done: next = ticket.with(state: .done, finishedAt: day.now)
            case .noShow: next = ticket.with(state: .noShow, finishedAt: day.now)
            case .park: next = ticket.with(state: .parked, keepingDesk: false)
            case .resume: next = ticket.with(state: .waiting, keepingDesk: false)
            case .redirect:
                switch redirect! {
                case .desk(let number):
                    let desk = try day.openDesk(number)
                    guard ticket.services.allSatisfy({ desk.serviceIDs.contains($0.serviceID) }) else {
                        throw EngineError(.invalid, field: "desk", detail: "Desk \(number) does not serve this concern.")
                    }
                    next = ticket.with(state: .waiting, targetDesk: number, keepingDesk: false)
                    detail = "to desk \(number)"
                case .office(let target):
                    // Only to an office that takes walk-ins with this concern, and takes walk-ins now (its lock is held).
                    do {
                        _ = try catalog.shape(officeID: target, services: ticket.services, channel: .walkIn)
                    } catch {
                        throw EngineError(.invalid, field: "office", detail: "Office \(target) takes no walk-ins with this concern.")
                    }
                    guard try OfficeDay(officeID: target, now: day.now, scheduler: booking.scheduler, db).takesWalkIns else {
                        throw EngineError(.officeClosed, field: "office", detail: "Office \(target) takes no walk-ins now.")
                    }
                    let moved = try redirectTicket(ticket, to: target, now: day.now, db)
                    next = ticket.with(state: .redirected, finishedAt: day.now, redirectedTo: moved.id)
                    detail = "to office \(target) as \(moved.displayNumber)"
                }
            }
            try QueueRepository.update(next, db)
            try audit(db, day, .staff(staff), "ticket.\(action.rawValue)", next, detail: detail)
            return next
        }
    }

    /// Takes a desk out of service for the rest of today, or back in (leads).
    public func setDesk(officeID: Int, deskNumber: Int, open: Bool, staff: StaffMember) throws(EngineError) {
        try authorize(staff, .manageDay, officeID: officeID)
        _ = try office(officeID)
        guard catalog.desks[officeID]?.contains(where: { $0.number == deskNumber }) == true else {
            throw EngineError(.invalid, field: "desk", detail: "Office \(officeID) has no desk \(deskNumber).")
        }
        try inOffice(officeID) { db, day in
            let changed = open
                ? try QueueRepository.openDesk(officeID: officeID, date: day.date, deskNumber: deskNumber, db)
                : try QueueRepository.closeDesk(officeID: officeID, date: day.date, deskNumber: deskNumber, now: day.now, db)
            if changed {
                try AuditRepository.append(at: day.now, officeID: officeID, actor: .staff(staff),
                                           action: open ? "desk.open" : "desk.close", subject: "desk:\(deskNumber)", db)
            }
        }
    }

    /// A booking as the counter sees it, and the ticket it checked in with.
    public func lookUpBooking(officeID: Int, bookingID: String, staff: StaffMember) throws(EngineError) -> (Appointment, QueueTicket?) {
        try authorize(staff, .serveQueue, officeID: officeID)
        let found: (Appointment, QueueTicket?)?
        do {
            found = try pool.withConnection { db -> (Appointment, QueueTicket?)? in
                guard let appointment = try AppointmentRepository.fetch(id: bookingID, db), appointment.run.officeID == officeID,
                      appointment.status != .held else { return nil }
                return (appointment, try QueueRepository.ticket(appointmentID: appointment.id, officeID: officeID,
                                                                date: appointment.run.date, db))
            }
        } catch {
            throw EngineError(.unavailable, detail: "The booking could not be read: \(error)")
        }
        guard let found else { throw EngineError(.notFound, detail: "There is no booking \(bookingID) at office \(officeID).") }
        return found
    }

    // MARK: Internals

    func authorize(_ staff: StaffMember, _ action: StaffAction, officeID: Int) throws(EngineError) {
        guard staff.role.allows(action) else {
            throw EngineError(.forbidden, detail: "A \(staff.role.rawValue) may not \(action.rawValue).")
        }
        guard staff.worksAt(officeID) else { throw EngineError(.forbidden, detail: "\(staff.name) does not work at office \(officeID).") }
    }

    func office(_ id: Int, field: String = "office") throws(EngineError) -> Office {
        guard let office = catalog.offices[id] else { throw EngineError(.invalid, field: field, detail: "There is no office \(id).") }
        return office
    }

    /// A ticket's copy at office `officeID`, waiting there from its original arrival (it does not queue again); the
    /// caller holds that office's queue lock.
    private func redirectTicket(_ ticket: QueueTicket, to officeID: Int, now: Instant, _ db: DatabaseConnection) throws -> QueueTicket {
        guard let number = try QueueRepository.drawNumber(officeID: officeID, date: ticket.date, kind: .walkIn, db) else {
            throw EngineError(.queueFull, detail: "Office \(officeID) has drawn all 999 numbers of today.")
        }
        let moved = QueueTicket(id: Secret.newID(), officeID: officeID, date: ticket.date, kind: .walkIn, number: number,
                                services: ticket.services, appointmentID: nil, appointmentStart: nil, state: .waiting,
                                deskNumber: nil, targetDesk: nil, calls: 0, arrivedAt: ticket.arrivedAt, calledAt: nil,
                                servingAt: nil, finishedAt: nil, estimatedWaitMinutes: nil, redirectedTo: nil)
        try QueueRepository.insert(moved, db)
        try AuditRepository.append(at: now, officeID: officeID, actor: .engine, action: "ticket.redirected-in",
                                   subject: "ticket:\(moved.id)", detail: "from ticket:\(ticket.id)", db)
        return moved
    }

    func audit(_ db: DatabaseConnection, _ day: OfficeDay, _ actor: AuditRepository.Actor, _ action: String, _ ticket: QueueTicket,
               detail: String? = nil) throws {
        try AuditRepository.append(at: day.now, officeID: day.officeID, actor: actor, action: action,
                                   subject: "ticket:\(ticket.id)", detail: [ticket.displayNumber, detail].compactMap { $0 }.joined(separator: " "), db)
    }
}
