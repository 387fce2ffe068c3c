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
        let rows = try Columns.selection.decode(try db.query(answersStatement, [PostgresArray.literal(requests.map(\.key)),
                                                                                PostgresArray.literal(requests.map(\.fingerprint))])) {
            row throws(PostgresError) in
            (try row[Columns.position], Answer(sameRequest: try row[Columns.sameRequest],
                                               appointmentID: try row[Columns.appointmentID], code: try row[Columns.code]))
        }
        var answers = [Answer?](repeating: nil, count: requests.count)
        for (position, answer) in rows { answers[position - 1] = answer }
        return answers
    }

    /// `answers`' statement: `$1` the keys, `$2` the fingerprints.
    static let answersStatement = """
        SELECT \(Columns.selection.sql) FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS input(key, fingerprint, n)
        \(storing(keysOf: "input"))
        """

    /// SQL joining each row of `input` (which has a `key` column) to the appointment that stores its key, as `a`
    /// (`id`, `idempotency_fingerprint`, `idempotency_code`); a row whose key is not stored drops out. One probe of the
    /// key's index per row, however the planner's statistics stand: a plain join can be planned as a merge join that
    /// reads the whole key index, which the statistics make look cheap while the table grows faster than they are
    /// renewed (a day's release fills it within minutes), so every lookup would cost as much as the index is large.
    static func storing(keysOf input: String) -> String {
        """
        CROSS JOIN LATERAL (SELECT id, idempotency_fingerprint, idempotency_code FROM appointment
          WHERE idempotency_key = \(input).key LIMIT 1) a
        """
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
