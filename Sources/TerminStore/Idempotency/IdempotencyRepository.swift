import TerminCore
import TerminPostgres

/// First answers to `Idempotency-Key`s: which appointment a key made and the code it was answered with, so a retry
/// is answered the same. Keys are compared with the request's fingerprint (stored as its SHA-256). A key lives in its
/// appointment's row (`idempotency_key`, unique), written by the same statement as the appointment
/// (`AppointmentRepository.insert`), until `forget` clears it.
public enum IdempotencyRepository {
    /// A stored first answer for a key.
    public struct Answer: Sendable, Equatable {
        /// Whether the stored request had the same fingerprint.
        public let sameRequest: Bool
        public let appointmentID: String
        /// The citizen's code, so the replay carries it too.
        public let code: String
    }

    enum Columns {
        static let position = PostgresColumn("input.n", PostgresText.int)
        static let sameRequest = PostgresColumn("a.idempotency_fingerprint = sha256(convert_to(input.fingerprint, 'UTF8'))",
                                                PostgresText.bool)
        static let appointmentID = PostgresColumn("a.id", PostgresText.text)
        static let code = PostgresColumn("a.idempotency_code", PostgresText.text)
        static let selection = PostgresSelection(position, sameRequest, appointmentID, code)
    }

    /// The answer stored for each request's key (compared with that request's fingerprint), in the requests' order;
    /// `nil` where none is stored.
    public static func answers(_ requests: [WritePlan.Idempotency], _ db: PostgresConnection) throws -> [Answer?] {
        guard !requests.isEmpty else { return [] }
        let rows = try Columns.selection.decode(try db.query("""
            SELECT \(Columns.selection.sql) FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS input(key, fingerprint, n)
            JOIN appointment a ON a.idempotency_key = input.key
            """, [PostgresArray.literal(requests.map(\.key)), PostgresArray.literal(requests.map(\.fingerprint))])) {
            row throws(PostgresError) in
            (try row[Columns.position], Answer(sameRequest: try row[Columns.sameRequest],
                                               appointmentID: try row[Columns.appointmentID], code: try row[Columns.code]))
        }
        var answers = [Answer?](repeating: nil, count: requests.count)
        for (position, answer) in rows { answers[position - 1] = answer }
        return answers
    }

    /// Records `key` as answered by the appointment `appointmentID` with `code` (a hold's confirmation); `false` when
    /// another appointment holds the key. A key that another transaction stores meanwhile fails the statement on the
    /// key's unique index (SQLSTATE 23505) once that one commits.
    public static func store(_ key: WritePlan.Idempotency, appointmentID: String, code: String,
                             _ db: PostgresConnection) throws -> Bool {
        try db.query("""
            UPDATE appointment SET idempotency_key = $1, idempotency_fingerprint = sha256(convert_to($2, 'UTF8')),
              idempotency_code = $4
            WHERE id = $3 AND idempotency_key IS NULL AND NOT EXISTS (SELECT 1 FROM appointment WHERE idempotency_key = $1)
            RETURNING id
            """, [key.key, key.fingerprint, appointmentID, code]).count == 1
    }

    /// Forgets the keys of at most `limit` appointments made before `before` (their codes go with them); returns how
    /// many.
    @discardableResult
    public static func forget(before: Instant, limit: Int, _ db: PostgresConnection) throws -> Int {
        try db.query("""
            UPDATE appointment SET idempotency_key = NULL, idempotency_fingerprint = NULL, idempotency_code = NULL
            WHERE id IN (SELECT id FROM appointment WHERE idempotency_key IS NOT NULL AND created_at < $1 LIMIT $2)
            RETURNING id
            """, [BerlinTime.format(before), String(limit)]).count
    }
}
