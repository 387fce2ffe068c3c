import TerminCore
import TerminPostgres

/// Staff accounts. A token is stored only as its SHA-256 (computed by PostgreSQL), so a stolen table unlocks nothing.
public enum StaffRepository {
    /// An account as listed: the member, and when it was made and revoked.
    public struct Account: Sendable, Equatable {
        public let member: StaffMember
        public let createdAt: Instant
        public let revokedAt: Instant?
    }

    enum Columns {
        static let id = PostgresColumn("s.id", PostgresText.int)
        static let name = PostgresColumn("s.name", PostgresText.text)
        static let role = PostgresColumn("s.role") { StaffRole(rawValue: $0) }
        static let offices = PostgresColumn("array_to_string(s.office_ids, ',')", PostgresText.list(PostgresText.int))
        static let createdAt = InstantColumn.required("s.created_at")
        static let revokedAt = InstantColumn.optional("s.revoked_at")
        static let dailyQuota = PostgresColumn<Int?>.optional("s.daily_quota", PostgresText.int)
        static let selection = PostgresSelection(id, name, role, offices, createdAt, revokedAt, dailyQuota)

        static func decode(_ row: PostgresRow) throws(PostgresError) -> Account {
            let role = try row[role], offices = Set(try row[offices])
            guard !role.needsOffices || !offices.isEmpty else {
                throw PostgresError(.decodingFailed, message: "staff account \(try row[id]) is a \(role) without offices")
            }
            return Account(member: StaffMember(id: try row[id], name: try row[name], role: role, officeIDs: offices,
                                               dailyQuota: try row[dailyQuota]),
                           createdAt: try row[createdAt], revokedAt: try row[revokedAt])
        }
    }

    /// Creates an account whose token is `token`.
    public static func create(name: String, role: StaffRole, officeIDs: [Int], dailyQuota: Int? = nil, token: String,
                              now: Instant, _ db: PostgresConnection) throws -> StaffMember {
        try Columns.selection.decode(try db.query("""
            INSERT INTO staff_account AS s (name, role, office_ids, token_sha256, created_at, daily_quota)
            VALUES ($1, $2, $3::bigint[], sha256(convert_to($4, 'UTF8')), $5, $6)
            RETURNING \(Columns.selection.sql)
            """, [name, role.rawValue, "{" + officeIDs.map(String.init).joined(separator: ",") + "}", token,
                  BerlinTime.format(now), dailyQuota.map(String.init)]), Columns.decode)[0].member
    }

    /// The member whose token this is, unless it was revoked.
    public static func member(token: String, _ db: PostgresConnection) throws -> StaffMember? {
        try Columns.selection.decode(try db.query("""
            SELECT \(Columns.selection.sql) FROM staff_account s
            WHERE s.token_sha256 = sha256(convert_to($1, 'UTF8')) AND s.revoked_at IS NULL
            """, [token]), Columns.decode).first?.member
    }

    /// Every account, oldest first.
    public static func all(_ db: PostgresConnection) throws -> [Account] {
        try Columns.selection.decode(try db.query("SELECT \(Columns.selection.sql) FROM staff_account s ORDER BY s.id"),
                                     Columns.decode)
    }

    /// The audit log's action for a booking made on a citizen's behalf; what a quota counts.
    public static let onBehalfAction = "booking.on-behalf"

    /// How many bookings `member` made on a citizen's behalf on `now`'s day (Munich time), counted under a lock on the
    /// account held to the end of the transaction: two transactions of one member count one after the other.
    static func bookingsOnBehalf(of member: StaffMember, on now: Instant, _ db: PostgresConnection) throws -> Int {
        try db.query("SELECT 1 FROM staff_account WHERE id = $1 FOR UPDATE", [String(member.id)])
        let dayStart = BerlinTime.instant(date: BerlinTime.local(now).date, minuteOfDay: 0)
        return Int(try db.query("""
            SELECT count(*) FROM audit_log WHERE staff_id = $1 AND action = $2 AND at >= $3
            """, [String(member.id), onBehalfAction, BerlinTime.format(dayStart)]).scalar ?? "0") ?? 0
    }

    /// Revokes an account; `false` when there is no such account or it was revoked before.
    public static func revoke(id: Int, now: Instant, _ db: PostgresConnection) throws -> Bool {
        try db.query("UPDATE staff_account SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id",
                     [String(id), BerlinTime.format(now)]).count == 1
    }
}
