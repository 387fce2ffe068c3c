import TerminCore
import TerminPostgres

/// Changes to an office's master data, each to be run in the transaction that also writes its audit line and ends
/// with `announceChange`, which raises the catalogue's revision and tells every instance (Sql/021).
public enum MasterDataRepository {
    /// Raises the catalogue's revision and announces it at commit; returns the new revision.
    public static func announceChange(_ db: PostgresConnection) throws -> Int {
        let revision = PostgresColumn("termin_catalog_changed()", PostgresText.int)
        return try db.select(PostgresSelection(revision), "", []) { row throws(PostgresError) in try row[revision] }[0]
    }

    /// Replaces every opening rule of an office by `rules` (all of that office).
    public static func replaceOpeningRules(officeID: Int, rules: [OpeningRule], _ db: PostgresConnection) throws {
        precondition(rules.allSatisfy { $0.officeID == officeID }, "rules of the office")
        try db.query("DELETE FROM opening_rule WHERE office_id = $1", [String(officeID)])
        for rule in rules {
            try db.query("""
                INSERT INTO opening_rule (office_id, weekdays, valid_from, valid_to, start_minute, end_minute, staffed_desks)
                VALUES ($1, $2::int[], $3, $4, $5, $6, $7)
                """, [String(officeID), PostgresArray.literal(rule.weekdays.sorted().map(String.init)),
                      rule.validFrom.description, rule.validTo?.description, String(rule.startMinute),
                      String(rule.endMinute), String(rule.staffedDesks)])
        }
    }

    /// Closes an office on `days`; a day closed already takes the new reason.
    public static func close(officeID: Int, days: [ClosingDaysCalendar.Day], _ db: PostgresConnection) throws {
        guard !days.isEmpty else { return }
        try db.query("""
            INSERT INTO office_closure (office_id, day, reason)
            SELECT $1, d, r FROM unnest($2::date[], $3::text[]) AS u(d, r)
            ON CONFLICT (office_id, day) DO UPDATE SET reason = excluded.reason
            """, [String(officeID), PostgresArray.literal(days.map(\.date.description)),
                  PostgresArray.literal(days.map(\.reason))])
    }

    /// Opens a closed day again; `false` when the office was not closed that day.
    public static func reopen(officeID: Int, date: LocalDate, _ db: PostgresConnection) throws -> Bool {
        try !db.query("DELETE FROM office_closure WHERE office_id = $1 AND day = $2 RETURNING day",
                      [String(officeID), date.description]).isEmpty
    }

    /// An office's closing days from `from` on, in date order.
    public static func closures(officeID: Int, from: LocalDate, _ db: PostgresConnection) throws -> [ClosingDaysCalendar.Day] {
        let day = PostgresColumn("day") { LocalDate(iso: $0) }, reason = PostgresColumn("reason", PostgresText.text)
        return try db.select(PostgresSelection(day, reason), "FROM office_closure WHERE office_id = $1 AND day >= $2 ORDER BY day",
                             [String(officeID), from.description]) { row throws(PostgresError) in
            ClosingDaysCalendar.Day(date: try row[day], reason: try row[reason])
        }
    }

    /// Changes a desk: what is `nil` stays. `false` when the office has no desk `number`.
    public static func changeDesk(officeID: Int, number: Int, serviceIDs: Set<Int>?, accessible: Bool?, inService: Bool?,
                                  _ db: PostgresConnection) throws -> Bool {
        let deskID = PostgresColumn("id", PostgresText.int)
        guard let id = try db.select(PostgresSelection(deskID), "FROM desk WHERE office_id = $1 AND number = $2 FOR UPDATE",
                                     [String(officeID), String(number)], { row throws(PostgresError) in try row[deskID] }).first
        else { return false }
        try db.query("""
            UPDATE desk SET accessible = coalesce($2::boolean, accessible), in_service = coalesce($3::boolean, in_service)
            WHERE id = $1
            """, [String(id), accessible.map { $0 ? "true" : "false" }, inService.map { $0 ? "true" : "false" }])
        if let serviceIDs {
            try db.query("DELETE FROM desk_service WHERE desk_id = $1", [String(id)])
            try db.query("INSERT INTO desk_service (desk_id, service_id) SELECT $1, unnest($2::bigint[])",
                         [String(id), PostgresArray.literal(serviceIDs.sorted().map(String.init))])
        }
        return true
    }

    /// Changes an office's booking rules: what is `nil` stays.
    public static func changeBookingRules(officeID: Int, onlineWithheldPercent: Int?, horizonDays: Int?, minNoticeMinutes: Int?,
                                          _ db: PostgresConnection) throws {
        try db.query("""
            UPDATE office SET online_withheld_percent = coalesce($2::int, online_withheld_percent),
                horizon_days = coalesce($3::int, horizon_days), min_notice_minutes = coalesce($4::int, min_notice_minutes)
            WHERE id = $1
            """, [String(officeID), onlineWithheldPercent.map(String.init), horizonDays.map(String.init),
                  minNoticeMinutes.map(String.init)])
    }
}
