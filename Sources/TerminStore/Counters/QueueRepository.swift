import TerminCore
import TerminPostgres

/// Each office's queue of the day in PostgreSQL: the truth the counters share, so the queue survives a restart and
/// several instances serve one office. Every change to an office's queue happens in a transaction that first takes
/// `lockOffice`, so two clerks calling at once are served one after the other and never get the same ticket.
public enum QueueRepository {
    /// Tells every instance, when the caller's transaction commits, of calls made in it: one notification on the
    /// ledger's channel (`LedgerFeed.channel`) whose lines (after the sender's name) are `lines`. Displays follow
    /// an office through any instance; the clerk may call through another.
    public static func announceCalls(_ lines: [String], _ db: PostgresConnection) throws {
        guard !lines.isEmpty else { return }
        try db.query("SELECT pg_notify($1, current_setting('application_name') || E'\\n' || $2)",
                     [LedgerFeed.channel, lines.joined(separator: "\n") + "\n"])
    }

    enum Columns {
        static let id = PostgresColumn("q.id", PostgresText.text)
        static let officeID = PostgresColumn("q.office_id", PostgresText.int)
        static let day = PostgresColumn("q.day") { LocalDate(iso: $0) }
        static let kind = PostgresColumn("q.kind") { QueueTicket.Kind(rawValue: $0) }
        static let number = PostgresColumn("q.number", PostgresText.int)
        static let serviceIDs = PostgresColumn("array_to_string(q.service_ids, ',')", PostgresText.list(PostgresText.int))
        static let quantities = PostgresColumn("array_to_string(q.quantities, ',')", PostgresText.list(PostgresText.int))
        static let appointmentID = PostgresColumn<String?>.optional("q.appointment_id", PostgresText.text)
        static let appointmentStart = InstantColumn.optional("q.appointment_start")
        static let state = PostgresColumn("q.state") { QueueTicket.State(rawValue: $0) }
        static let deskNumber = PostgresColumn<Int?>.optional("q.desk_number", PostgresText.int)
        static let targetDesk = PostgresColumn<Int?>.optional("q.target_desk", PostgresText.int)
        static let calls = PostgresColumn("q.calls", PostgresText.int)
        static let arrivedAt = InstantColumn.required("q.arrived_at")
        static let calledAt = InstantColumn.optional("q.called_at")
        static let servingAt = InstantColumn.optional("q.serving_at")
        static let finishedAt = InstantColumn.optional("q.finished_at")
        static let estimate = PostgresColumn<Int?>.optional("q.estimated_wait_minutes", PostgresText.int)
        static let redirectedTo = PostgresColumn<String?>.optional("q.redirected_to", PostgresText.text)
        static let selection = PostgresSelection(id, officeID, day, kind, number, serviceIDs, quantities, appointmentID,
                                                 appointmentStart, state, deskNumber, targetDesk, calls, arrivedAt,
                                                 calledAt, servingAt, finishedAt, estimate, redirectedTo)

        static func decode(_ row: PostgresRow) throws(PostgresError) -> QueueTicket {
            let serviceIDs = try row[serviceIDs], quantities = try row[quantities], kind = try row[kind]
            let appointmentID = try row[appointmentID], appointmentStart = try row[appointmentStart]
            let state = try row[state], desk = try row[deskNumber], number = try row[number]
            guard !serviceIDs.isEmpty, serviceIDs.count == quantities.count, (1...999).contains(number),
                  (kind == .appointment) == (appointmentID != nil && appointmentStart != nil),
                  !(state == .called || state == .serving) || desk != nil else {
                throw PostgresError(.decodingFailed, message: "queue ticket \(try row[id]) breaks the ticket's invariants")
            }
            return QueueTicket(
                id: try row[id], officeID: try row[officeID], date: try row[day], kind: kind, number: number,
                services: zip(serviceIDs, quantities).map { ServiceRequest(serviceID: $0.0, quantity: $0.1) },
                appointmentID: appointmentID, appointmentStart: appointmentStart, state: state, deskNumber: desk,
                targetDesk: try row[targetDesk], calls: try row[calls], arrivedAt: try row[arrivedAt],
                calledAt: try row[calledAt], servingAt: try row[servingAt], finishedAt: try row[finishedAt],
                estimatedWaitMinutes: try row[estimate], redirectedTo: try row[redirectedTo])
        }
    }

    /// Serialises changes to one office's queue until the transaction ends (across instances too).
    public static func lockOffice(_ officeID: Int, _ db: PostgresConnection) throws {
        // Two-key advisory locks: the first key names the queue, so no other lock of the engine can collide.
        _ = try db.query("SELECT pg_advisory_xact_lock(7001, $1::int)", [String(officeID)])
    }

    /// Draws the next display number of a kind for an office's day; `nil` once 999 are drawn.
    public static func drawNumber(officeID: Int, date: LocalDate, kind: QueueTicket.Kind, _ db: PostgresConnection) throws -> Int? {
        let drawn = try db.query("""
            INSERT INTO queue_number AS n (office_id, day, kind, last) VALUES ($1, $2, $3, 1)
            ON CONFLICT (office_id, day, kind) DO UPDATE SET last = n.last + 1 WHERE n.last < 999
            RETURNING last
            """, [String(officeID), date.description, kind.rawValue]).scalar
        return drawn.flatMap { Int($0) }
    }

    /// Stores a new ticket.
    public static func insert(_ ticket: QueueTicket, _ db: PostgresConnection) throws {
        try db.query("""
            INSERT INTO queue_ticket (id, office_id, day, kind, number, service_ids, quantities, appointment_id,
              appointment_start, state, target_desk, calls, arrived_at, estimated_wait_minutes)
            VALUES ($1, $2, $3, $4, $5, $6::bigint[], $7::int[], $8, $9, $10, $11, 0, $12, $13)
            """, [ticket.id, String(ticket.officeID), ticket.date.description, ticket.kind.rawValue, String(ticket.number),
                  intArray(ticket.services.map(\.serviceID)), intArray(ticket.services.map(\.quantity)), ticket.appointmentID,
                  ticket.appointmentStart.map(BerlinTime.format), ticket.state.rawValue, ticket.targetDesk.map(String.init),
                  BerlinTime.format(ticket.arrivedAt), ticket.estimatedWaitMinutes.map(String.init)])
    }

    /// Writes a ticket's changing fields (state, desks, calls, times, redirection).
    public static func update(_ ticket: QueueTicket, _ db: PostgresConnection) throws {
        let updated = try db.query("""
            UPDATE queue_ticket SET state = $2, desk_number = $3, target_desk = $4, calls = $5, called_at = $6,
              serving_at = $7, finished_at = $8, redirected_to = $9
            WHERE id = $1 RETURNING id
            """, [ticket.id, ticket.state.rawValue, ticket.deskNumber.map(String.init), ticket.targetDesk.map(String.init),
                  String(ticket.calls), ticket.calledAt.map(BerlinTime.format), ticket.servingAt.map(BerlinTime.format),
                  ticket.finishedAt.map(BerlinTime.format), ticket.redirectedTo])
        precondition(updated.count == 1, "only stored tickets are updated")
    }

    /// Every ticket of an office's day, in the order drawn.
    public static func tickets(officeID: Int, date: LocalDate, _ db: PostgresConnection) throws -> [QueueTicket] {
        try Columns.selection.decode(try db.query("""
            SELECT \(Columns.selection.sql) FROM queue_ticket q WHERE q.office_id = $1 AND q.day = $2
            ORDER BY q.arrived_at, q.kind, q.number
            """, [String(officeID), date.description]), Columns.decode)
    }

    /// The ticket `id`, if there is one.
    public static func ticket(id: String, _ db: PostgresConnection) throws -> QueueTicket? {
        guard AppointmentRepository.isUUID(id) else { return nil }
        return try Columns.selection.decode(try db.query("SELECT \(Columns.selection.sql) FROM queue_ticket q WHERE q.id = $1",
                                                         [id]), Columns.decode).first
    }

    /// The ticket an appointment holder checked in with at office `officeID` on `date`, if any (a booking moved after
    /// its holder checked in is checked in anew where and when it now is).
    public static func ticket(appointmentID: String, officeID: Int, date: LocalDate, _ db: PostgresConnection) throws -> QueueTicket? {
        try Columns.selection.decode(try db.query("""
            SELECT \(Columns.selection.sql) FROM queue_ticket q WHERE q.appointment_id = $1 AND q.office_id = $2 AND q.day = $3
            """, [appointmentID, String(officeID), date.description]), Columns.decode).first
    }

    /// The offices whose queue has tickets on `date`: where the counters are at work.
    public static func officesWithTickets(date: LocalDate, _ db: PostgresConnection) throws -> [Int] {
        try db.query("SELECT DISTINCT office_id FROM queue_ticket WHERE day = $1 ORDER BY office_id", [date.description])
            .rows.compactMap { $0[0].flatMap { Int($0) } }
    }

    // MARK: Desks out of service

    /// Takes a desk out of service for the rest of the day; `false` if it already was.
    public static func closeDesk(officeID: Int, date: LocalDate, deskNumber: Int, now: Instant, _ db: PostgresConnection) throws -> Bool {
        try db.query("""
            INSERT INTO desk_closure (office_id, day, desk_number, closed_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT DO NOTHING RETURNING desk_number
            """, [String(officeID), date.description, String(deskNumber), BerlinTime.format(now)]).count == 1
    }

    /// Puts a desk back in service; `false` if it was not closed.
    public static func openDesk(officeID: Int, date: LocalDate, deskNumber: Int, _ db: PostgresConnection) throws -> Bool {
        try db.query("DELETE FROM desk_closure WHERE office_id = $1 AND day = $2 AND desk_number = $3 RETURNING desk_number",
                     [String(officeID), date.description, String(deskNumber)]).count == 1
    }

    /// The desks out of service at an office's day.
    public static func closedDesks(officeID: Int, date: LocalDate, _ db: PostgresConnection) throws -> Set<Int> {
        Set(try db.query("SELECT desk_number FROM desk_closure WHERE office_id = $1 AND day = $2",
                         [String(officeID), date.description]).rows.compactMap { $0[0].flatMap { Int($0) } })
    }

    static func intArray(_ values: [Int]) -> String { "{" + values.map(String.init).joined(separator: ",") + "}" }
}
