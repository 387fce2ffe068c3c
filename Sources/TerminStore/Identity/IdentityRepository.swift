import TerminCore
import TerminPostgres

/// What the per-identity caps read and lock in PostgreSQL: an identity's live bookings and recent cancellations,
/// and its open round requests.
public enum IdentityRepository {
    enum Columns {
        static let hash = PostgresColumn("encode(a.identity_hash, 'hex')") { Hex.decode($0) }
        static let status = PostgresColumn("a.status") { AppointmentStatus(rawValue: $0) }
        static let serviceIDs = PostgresColumn("array_to_string(a.service_ids, ',')", PostgresText.list(PostgresText.int))
        static let cancelledAt = InstantColumn.optional("a.cancelled_at")
        static let selection = PostgresSelection(hash, status, serviceIDs, cancelledAt)
    }

    /// Takes the transaction-scoped advisory lock of each identity, in one order for every writer (so two
    /// transactions locking overlapping sets never wait on each other in a cycle). Held until the commit: a second
    /// transaction for the same identity counts only after the first's rows are visible.
    public static func lock(_ identities: some Sequence<CitizenIdentity>, _ db: PostgresConnection) throws {
        let keys = Set(identities.map(\.lockKey)).sorted()
        guard !keys.isEmpty else { return }
        _ = try db.query("""
            SELECT pg_advisory_xact_lock(k) FROM (SELECT k FROM unnest($1::bigint[]) AS k ORDER BY k) AS sorted
            """, [PostgresArray.literal(keys.map { String($0) })])
    }

    /// Each identity's live bookings (confirmed, not ended at `now`) and the bookings it cancelled after
    /// `cancelledSince`. Identities with neither get an
    /// empty standing.
    public static func standings(_ identities: some Sequence<CitizenIdentity>, now: Instant, cancelledSince: Instant,
                                 _ db: PostgresConnection) throws -> [[UInt8]: IdentityLimits.Standing] {
        var standings: [[UInt8]: IdentityLimits.Standing] = [:]
        for identity in identities { standings[identity.hash] = IdentityLimits.Standing() }
        guard !standings.isEmpty else { return standings }
        let hashes = PostgresArray.literal(standings.keys.map { Hex.encode($0) })
        let rows = try Columns.selection.decode(try db.query(standingsStatement, [hashes, BerlinTime.format(now),
                                                                                  BerlinTime.format(cancelledSince)])) {
            row throws(PostgresError) in
            (try row[Columns.hash], try row[Columns.status], try row[Columns.serviceIDs], try row[Columns.cancelledAt])
        }
        for (hash, status, serviceIDs, cancelledAt) in rows {
            if status == .confirmed {
                standings[hash, default: .init()].liveBookings += 1
            } else if let cancelledAt {
                standings[hash, default: .init()].cancellations.append(
                    IdentityLimits.Cancellation(serviceIDs: serviceIDs, cancelledAt: cancelledAt))
            }
        }
        return standings
    }

    /// `standings`' statement: `$1` the identities' hashes (hex, each once), `$2` now, `$3` the start of the cancellations
    /// counted (the citizen's own: one by staff starts no cool-down). One probe of the identities' index per identity,
    /// however the planner's statistics stand (the subquery is kept apart by `OFFSET 0`): joined plainly, it can be
    /// planned as a scan of every appointment while the statistics lag behind a filling table, in the commit writer's
    /// transaction.
    static let standingsStatement = """
        SELECT \(Columns.selection.sql) FROM unnest($1::text[]) AS h
        CROSS JOIN LATERAL (SELECT identity_hash, status, service_ids, cancelled_at FROM appointment
          WHERE identity_hash = decode(h, 'hex')
            AND ((status = 'confirmed' AND upper(span) > $2)
                 OR (status = 'cancelled' AND cancelled_at > $3 AND NOT cancelled_by_staff))
          OFFSET 0) a
        """

    /// Claims `serviceIDs` for the open request `requestID` of `identity`. Returns the first service already
    /// claimed by another open request of the identity (the caller then rolls back), or `nil`.
    public static func claimOpenRequest(_ identity: CitizenIdentity, serviceIDs: [Int], requestID: String,
                                        _ db: PostgresConnection) throws -> Int? {
        let claimed = try db.query("""
            INSERT INTO open_request_claim (identity_hash, service_id, request_id)
            SELECT decode($1, 'hex'), s, $3::uuid FROM unnest($2::bigint[]) AS s
            ON CONFLICT DO NOTHING RETURNING service_id
            """, [identity.hex, PostgresArray.literal(serviceIDs.map { String($0) }), requestID])
        let taken = Set(claimed.rows.compactMap { $0[0].flatMap { Int($0) } })
        return serviceIDs.first { !taken.contains($0) }
    }
}
