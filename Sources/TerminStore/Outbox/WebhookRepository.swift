import TerminCore
import TerminPostgres

/// Webhook receivers (`Sql/022_webhooks.sql`) and their events, which are outbox rows with a receiver and a body.
public enum WebhookRepository {
    /// An event due for delivery to its receiver.
    public struct Due: Sendable {
        /// The message's id: the same on every try (`webhook-id`).
        public let id: String
        public let receiverID: Int
        public let url: String
        public let secret: [UInt8]
        /// The body, fixed when the change was written.
        public let payload: String
        /// Deliveries tried before.
        public let attempts: Int
    }

    /// Registers a receiver of `events` at `url` with `secret`.
    public static func create(url: String, events: [String], secret: [UInt8], createdBy staffID: Int, now: Instant,
                              _ db: PostgresConnection) throws -> WebhookReceiver {
        let inserted = try db.query("""
            INSERT INTO webhook_receiver (url, events, secret, created_at, created_by)
            VALUES ($1, $2::text[], decode($3, 'hex'), $4, $5) RETURNING id
            """, [url, PostgresArray.literal(events), Hex.encode(secret), BerlinTime.format(now), String(staffID)])
        guard let number = inserted.scalar.flatMap({ Int($0) }) else { preconditionFailure("an insert returns its id") }
        return WebhookReceiver(id: number, url: url, events: events, createdAt: now)
    }

    private enum Columns {
        static let id = PostgresColumn("id", PostgresText.int)
        static let url = PostgresColumn("url", PostgresText.text)
        static let events = PostgresColumn("array_to_string(events, ',')", PostgresText.list(PostgresText.text))
        static let createdAt = InstantColumn.required("created_at")
        static let selection = PostgresSelection(id, url, events, createdAt)
    }

    /// Every receiver, oldest first.
    public static func all(_ db: PostgresConnection) throws -> [WebhookReceiver] {
        typealias C = Columns
        return try db.select(C.selection, "FROM webhook_receiver ORDER BY id", []) { row throws(PostgresError) in
            WebhookReceiver(id: try row[C.id], url: try row[C.url], events: try row[C.events], createdAt: try row[C.createdAt])
        }
    }

    /// Removes a receiver and its events not yet delivered; `false` when there is none.
    public static func delete(id: Int, _ db: PostgresConnection) throws -> Bool {
        try !db.query("DELETE FROM webhook_receiver WHERE id = $1 RETURNING id", [String(id)]).isEmpty
    }

    /// Claims at most `limit` due events of one receiver for `leaseSeconds`, as `OutboxRepository.claim` claims mail:
    /// of the receiver, not among `excluded`, whose due event has waited longest.
    public static func claim(limit: Int, now: Instant, leaseSeconds: Int64, excluded: Set<Int> = [],
                             _ db: PostgresConnection) throws -> [Due] {
        try db.query("""
            WITH receiver AS (
                SELECT receiver_id FROM outbox
                WHERE state = 'pending' AND receiver_id IS NOT NULL AND (due_at IS NULL OR due_at <= $2)
                  AND receiver_id <> ALL($4::bigint[])
                ORDER BY due_at NULLS FIRST, created_at LIMIT 1
            ), claimed AS (
                UPDATE outbox x SET due_at = $2::timestamptz + make_interval(secs => $3)
                WHERE x.id IN (SELECT id FROM outbox
                               WHERE state = 'pending' AND receiver_id = (SELECT receiver_id FROM receiver)
                                 AND (due_at IS NULL OR due_at <= $2)
                               ORDER BY due_at NULLS FIRST, created_at LIMIT $1 FOR UPDATE SKIP LOCKED)
                RETURNING x.id, x.receiver_id, x.payload, x.attempts, x.created_at)
            SELECT c.id, r.id, r.url, encode(r.secret, 'hex'), c.payload::text, c.attempts
            FROM claimed c JOIN webhook_receiver r ON r.id = c.receiver_id ORDER BY c.created_at
            """, [String(limit), BerlinTime.format(now), String(leaseSeconds),
                  PostgresArray.literal(excluded.sorted().map(String.init))])
            .rows.compactMap { row in
                guard let id = row[0], let receiverID = row[1].flatMap({ Int($0) }), let url = row[2],
                      let secret = row[3].flatMap(Hex.decode), let payload = row[4], let attempts = Int(row[5] ?? "") else { return nil }
                return Due(id: id, receiverID: receiverID, url: url, secret: secret, payload: payload, attempts: attempts)
            }
    }
}
