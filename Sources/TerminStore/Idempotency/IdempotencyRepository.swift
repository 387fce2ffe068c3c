import TerminCore
import TerminPostgres

/// First answers to `Idempotency-Key`s: which appointment a key made and the code it was answered with, so a retry
/// is answered the same. Keys are compared with the request's fingerprint (stored as its SHA-256).
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
        static let sameRequest = PostgresColumn("k.fingerprint = sha256(convert_to(input.fingerprint, 'UTF8'))", PostgresText.bool)
        static let appointmentID = PostgresColumn("k.appointment_id", PostgresText.text)
        static let code = PostgresColumn("k.code", PostgresText.text)
        static let selection = PostgresSelection(position, sameRequest, appointmentID, code)
    }

    /// The answer stored for each request's key (compared with that request's fingerprint), in the requests' order;
    /// `nil` where none is stored.
    public static func answers(_ requests: [WritePlan.Idempotency], _ db: PostgresConnection) throws -> [Answer?] {
        guard !requests.isEmpty else { return [] }
        let rows = try Columns.selection.decode(try db.query("""
            SELECT \(Columns.selection.sql) FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS input(key, fingerprint, n)
            JOIN idempotency_key k ON k.key = input.key
            """, [PostgresArray.literal(requests.map(\.key)), PostgresArray.literal(requests.map(\.fingerprint))])) {
            row throws(PostgresError) in
            (try row[Columns.position], Answer(sameRequest: try row[Columns.sameRequest],
                                               appointmentID: try row[Columns.appointmentID], code: try row[Columns.code]))
        }
        var answers = [Answer?](repeating: nil, count: requests.count)
        for (position, answer) in rows { answers[position - 1] = answer }
        return answers
    }

    /// Records the first answer to `key`; `false` when another request stored it first.
    public static func store(_ key: WritePlan.Idempotency, appointmentID: String, code: String, now: Instant,
                             _ db: PostgresConnection) throws -> Bool {
        try db.query("""
            INSERT INTO idempotency_key (key, fingerprint, appointment_id, code, created_at)
            VALUES ($1, sha256(convert_to($2, 'UTF8')), $3, $4, $5) ON CONFLICT (key) DO NOTHING RETURNING key
            """, [key.key, key.fingerprint, appointmentID, code, BerlinTime.format(now)]).count == 1
    }

    /// Deletes keys stored before `before`.
    public static func purge(before: Instant, _ db: PostgresConnection) throws {
        try db.query("DELETE FROM idempotency_key WHERE created_at < $1", [BerlinTime.format(before)])
    }
}
