import TerminCore
import TerminPostgres

/// The outbox (`Sql/016_outbox.sql`): messages about bookings, written by the statements that change them, claimed
/// by delivery loops and settled once sent, stale or dead.
public enum OutboxRepository {
    /// What a message reports.
    public enum Kind: String, Sendable {
        case confirmation, move, cancellation, reminder
        /// An earlier time held for the booking (`Due.offeredHold`).
        case offer
    }

    /// A message due for delivery, with its booking as it stands now.
    public struct Due: Sendable {
        public let id: String
        public let kind: Kind
        /// The booking's revision when the change was written.
        public let revision: Int
        /// Deliveries tried before.
        public let attempts: Int
        public let appointment: Appointment
        /// An offer's hold as it stands now (`nil` when it is gone: taken, or expired and swept).
        public let offeredHold: Appointment?
        /// The id the booking's code was made for: a round's request or a waiting-list entry the booking came from,
        /// else the booking's own.
        public let codeID: String
        /// The SHA-256 of the booking's code, as the database holds it.
        public let codeSHA256: [UInt8]?
    }

    /// Claims at most `limit` due mails for `leaseSeconds` (another loop skips them meanwhile; a loop that dies
    /// leaves them due again when the lease runs out): each with its booking.
    public static func claim(limit: Int, now: Instant, leaseSeconds: Int64, _ db: PostgresConnection) throws -> [Due] {
        let rows = try db.query("""
            UPDATE outbox x SET due_at = $2::timestamptz + make_interval(secs => $3)
            WHERE x.id IN (SELECT id FROM outbox WHERE state = 'pending' AND receiver_id IS NULL AND (due_at IS NULL OR due_at <= $2)
                           ORDER BY due_at NULLS FIRST, created_at LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING x.id, x.appointment_id, x.kind, x.revision, x.attempts, x.payload->>'hold',
              coalesce((SELECT r.id FROM round_request r WHERE r.appointment_id = x.appointment_id),
                       (SELECT w.id FROM session_wait w WHERE w.appointment_id = x.appointment_id), x.appointment_id),
              (SELECT encode(a.code_hash, 'hex') FROM appointment a WHERE a.id = x.appointment_id)
            """, [String(limit), BerlinTime.format(now), String(leaseSeconds)]).rows
        let ids = rows.map { $0[1]! } + rows.compactMap { $0[5] }
        let appointments = Dictionary(try AppointmentRepository.fetch(ids: ids, db).map { ($0.id, $0) },
                                      uniquingKeysWith: { a, _ in a })
        return rows.compactMap { row in
            guard let kind = Kind(rawValue: row[2] ?? ""), let appointment = appointments[row[1]!],
                  let revision = Int(row[3] ?? ""), let attempts = Int(row[4] ?? "") else { return nil }
            return Due(id: row[0]!, kind: kind, revision: revision, attempts: attempts, appointment: appointment,
                       offeredHold: row[5].flatMap { appointments[$0] }, codeID: row[6]!, codeSHA256: row[7].flatMap(Hex.decode))
        }
    }

    /// Writes a reminder for at most `limit` confirmed bookings with contact e-mail that start within `windowSeconds`
    /// from `now` and have none for their revision yet, unless they were booked (or moved) inside that window: the
    /// confirmation (or the move's message) came recently enough. Returns how many it wrote.
    @discardableResult
    public static func scheduleReminders(now: Instant, windowSeconds: Int64, limit: Int, _ db: PostgresConnection) throws -> Int {
        let until = now.adding(seconds: windowSeconds)
        return try db.query("""
            INSERT INTO outbox (appointment_id, kind, revision)
            SELECT a.id, 'reminder', a.revision FROM appointment a
            WHERE (a.contact_name IS NOT NULL OR a.contact_email IS NOT NULL) AND a.day BETWEEN $1::date AND $2::date
              AND a.status = 'confirmed' AND a.contact_email IS NOT NULL
              AND lower(a.span) > $3::timestamptz AND lower(a.span) <= $4::timestamptz
              AND coalesce(a.moved_at, a.confirmed_at) < lower(a.span) - make_interval(secs => $5)
              AND NOT EXISTS (SELECT 1 FROM outbox x WHERE x.appointment_id = a.id AND x.kind = 'reminder' AND x.revision = a.revision)
            LIMIT $6
            ON CONFLICT DO NOTHING
            RETURNING id
            """, [BerlinTime.local(now).date.description, BerlinTime.local(until).date.description, BerlinTime.format(now),
                  BerlinTime.format(until), String(windowSeconds), String(limit)]).count
    }

    /// How a claimed message ended.
    public enum Settlement: String, Sendable {
        case sent, stale, dead
    }

    /// Settles a claimed message.
    public static func settle(_ id: String, _ settlement: Settlement, error: String? = nil, now: Instant,
                              _ db: PostgresConnection) throws {
        try db.query("""
            UPDATE outbox SET state = $2, settled_at = $3, attempts = attempts + CASE WHEN $2 = 'stale' THEN 0 ELSE 1 END,
              last_error = $4
            WHERE id = $1 AND state = 'pending'
            """, [id, settlement.rawValue, BerlinTime.format(now), error])
    }

    /// A claimed message that could not be sent: due again at `dueAt`, a try counted unless it was not `counted` (it
    /// was not tried: the relay was away).
    public static func retry(_ id: String, at dueAt: Instant, error: String, counted: Bool = true, _ db: PostgresConnection) throws {
        try db.query("""
            UPDATE outbox SET attempts = attempts + $4::int, due_at = $2, last_error = $3 WHERE id = $1 AND state = 'pending'
            """, [id, BerlinTime.format(dueAt), error, counted ? "1" : "0"])
    }

    /// The dead messages, the latest given up first, at most `limit`.
    public static func dead(limit: Int, _ db: PostgresConnection) throws -> [DeadMessage] {
        let id = PostgresColumn("id::text", PostgresText.text)
        let appointment = PostgresColumn("appointment_id::text", PostgresText.text)
        let kind = PostgresColumn("kind", PostgresText.text)
        let revision = PostgresColumn("revision", PostgresText.int)
        let attempts = PostgresColumn("attempts", PostgresText.int)
        let created = InstantColumn.required("created_at")
        let settled = InstantColumn.required("settled_at")
        let error = PostgresColumn<String?>.optional("last_error", PostgresText.text)
        let receiver = PostgresColumn<Int?>.optional("receiver_id", PostgresText.int)
        return try db.select(PostgresSelection(id, appointment, kind, revision, attempts, created, settled, error, receiver), """
            FROM outbox WHERE state = 'dead' ORDER BY settled_at DESC, id LIMIT $1
            """, [String(limit)]) { row throws(PostgresError) in
            DeadMessage(id: try row[id], appointmentID: try row[appointment], kind: try row[kind], revision: try row[revision],
                        attempts: try row[attempts], createdAt: try row[created], settledAt: try row[settled],
                        lastError: try row[error], receiverID: try row[receiver])
        }
    }

    /// Gives a dead message its tries again: pending and due at once, its attempts counted from zero (the delivery
    /// still finds it stale if a later change superseded it). Returns whether it was dead.
    public static func revive(_ id: String, _ db: PostgresConnection) throws -> Bool {
        try db.query("""
            UPDATE outbox SET state = 'pending', due_at = NULL, attempts = 0, settled_at = NULL
            WHERE id = $1::uuid AND state = 'dead' RETURNING id
            """, [id]).count == 1
    }
}
