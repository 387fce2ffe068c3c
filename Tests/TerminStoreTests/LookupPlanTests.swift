import Testing
import TerminCore
import TerminPostgres
import TerminTestSupport
@testable import TerminStore

/// Lookups of a batch's values (idempotency keys, citizens' identities), passes over a list (the earlier-time list) and
/// the ledger's rebuild read the rows they look for through an index, never the whole `appointment` table, which keeps
/// every booking the city has had. They do so as a prepared statement's generic plan, which is how the engine runs
/// them, and the lookups also while the planner's statistics still describe the table as it was before those rows
/// were stored (the minutes after a day's release, or after a feature is switched on). Written plainly, each was
/// planned as a scan of every appointment.
@Suite struct LookupPlanTests {
    /// A fresh database whose statistics were taken with no appointment, then `count` cancelled appointments made by
    /// `values` (SQL of `g`, 1…`count`, for the columns `columns`).
    static func databaseWithStaleStatistics(count: Int, columns: String, values: String) throws -> PostgresConnection {
        let db = try PostgresConnection(conninfo: try TestDatabase.create())
        try db.execute("ANALYZE appointment")
        try db.execute("""
            INSERT INTO appointment (id, office_id, desk_id, day, start_unit, units, span, channel, status, code_hash,
              created_at, cancelled_at, service_ids, quantities, \(columns))
            SELECT gen_random_uuid(), 102522, 10252201, '2026-12-01', 84, 3,
              tstzrange('2026-12-01 07:00+01', '2026-12-01 07:15+01'), 'online', 'cancelled', '\\x00', now(), now(),
              '{1063441}', '{1}', \(values)
            FROM generate_series(1, \(count)) g
            """)
        return db
    }

    /// Stores `count` confirmed bookings one after the other from 2025-01-01, each with its desk time.
    static func storePastBookings(_ count: Int, _ db: PostgresConnection) throws {
        try db.execute("""
            INSERT INTO appointment (id, office_id, desk_id, day, start_unit, units, span, channel, status, code_hash,
              created_at, service_ids, quantities)
            SELECT gen_random_uuid(), 102522, 10252201, (x.t AT TIME ZONE 'Europe/Berlin')::date, 0, 3,
              tstzrange(x.t, x.t + interval '15 minutes'), 'online', 'confirmed', '\\x00', now(), '{1063441}', '{1}'
            FROM generate_series(1, \(count)) g,
              LATERAL (SELECT '2025-01-01 00:00+01'::timestamptz + make_interval(mins => 15 * g) AS t) x
            """)
    }

    /// The rows of `appointment` that `statement`'s generic plan reads when run with `arguments` (SQL literals): the
    /// rows its scans of the table return and those their filters removed. Also returns the plan, for a failure's message.
    static func appointmentRowsRead(_ statement: String, types: String, arguments: String,
                                    _ db: PostgresConnection) throws -> (rows: Int, plan: String) {
        try db.execute("SET plan_cache_mode = force_generic_plan")
        try db.execute("PREPARE lookup(\(types)) AS \(statement)")
        return try rowsRead(of: "appointment", executing: "lookup(\(arguments))", db)
    }

    /// The rows of `table` that the prepared statement `execution` (its name and arguments) reads as it runs.
    static func rowsRead(of table: String, executing execution: String, _ db: PostgresConnection) throws -> (rows: Int, plan: String) {
        let plan = try db.query("EXPLAIN (ANALYZE, TIMING OFF, SUMMARY OFF) EXECUTE \(execution)")
            .rows.compactMap { $0.first ?? nil }
        var rowsRead = 0, loops = 0
        var inScanOfTable = false
        for line in plan {
            if let node = line.firstMatch(of: /actual rows=(\d+) loops=(\d+)/) {
                inScanOfTable = line.contains(" on \(table)")
                loops = Int(node.2)!
                if inScanOfTable { rowsRead += Int(node.1)! * loops }
            } else if inScanOfTable, let removed = line.firstMatch(of: /Rows Removed by Filter: (\d+)/) {
                rowsRead += Int(removed.1)! * loops
            }
        }
        #expect(plan.contains { $0.contains(" on \(table)") }, "the plan reads \(table)")
        return (rowsRead, plan.joined(separator: "\n"))
    }

    @Test func aKeyLookupReadsOnlyTheKeysAskedFor() throws {
        let db = try Self.databaseWithStaleStatistics(count: 2000,
                                                      columns: "idempotency_key, idempotency_fingerprint, idempotency_code",
                                                      values: "'key-' || g, '\\x00', 'code'")
        let read = try Self.appointmentRowsRead(IdempotencyRepository.answersStatement, types: "text[], text[]",
                                                arguments: "'{key-7,absent,key-1999}', '{a,b,c}'", db)
        #expect(read.rows <= 3, "one row at most per key asked\n\(read.plan)")
        #expect(try IdempotencyRepository.answers([.init(key: "key-1999", fingerprint: "f")], db).first??.code == "code")
    }

    @Test func aCitizensStandingReadsOnlyTheirOwnAppointments() throws {
        let db = try Self.databaseWithStaleStatistics(count: 2000, columns: "identity_hash", values: "sha256(g::text::bytea)")
        let read = try Self.appointmentRowsRead(
            IdentityRepository.standingsStatement, types: "text[], timestamptz, timestamptz",
            arguments: "ARRAY[encode(sha256('7'), 'hex'), encode(sha256('absent'), 'hex')], now(), now() - interval '1 day'", db)
        #expect(read.rows <= 2, "one row at most per identity asked\n\(read.plan)")
        let seven = CitizenIdentity(hash: SHA256.hash("7"), field: "contact.email"), epoch = Instant(secondsSinceEpoch: 0)
        let standings = try IdentityRepository.standings([seven], now: epoch, cancelledSince: epoch, db)
        #expect(standings[seven.hash]?.cancellations.count == 1)
    }

    /// The ledger's rebuild reads the holds and the bookings still to come, however many are past.
    @Test func theLedgersRebuildReadsOnlyWhatIsStillToCome() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.create())
        try Self.storePastBookings(2000, db)
        try db.execute("""
            INSERT INTO appointment (id, office_id, desk_id, day, start_unit, units, span, channel, status, expires_at,
              code_hash, created_at, service_ids, quantities)
            VALUES ('00000000-0000-0000-0000-000000000001', 102522, 10252201, '2027-01-04', 108, 3,
                    tstzrange('2027-01-04 09:00+01', '2027-01-04 09:15+01'), 'online', 'confirmed', NULL, '\\x00', now(),
                    '{1063441}', '{1}'),
                   ('00000000-0000-0000-0000-000000000002', 102522, 10252201, '2027-01-05', 108, 3,
                    tstzrange('2027-01-05 09:00+01', '2027-01-05 09:15+01'), 'online', 'held', now(), '\\x00', now(),
                    '{1063441}', '{1}')
            """)
        try db.execute("VACUUM ANALYZE appointment")
        try db.execute("VACUUM ANALYZE desk_time")
        let today = LocalDate(iso: "2026-12-01")!
        let firstUnit = BerlinTime.instant(date: today, minuteOfDay: 0).secondsSinceEpoch / 300
        let read = try Self.appointmentRowsRead(AppointmentRepository.liveStatement, types: "date, bigint",
                                                arguments: "'\(today)', \(firstUnit)", db)
        #expect(read.rows <= 2, "one row at most per hold or booking to come\n\(read.plan)")
        #expect(Set(try AppointmentRepository.live(from: today, db).map(\.id))
                == ["00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002"])
    }

    @Test func aPassOverTheEarlierListReadsOnlyTheWishesBookings() throws {
        let db = try Self.databaseWithStaleStatistics(count: 2000, columns: "contact_email", values: "'someone@example.org'")
        try db.execute("""
            INSERT INTO appointment (id, office_id, desk_id, day, start_unit, units, span, channel, status, code_hash,
              created_at, service_ids, quantities, contact_email)
            VALUES ('00000000-0000-0000-0000-000000000001', 102522, 10252201, '2026-12-01', 84, 3,
              tstzrange('2026-12-01 07:00+01', '2026-12-01 07:15+01'), 'online', 'confirmed', '\\x00', now(), '{1063441}',
              '{1}', 'erika@example.org');
            INSERT INTO earlier_wish (appointment_id, revision, opted_at) VALUES ('00000000-0000-0000-0000-000000000001', 0, now());
            """)
        let read = try Self.appointmentRowsRead(
            "SELECT w.place \(EarlierListRepository.waitingSource)",
            types: "timestamptz, int, bigint[], int", arguments: "'2026-11-30T09:00:00+01:00', 3, '{102522}', 10", db)
        #expect(read.rows <= 1, "one booking at most per wish\n\(read.plan)")
        let waiting = try EarlierListRepository.waiting(officeIDs: [102522], offersMax: 3,
                                                        now: AppointmentRepositoryTests.now, limit: 10, db)
        #expect(waiting.map(\.booking.id) == ["00000000-0000-0000-0000-000000000001"])
    }

    /// A batch of new bookings checks each one's desk time by its key on the writer's connection, also with a plan made
    /// while the statistics said there was no desk time at all (a new deployment's first minutes, or after a purge)
    /// and kept as desk time grew. Planned freely, that check was a scan of all desk time for every booking.
    @Test func aBatchOfBookingsChecksDeskTimeByItsKeyWithAPlanMadeWhenThereWasNone() throws {
        let db = try BatchWrite.connect(conninfo: try TestDatabase.create(), applicationName: "termin-test")
        try db.execute("ANALYZE desk_time")
        try db.execute("SET plan_cache_mode = force_generic_plan")
        try db.execute("""
            PREPARE book(uuid[], bigint[], bigint[], date[], int[], int[], timestamptz[], timestamptz[], text[], text[],
                         timestamptz[], text[], text[], text[], timestamptz[], text[], text[], text[], text[], text[], text[],
                         text[])
              AS \(AppointmentRepository.InsertStatement.plain)
            """)
        let booking = """
            '{00000000-0000-0000-0000-000000000001}', '{102522}', '{10252201}', '{2027-06-01}', '{84}', '{3}',
            '{2027-06-01 07:00+02}', '{2027-06-01 07:15+02}', '{online}', '{confirmed}', '{NULL}', '{code}', '{NULL}',
            '{NULL}', '{2026-12-01 10:00+01}', '{"{1063441}"}', '{"{1}"}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}'
            """
        try db.execute("EXPLAIN EXECUTE book(\(booking))")   // planned now, with no desk time
        try Self.storePastBookings(2000, db)
        let read = try Self.rowsRead(of: "desk_time", executing: "book(\(booking))", db)
        #expect(read.rows <= 3, "the booking's own desk time at most\n\(read.plan)")
        #expect(try db.query("SELECT count(*) FROM desk_time WHERE appointment_id = '00000000-0000-0000-0000-000000000001'")
                    .rows.first?.first == "3")
        // A table no key can search (the webhook receivers) is still read, without compiling the statement first.
        let scan = try db.query("EXPLAIN (ANALYZE, TIMING OFF) SELECT id FROM webhook_receiver WHERE 'booking.created' = ANY (events)")
            .rows.compactMap { $0.first ?? nil }
        #expect(scan.contains { $0.contains("Seq Scan on webhook_receiver") } && !scan.contains { $0.contains("JIT") },
                "\(scan.joined(separator: "\n"))")
    }
}
