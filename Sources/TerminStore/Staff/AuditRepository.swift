import TerminCore
import TerminPostgres

/// The append-only audit log: who did what to which ticket or booking, when. The table refuses updates and deletes.
public enum AuditRepository {
    /// Who acted.
    public enum Actor: Sendable, Equatable {
        case staff(StaffMember)
        /// A citizen at the kiosk (a walk-in ticket).
        case kiosk
        /// A citizen with a booking code (a check-in).
        case citizen
        /// The engine itself (an appointment not checked in becoming a no-show).
        case engine

        var column: String {
            switch self {
            case .staff: "staff"
            case .kiosk: "kiosk"
            case .citizen: "citizen"
            case .engine: "engine"
            }
        }
    }

    /// Longest detail kept, in characters.
    public static let detailMax = 400

    /// Appends one line, at an office or (a change of no one office's) at none.
    public static func append(at: Instant, officeID: Int?, actor: Actor, action: String, subject: String, detail: String? = nil,
                              _ db: PostgresConnection) throws {
        var staffID: String?
        if case .staff(let member) = actor { staffID = String(member.id) }
        try db.query("""
            INSERT INTO audit_log (at, office_id, staff_id, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, [BerlinTime.format(at), officeID.map(String.init), staffID, actor.column, action, subject,
                  detail.map { String($0.prefix(detailMax)) }])
    }

    enum Columns {
        static let at = InstantColumn.required("l.at")
        static let officeID = PostgresColumn("l.office_id", PostgresText.int)
        static let actor = PostgresColumn("l.actor", PostgresText.text)
        static let staffID = PostgresColumn<Int?>.optional("l.staff_id", PostgresText.int)
        static let staffName = PostgresColumn<String?>.optional("s.name", PostgresText.text)
        static let action = PostgresColumn("l.action", PostgresText.text)
        static let subject = PostgresColumn("l.subject", PostgresText.text)
        static let detail = PostgresColumn<String?>.optional("l.detail", PostgresText.text)
        static let selection = PostgresSelection(at, officeID, actor, staffID, staffName, action, subject, detail)
    }

    /// The lines of an office's day (Munich time), oldest first, at most `limit`.
    public static func entries(officeID: Int, date: LocalDate, limit: Int, _ db: PostgresConnection) throws -> [AuditEntry] {
        let from = BerlinTime.instant(date: date, minuteOfDay: 0), to = BerlinTime.instant(date: date.adding(days: 1), minuteOfDay: 0)
        return try Columns.selection.decode(try db.query("""
            SELECT \(Columns.selection.sql) FROM audit_log l LEFT JOIN staff_account s ON s.id = l.staff_id
            WHERE l.office_id = $1 AND l.at >= $2 AND l.at < $3 ORDER BY l.at, l.id LIMIT $4
            """, [String(officeID), BerlinTime.format(from), BerlinTime.format(to), String(limit)])) { row throws(PostgresError) in
            AuditEntry(at: try row[Columns.at], officeID: try row[Columns.officeID], actor: try row[Columns.actor],
                  staffID: try row[Columns.staffID], staffName: try row[Columns.staffName], action: try row[Columns.action],
                  subject: try row[Columns.subject], detail: try row[Columns.detail])
        }
    }
}
