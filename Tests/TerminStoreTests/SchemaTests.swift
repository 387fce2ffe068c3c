import Testing
import TerminCore
import TerminTestSupport
@testable import TerminStore
import TerminPostgres

/// The schema itself forbids double booking, whatever the application does: `desk_time`'s key over every live
/// appointment's 5-minute units, kept by statement triggers.
@Suite struct SchemaTests {
    func insert(_ db: PostgresConnection, id: String, desk: Int = 10252201, from: String, to: String, status: String = "confirmed") throws {
        try db.query("""
            INSERT INTO appointment (id, office_id, desk_id, day, start_unit, units, span, channel, status, expires_at, code_hash,
              created_at, service_ids, quantities)
            VALUES ($1, 102522, $2, '2026-12-01', 0, 1, tstzrange($3::timestamptz, $4::timestamptz), 'online', $5,
                    now() + interval '10 minutes', '\\x00', now(), '{1063441}', '{1}')
            """, [id, String(desk), from, to, status])
    }

    @Test func overlappingLiveAppointmentsOnOneDeskAreRefused() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.create())
        try insert(db, id: "00000000-0000-0000-0000-000000000001", from: "2026-12-01T08:00+01", to: "2026-12-01T08:15+01")
        #expect {
            try insert(db, id: "00000000-0000-0000-0000-000000000002", from: "2026-12-01T08:10+01", to: "2026-12-01T08:20+01", status: "held")
        } throws: { ($0 as! PostgresError).sqlState == "23505" && ($0 as! PostgresError).isConflict }
        // Touching ends, another desk, or a cancelled one do not conflict.
        try insert(db, id: "00000000-0000-0000-0000-000000000003", from: "2026-12-01T08:15+01", to: "2026-12-01T08:30+01")
        try insert(db, id: "00000000-0000-0000-0000-000000000004", desk: 10252202, from: "2026-12-01T08:00+01", to: "2026-12-01T08:15+01")
        try db.query("UPDATE appointment SET status = 'cancelled' WHERE id = $1", ["00000000-0000-0000-0000-000000000001"])
        try insert(db, id: "00000000-0000-0000-0000-000000000005", from: "2026-12-01T08:00+01", to: "2026-12-01T08:15+01")
        // A deleted one frees its time too; the desk time rows are exactly the live appointments' 5-minute units.
        try db.query("DELETE FROM appointment WHERE id = $1", ["00000000-0000-0000-0000-000000000003"])
        try insert(db, id: "00000000-0000-0000-0000-000000000006", from: "2026-12-01T08:15+01", to: "2026-12-01T08:30+01")
        #expect(try db.query("SELECT count(*) FROM desk_time").scalar == "9")
        #expect(try db.query("""
            SELECT count(*) FROM appointment a, termin_span_units(a.span) u
            WHERE a.status IN ('held', 'confirmed') AND NOT EXISTS (
              SELECT 1 FROM desk_time d WHERE d.desk_id = a.desk_id AND d.unit5 = u AND d.appointment_id = a.id)
            """).scalar == "0")
    }

    /// An appointment's desk must be a desk of its office (one composite foreign key), not merely some desk.
    @Test func anAppointmentOnAnotherOfficesDeskIsRefused() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.create())
        let foreign = try #require(Int(try db.query("SELECT min(id) FROM desk WHERE office_id <> 102522").scalar ?? ""))
        #expect {
            try insert(db, id: "00000000-0000-0000-0000-000000000001", desk: foreign, from: "2026-12-01T08:00+01", to: "2026-12-01T08:15+01")
        } throws: { ($0 as! PostgresError).sqlState == "23503" }
        #expect(try db.query("SELECT count(*) FROM appointment").scalar == "0")
        #expect(try db.query("SELECT count(*) FROM desk_time").scalar == "0")
    }

    /// Every table that points at an appointment can be searched by that appointment through an index: deleting an
    /// appointment checks each such foreign key, and the outbox looks its mails' entries up by booking. Without one,
    /// each lookup reads the whole table, which grows with every booking.
    @Test func everyForeignKeyIntoAppointmentHasAnIndex() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.create())
        let unindexed = try db.query("""
            SELECT c.conname FROM pg_constraint c
            WHERE c.contype = 'f' AND c.confrelid = 'appointment'::regclass
              AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid
                                AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey)
            """).rows.compactMap { $0.first ?? nil }
        #expect(unindexed.isEmpty, "foreign keys into appointment without an index: \(unindexed)")
        #expect(try db.query("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND confrelid = 'appointment'::regclass")
                    .scalar.flatMap { Int($0) } ?? 0 >= 5, "the tables that point at appointments are all seen")
    }

    @Test func reviving_a_cancelled_appointment_into_an_overlap_is_refused() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.create())
        try insert(db, id: "00000000-0000-0000-0000-000000000001", from: "2026-12-01T08:00+01", to: "2026-12-01T08:15+01", status: "cancelled")
        try insert(db, id: "00000000-0000-0000-0000-000000000002", from: "2026-12-01T08:00+01", to: "2026-12-01T08:15+01")
        #expect(throws: PostgresError.self) {
            try db.query("UPDATE appointment SET status = 'confirmed' WHERE id = $1", ["00000000-0000-0000-0000-000000000001"])
        }
    }
}
