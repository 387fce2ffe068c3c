import TerminCore
import TerminEngine

/// The JSON shapes of the counter routes. Keys are snake_case, times RFC 3339 in Munich time.

/// `POST /v1/offices/{id}/tickets`.
struct TicketRequestJSON: Decodable {
    let services: [ServiceQuantityJSON]
}

/// `POST /v1/offices/{id}/check-ins`: the booking, and its code when the citizen checks in alone.
struct CheckInRequestJSON: Decodable {
    let booking: String
    let code: String?
}

/// `POST /v1/offices/{id}/tickets/{ticket}/redirect`: another desk here, or another office.
struct RedirectRequestJSON: Decodable {
    let desk: Int?
    let office: Int?
}

struct TicketJSON: Encodable {
    let id: String
    let office: Int
    let date: String
    let number: String
    let kind: String
    let state: String
    let services: [ServiceQuantityJSON]
    let appointment: String?
    let appointment_start: String?
    let desk: Int?
    let target_desk: Int?
    let calls: Int
    let arrived_at: String
    let called_at: String?
    let serving_at: String?
    let finished_at: String?
    let estimated_wait_minutes: Int?
    let redirected_to: String?
    /// Walk-ins waiting before it, when it was drawn.
    let waiting_ahead: Int?

    init(_ ticket: QueueTicket, waitingAhead: Int? = nil) {
        id = ticket.id
        office = ticket.officeID
        date = ticket.date.description
        number = ticket.displayNumber
        kind = ticket.kind.rawValue
        state = ticket.state.rawValue
        services = ticket.services.map { ServiceQuantityJSON(id: $0.serviceID, quantity: $0.quantity) }
        appointment = ticket.appointmentID
        appointment_start = ticket.appointmentStart.map(BerlinTime.format)
        desk = ticket.deskNumber
        target_desk = ticket.targetDesk
        calls = ticket.calls
        arrived_at = BerlinTime.format(ticket.arrivedAt)
        called_at = ticket.calledAt.map(BerlinTime.format)
        serving_at = ticket.servingAt.map(BerlinTime.format)
        finished_at = ticket.finishedAt.map(BerlinTime.format)
        estimated_wait_minutes = ticket.estimatedWaitMinutes
        redirected_to = ticket.redirectedTo
        waiting_ahead = waitingAhead
    }
}

struct TicketListJSON: Encodable {
    let office: Int
    let tickets: [TicketJSON]
}

struct CallJSON: Encodable {
    let number: String
    let desk: Int
    let at: String
    let calls: Int

    init(_ event: CallEvent) {
        number = event.number
        desk = event.deskNumber
        at = BerlinTime.format(event.at)
        calls = event.calls
    }
}

struct QueueStatusJSON: Encodable {
    struct AtDeskJSON: Encodable {
        let number: String
        let desk: Int
        let serving: Bool
    }

    let office: Int
    let date: String
    let at_desks: [AtDeskJSON]
    let waiting_walk_ins: Int
    let waiting_appointments: Int
    let desks_in_service: Int
    let estimated_wait_minutes: Int?
    let takes_walk_ins: Bool
    let recent_calls: [CallJSON]

    init(_ status: QueueStatus) {
        office = status.officeID
        date = status.date.description
        at_desks = status.atDesks.map { AtDeskJSON(number: $0.number, desk: $0.deskNumber, serving: $0.serving) }
        waiting_walk_ins = status.waitingWalkIns
        waiting_appointments = status.waitingAppointments
        desks_in_service = status.desksInService
        estimated_wait_minutes = status.estimatedWaitMinutes
        takes_walk_ins = status.takesWalkIns
        recent_calls = status.recentCalls.map(CallJSON.init)
    }
}

/// A booking as the counter sees it (the contact name helps the clerk recognise the citizen; no e-mail).
struct CounterBookingJSON: Encodable {
    let id: String
    let office: Int
    let desk_id: Int
    let start: String
    let end: String
    let status: String
    let channel: String
    let services: [ServiceQuantityJSON]
    let contact_name: String?
    /// The number to call back, at a call-back line.
    let contact_phone: String?
    let ticket: TicketJSON?

    init(_ appointment: Appointment, ticket: QueueTicket?) {
        id = appointment.id
        office = appointment.run.officeID
        desk_id = appointment.run.deskID
        start = BerlinTime.format(appointment.start)
        end = BerlinTime.format(appointment.end)
        status = appointment.status.rawValue
        channel = appointment.channel.rawValue
        services = appointment.services.map { ServiceQuantityJSON(id: $0.serviceID, quantity: $0.quantity) }
        contact_name = appointment.contact?.name
        contact_phone = appointment.contact?.phone
        self.ticket = ticket.map { TicketJSON($0) }
    }
}

struct AuditEntryJSON: Encodable {
    let at: String
    let actor: String
    let staff_id: Int?
    let staff_name: String?
    let action: String
    let subject: String
    let detail: String?

    init(_ entry: AuditEntry) {
        at = BerlinTime.format(entry.at)
        actor = entry.actor
        staff_id = entry.staffID
        staff_name = entry.staffName
        action = entry.action
        subject = entry.subject
        detail = entry.detail
    }
}

struct AuditJSON: Encodable {
    let office: Int
    let date: String
    let entries: [AuditEntryJSON]
}

struct StaffMemberJSON: Encodable {
    let id: Int
    let name: String
    let role: String
    /// Empty: every office.
    let offices: [Int]

    init(_ member: StaffMember) {
        id = member.id
        name = member.name
        role = member.role.rawValue
        offices = member.officeIDs.sorted()
    }
}
