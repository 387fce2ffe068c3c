import TerminCore
import TerminPostgres

/// A full group session's waiting list (Sql/028): joining with a code, the first waiting seated when a seat frees.
public enum SessionWaitlistRepository {
    enum Columns {
        static let id = PostgresColumn("w.id", PostgresText.text)
        static let sessionID = PostgresColumn("w.session_id", PostgresText.int)
        static let name = PostgresColumn<String?>.optional("w.contact_name", PostgresText.text)
        static let email = PostgresColumn<String?>.optional("w.contact_email", PostgresText.text)
        static let language = PostgresColumn<String?>.optional("w.contact_language", PostgresText.text)
        static let joinedAt = InstantColumn.required("w.joined_at")
        static let appointmentID = PostgresColumn<String?>.optional("w.appointment_id", PostgresText.text)
        static let leftAt = InstantColumn.optional("w.left_at")
        static let position = PostgresColumn<Int?>.optional("""
            CASE WHEN w.appointment_id IS NULL AND w.left_at IS NULL THEN (SELECT count(*) FROM session_wait o
              WHERE o.session_id = w.session_id AND o.place <= w.place AND o.appointment_id IS NULL AND o.left_at IS NULL) END
            """, PostgresText.int)
        static let selection = PostgresSelection(id, sessionID, name, email, language, joinedAt, appointmentID, leftAt, position)

        static func decode(_ row: PostgresRow) throws(PostgresError) -> SessionWait {
            let contact = Appointment.Contact(name: try row[name], email: try row[email],
                                              language: try row[language].flatMap(Appointment.Language.init(rawValue:)))
            return SessionWait(id: try row[id], sessionID: try row[sessionID], contact: contact.isEmpty ? nil : contact,
                               joinedAt: try row[joinedAt], appointmentID: try row[appointmentID], leftAt: try row[leftAt],
                               position: try row[position])
        }
    }

    /// Adds an entry whose code is `code` (only its SHA-256 is kept), and reads it back with its position.
    public static func join(id: String, sessionID: Int, code: String, contact: Appointment.Contact, now: Instant,
                            _ db: PostgresConnection) throws -> SessionWait {
        try db.query("""
            INSERT INTO session_wait (id, session_id, code_hash, contact_name, contact_email, contact_language, joined_at)
            VALUES ($1::uuid, $2, sha256(convert_to($3, 'UTF8')), $4, $5, $6, $7)
            """, [id, String(sessionID), code, contact.name, contact.email, contact.language?.rawValue, BerlinTime.format(now)])
        return try db.select(Columns.selection, "FROM session_wait w WHERE w.id = $1::uuid", [id], Columns.decode)[0]
    }

    /// The entry of session `sessionID` for the holder of `code`.
    public static func entry(id: String, sessionID: Int, code: String, _ db: PostgresConnection) throws -> SessionWait? {
        guard AppointmentRepository.isUUID(id) else { return nil }
        return try db.select(Columns.selection, """
            FROM session_wait w WHERE w.id = $1::uuid AND w.session_id = $2 AND w.code_hash = sha256(convert_to($3, 'UTF8'))
            """, [id, String(sessionID), code], Columns.decode).first
    }

    /// Takes a waiting entry off the list; `false` when it was not waiting.
    public static func leave(id: String, now: Instant, _ db: PostgresConnection) throws -> Bool {
        try !db.query("""
            UPDATE session_wait SET left_at = $2 WHERE id = $1::uuid AND appointment_id IS NULL AND left_at IS NULL RETURNING id
            """, [id, BerlinTime.format(now)]).isEmpty
    }

    /// The first `count` entries waiting for each session of `firstOf`, first joined first (so the entries of one
    /// session never stand before another's).
    public static func waiting(firstOf: [(sessionID: Int, count: Int)], _ db: PostgresConnection) throws -> [SessionWait] {
        precondition(firstOf.allSatisfy { $0.count > 0 }, "at least one entry of each session")
        guard !firstOf.isEmpty else { return [] }
        return try db.select(Columns.selection, """
            FROM unnest($1::bigint[], $2::int[]) AS s(session_id, count) CROSS JOIN LATERAL (
              SELECT * FROM session_wait o WHERE o.session_id = s.session_id AND o.appointment_id IS NULL AND o.left_at IS NULL
              ORDER BY o.place LIMIT s.count) w
            ORDER BY w.place
            """, [PostgresArray.literal(firstOf.map { String($0.sessionID) }), PostgresArray.literal(firstOf.map { String($0.count) })],
            Columns.decode)
    }

    /// Inside a plan, after the insert of the seat's booking: gives the booking the entry's code and the entry its
    /// seat, if the entry still waits; `false` otherwise (the plan is then refused).
    static func seat(entryID: String, appointmentID: String, _ db: PostgresConnection) throws -> Bool {
        let seated = try db.query("""
            UPDATE session_wait SET appointment_id = $2::uuid
            WHERE id = $1::uuid AND appointment_id IS NULL AND left_at IS NULL RETURNING code_hash
            """, [entryID, appointmentID])
        guard !seated.isEmpty else { return false }
        try db.query("UPDATE appointment a SET code_hash = w.code_hash FROM session_wait w WHERE w.id = $1::uuid AND a.id = $2::uuid",
                     [entryID, appointmentID])
        return true
    }
}
