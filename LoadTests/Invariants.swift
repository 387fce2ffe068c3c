import TerminCore
import TerminStore
import TerminPostgres

/// What must hold in PostgreSQL after any scenario, whatever the clients saw.
enum Invariants {
    struct Result: Sendable {
        let name: String
        let held: Bool
        let detail: String
    }

    static func check(conninfo: String, catalog: Catalog, told: [Outcomes.Told]) throws -> [Result] {
        let db = try PostgresConnection(conninfo: conninfo)
        var results: [Result] = []

        let overlaps = Int(try db.query("""
            SELECT count(*) FROM appointment a JOIN appointment b
              ON a.desk_id = b.desk_id AND a.id < b.id AND a.span && b.span
            WHERE a.status IN ('held', 'confirmed') AND b.status IN ('held', 'confirmed')
            """).scalar ?? "") ?? -1
        results.append(Result(name: "no two live appointments overlap on a desk", held: overlaps == 0,
                              detail: "\(overlaps) overlapping pairs"))

        // Every 201 booking is in the database, confirmed, at the time the client was told.
        var rows: [String: (status: String, start: Int64)] = [:]
        let id = PostgresColumn("id", PostgresText.text), status = PostgresColumn("status", PostgresText.text)
        let start = PostgresColumn("extract(epoch FROM lower(span))::bigint", PostgresText.int64)
        for (id, status, start) in try db.select(PostgresSelection(id, status, start), "FROM appointment", [], {
            row throws(PostgresError) in (try row[id], try row[status], try row[start])
        }) { rows[id] = (status, start) }
        // A booking the client later cancelled (and was told so) must be cancelled; one it moved, at its last move's time.
        let bookings = told.filter { $0.kind == "booking" }
        let cancelled = Set(told.filter { $0.kind == "cancelled" }.map(\.id))
        var movedTo: [String: String] = [:]
        for move in told where move.kind == "moved" { movedTo[move.id] = move.start }
        let lost = bookings.filter { booking in
            guard let row = rows[booking.id], let start = BerlinTime.parse(movedTo[booking.id] ?? booking.start) else { return true }
            let expected = cancelled.contains(booking.id) ? "cancelled" : "confirmed"
            return row.status != expected || row.start != start.secondsSinceEpoch
        }
        results.append(Result(name: "every 201 booking is in the database as answered", held: lost.isEmpty,
                              detail: "\(bookings.count) bookings answered 201, \(lost.count) missing or different"))

        // Nothing live that no client was told about, but holds (whose answer a crash may have swallowed: they
        // expire by themselves). A booking's lost answer is recovered by retrying with its Idempotency-Key.
        let toldIDs = Set(told.filter { $0.kind == "booking" || $0.kind == "hold" }.map(\.id)).subtracting(cancelled)
        let untold = try db.select(PostgresSelection(id, status), "FROM appointment WHERE status IN ('held', 'confirmed')", [], {
            row throws(PostgresError) in (id: try row[id], status: try row[status])
        }).filter { !toldIDs.contains($0.id) }
        let untoldBookings = untold.filter { $0.status == "confirmed" }.count
        results.append(Result(name: "nothing live that no client was told about (but holds, which expire)",
                              held: untoldBookings == 0,
                              detail: "\(untoldBookings) untold bookings, \(untold.count - untoldBookings) untold holds"))

        // The online share of every office-day: of its desks' time (a group session's seats take no quota).
        var exceeded: [String] = []
        let office = PostgresColumn("a.office_id", PostgresText.int), day = PostgresColumn("a.day") { LocalDate(iso: $0) }
        let units = PostgresColumn("sum(a.units)", PostgresText.int)
        for (office, date, units) in try db.select(PostgresSelection(office, day, units), """
            FROM appointment a JOIN desk k ON k.id = a.desk_id
            WHERE a.status IN ('held', 'confirmed') AND a.channel = 'online' AND k.seat_number IS NULL GROUP BY a.office_id, a.day
            """, [], { row throws(PostgresError) in (try row[office], try row[day], try row[units]) }) {
            let quota = DayLayout.make(catalog: catalog, officeID: office, date: date)?.onlineQuotaUnits ?? 0
            if units > quota { exceeded.append("office \(office) on \(date): \(units) > \(quota) units") }
        }
        results.append(Result(name: "the online share of every office-day is respected", held: exceeded.isEmpty,
                              detail: exceeded.isEmpty ? "within quota" : exceeded.joined(separator: "; ")))
        return results
    }
}
