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

    /// A first answer to store.
    public struct NewAnswer: Sendable {
        public let key: String
        public let fingerprint: String
        public let appointmentID: String
        public let code: String
        public let now: Instant

        public init(key: String, fingerprint: String, appointmentID: String, code: String, now: Instant) {
            self.key = key
            self.fingerprint = fingerprint
            self.appointmentID = appointmentID
            self.code = code
            self.now = now
        }
    }

    enum Columns {
        static let sameRequest = PostgresColumn("k.fingerprint = sha256(convert_to($2, 'UTF8'))", PostgresText.bool)
        static let appointmentID = PostgresColumn("k.appointment_id", PostgresText.text)
        static let code = PostgresColumn("k.code", PostgresText.text)
        static let selection = PostgresSelection([sameRequest.expression, appointmentID.expression, code.expression])
        static let stored = PostgresSelection(["appointment_id"])
        static let storedID = PostgresColumn("appointment_id", PostgresText.text)
    }

    /// The answer stored for `key`, if any.
    public static func answer(key: String, fingerprint: String, _ db: PostgresConnection) throws -> Answer? {
        try Columns.selection.decode(try db.query("""
            SELECT \(Columns.selection.sql) FROM idempotency_key k WHERE k.key = $1
            """, [key, fingerprint])) { row throws(PostgresError) in
            Answer(sameRequest: try row[Columns.sameRequest], appointmentID: try row[Columns.appointmentID],
                   code: try row[Columns.code])
        }.first
    }

    /// Records first answers with one statement; returns the appointment ids whose key was stored (a key another
    /// request, or an earlier answer of the same call, stored first is left out).
    @discardableResult
    public static func store(_ answers: [NewAnswer], _ db: PostgresConnection) throws -> [String] {
        guard !answers.isEmpty else { return [] }
        return try Columns.stored.decode(try db.query("""
            INSERT INTO idempotency_key (key, fingerprint, appointment_id, code, created_at)
            SELECT key, sha256(convert_to(fingerprint, 'UTF8')), appointment_id, code, created_at
            FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::timestamptz[])
              AS input(key, fingerprint, appointment_id, code, created_at)
            ON CONFLICT (key) DO NOTHING RETURNING appointment_id
            """, [PostgresArray.literal(answers.map(\.key)), PostgresArray.literal(answers.map(\.fingerprint)),
                  PostgresArray.literal(answers.map(\.appointmentID)), PostgresArray.literal(answers.map(\.code)),
                  PostgresArray.literal(answers.map { BerlinTime.format($0.now) })])) { row throws(PostgresError) in
            try row[Columns.storedID]
        }
    }

    /// Deletes keys stored before `before`.
    public static func purge(before: Instant, _ db: PostgresConnection) throws {
        try db.query("DELETE FROM idempotency_key WHERE created_at < $1", [BerlinTime.format(before)])
    }
}
