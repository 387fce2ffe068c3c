import TerminCore
import TerminPostgres

/// Holds and bookings in PostgreSQL. Every function takes the connection so callers compose transactions; rows are
/// read through `AppointmentColumns`, and every change returns the rows it changed (`RETURNING`), never a second read.
public enum AppointmentRepository {
    /// One appointment to insert, with what is stored beside it.
    public struct NewRow: Sendable {
        public let appointment: Appointment
        /// The citizen's code, for bookings (only its SHA-256 is stored).
        public let code: String?
        /// When it was made.
        public let now: Instant
        /// The citizen's identity hash (`CitizenIdentity.hash`) for the per-identity caps: online bookings when they
        /// are on.
        public let identityHash: [UInt8]?
        /// The client's idempotency key, stored with the row in the same statement (with `code`, for the replay).
        public let idempotency: WritePlan.Idempotency?

        public init(_ appointment: Appointment, code: String?, now: Instant, identityHash: [UInt8]? = nil,
                    idempotency: WritePlan.Idempotency? = nil) {
            precondition(appointment.status == .held ? appointment.expiresAt != nil : code != nil,
                         "a hold runs out, a booking has its code")
            precondition(idempotency == nil || code != nil, "a keyed row carries the code its replay answers with")
            self.appointment = appointment
            self.code = code
            self.now = now
            self.identityHash = identityHash
            self.idempotency = idempotency
        }
    }

    /// What `insert` did with its rows.
    public struct Inserted: Sendable {
        /// The ids of the rows inserted.
        public var ids: Set<String> = []
        /// Rows not inserted because their idempotency key was stored before, by row id: the first answer.
        public var prior: [String: IdempotencyRepository.Answer] = [:]
    }

    /// Inserts holds and bookings, with the idempotency keys of those that carry one, by one statement. A row whose
    /// desk time is taken by a committed appointment is skipped (`deskTimeFree`), and so is one that overlaps an
    /// earlier-starting row of `rows` on its desk; one whose time (or key) an uncommitted transaction takes waits for it
    /// and, if that commits, fails the statement on `desk_time`'s key (or the key's unique index: SQLSTATE 23505; write
    /// it again). The rows must not repeat a key. (No `ON CONFLICT`: the ids are new random UUIDs, and PostgreSQL's
    /// speculative insertion for it cost a lock and an index probe per row.)
    /// - Parameter checkingKeys: look each key up first: a row whose key was stored before is not inserted, and its
    ///   first answer is returned instead. Without, a key stored before fails the statement (23505) instead: the
    ///   writer's first try, since nearly every key is new (a repeat finds its time taken and is answered from the
    ///   key by a replay), and the lookup costs a probe per keyed row; the writer's retry checks.
    public static func insert(_ rows: [NewRow], checkingKeys: Bool = true, _ db: PostgresConnection) throws -> Inserted {
        let rows = withoutOverlaps(rows)
        guard !rows.isEmpty else { return Inserted() }
        assert(Set(rows.compactMap(\.idempotency?.key)).count == rows.count(where: { $0.idempotency != nil }),
               "one statement stores a key once")
        func column(_ value: (NewRow) -> String?) -> String { PostgresArray.literal(rows.map(value)) }
        let parameters = [column { $0.appointment.id }, column { String($0.appointment.run.officeID) },
                          column { String($0.appointment.run.deskID) }, column { $0.appointment.run.date.description },
                          column { String($0.appointment.run.startUnit) }, column { String($0.appointment.run.units) },
                          column { BerlinTime.format($0.appointment.start) }, column { BerlinTime.format($0.appointment.end) },
                          column { $0.appointment.channel.rawValue }, column { $0.appointment.status.rawValue },
                          column { $0.appointment.expiresAt.map(BerlinTime.format) }, column { $0.code },
                          column { $0.appointment.contact?.name }, column { $0.appointment.contact?.email },
                          column { BerlinTime.format($0.now) }, column { arrayLiteral($0.appointment.services.map(\.serviceID)) },
                          column { arrayLiteral($0.appointment.services.map(\.quantity)) },
                          column { $0.identityHash.map(Hex.encode) }, column { $0.idempotency?.key },
                          column { $0.idempotency?.fingerprint }, column { $0.appointment.contact?.language?.rawValue },
                          column { $0.appointment.contact?.phone }]
        let checking = checkingKeys && rows.contains { $0.idempotency != nil }
        var outcome = Inserted()
        for values in try db.query(checking ? InsertStatement.checkingKeys : InsertStatement.plain, parameters).rows {
            let row = try InsertColumns.selection.row(values)
            let id = try row[InsertColumns.id]
            if let sameRequest = try row[InsertColumns.sameRequest] {
                outcome.prior[id] = IdempotencyRepository.Answer(sameRequest: sameRequest,
                                                                 appointmentID: try row[InsertColumns.firstID]!,
                                                                 code: try row[InsertColumns.firstCode]!)
            } else {
                outcome.ids.insert(id)
            }
        }
        return outcome
    }

    /// The two forms of `insert`'s statement: as it is, and with keys looked up first. Each returns the rows
    /// `InsertColumns` reads.
    enum InsertStatement {
        static let input = """
            unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::date[], $5::int[], $6::int[], $7::timestamptz[],
                   $8::timestamptz[], $9::text[], $10::text[], $11::timestamptz[], $12::text[], $13::text[],
                   $14::text[], $15::timestamptz[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[], $21::text[],
                   $22::text[])
              AS input(id, office_id, desk_id, day, start_unit, units, lo, hi, channel, status, expires_at, code,
                       contact_name, contact_email, now_at, service_ids, quantities, identity, key, fingerprint, language,
                       phone)
            """

        static func appointments(from source: String, unlessPrior: Bool, returning: String) -> String {
            """
            INSERT INTO appointment (id, office_id, desk_id, day, start_unit, units, span, channel, status, expires_at,
              code_hash, contact_name, contact_email, contact_language, created_at, confirmed_at, service_ids, quantities, identity_hash,
              idempotency_key, idempotency_fingerprint, idempotency_code, contact_phone)
            SELECT id, office_id, desk_id, day, start_unit, units, tstzrange(lo, hi), channel, status, expires_at,
              sha256(convert_to(code, 'UTF8')), contact_name, contact_email, language, now_at,
              CASE WHEN status = 'confirmed' THEN now_at END, service_ids::bigint[], quantities::int[], decode(identity, 'hex'),
              key, sha256(convert_to(fingerprint, 'UTF8')), CASE WHEN key IS NOT NULL THEN code END, phone
            FROM \(source)
            WHERE (status NOT IN ('held', 'confirmed') OR \(deskTimeFree(desk: "input.desk_id", span: "tstzrange(input.lo, input.hi)")))
            \(unlessPrior ? "AND NOT EXISTS (SELECT 1 FROM prior WHERE prior.id = input.id)" : "")
            RETURNING \(returning)
            """
        }

        static let plain = appointments(from: input, unlessPrior: false, returning: "id, NULL::bool, NULL::uuid, NULL::text")
        static let checkingKeys = """
            WITH input AS (SELECT * FROM \(input)), prior AS (
              SELECT input.id, a.idempotency_fingerprint = sha256(convert_to(input.fingerprint, 'UTF8')) AS same,
                a.id AS appointment_id, a.idempotency_code AS code
              FROM input \(IdempotencyRepository.storing(keysOf: "input"))
            ), inserted AS (
            \(appointments(from: "input", unlessPrior: true, returning: "id"))
            )
            SELECT id, NULL::bool, NULL::uuid, NULL::text FROM inserted
            UNION ALL SELECT id, same, appointment_id, code FROM prior
            """
    }

    /// The rows `insert` returns: an inserted row's id, or a keyed row's id with its key's first answer.
    private enum InsertColumns {
        static let id = PostgresColumn("id", PostgresText.text)
        static let sameRequest = PostgresColumn<Bool?>.optional("same", PostgresText.bool)
        static let firstID = PostgresColumn<String?>.optional("appointment_id", PostgresText.text)
        static let firstCode = PostgresColumn<String?>.optional("code", PostgresText.text)
        static let selection = PostgresSelection(id, sameRequest, firstID, firstCode)
    }

    /// SQL that is true when the desk's span is free of live appointments as far as the statement sees (`desk` and `span`
    /// qualified: inside, `d` is `desk_time`): writers skip
    /// a taken row with it before `desk_time`'s key would refuse the statement. Written into each statement (a SQL
    /// function holding a subquery is not inlined and would cost a function call per row).
    static func deskTimeFree(desk: String, span: String) -> String {
        """
        NOT EXISTS (SELECT 1 FROM desk_time d WHERE d.desk_id = \(desk)
          AND d.unit5 >= extract(epoch FROM lower(\(span)))::bigint / 300 AND d.unit5 < extract(epoch FROM upper(\(span)))::bigint / 300)
        """
    }

    /// `rows` in their order without the live ones that overlap an earlier-starting live row on the same desk (one
    /// statement must not claim desk time twice: `desk_time`'s key would refuse the whole statement).
    static func withoutOverlaps(_ rows: [NewRow]) -> [NewRow] {
        let live = rows.indices.filter { rows[$0].appointment.status.isLive }.sorted {
            (rows[$0].appointment.run.deskID, rows[$0].appointment.start, $0) < (rows[$1].appointment.run.deskID, rows[$1].appointment.start, $1)
        }
        var dropped = Set<Int>()
        var desk: Int?, keptEnd = Instant(secondsSinceEpoch: .min)
        for index in live {
            let appointment = rows[index].appointment
            if appointment.run.deskID != desk {
                desk = appointment.run.deskID
                keptEnd = appointment.end
            } else if appointment.start < keptEnd {
                dropped.insert(index)
            } else {
                keptEnd = appointment.end
            }
        }
        return dropped.isEmpty ? rows : rows.indices.filter { !dropped.contains($0) }.map { rows[$0] }
    }

    /// `{1063441,1063453}`: integers as an array literal.
    static func arrayLiteral(_ values: [Int]) -> String { "{" + values.map(String.init).joined(separator: ",") + "}" }

    /// Why a hold could not be confirmed.
    public enum ConfirmFailure: Error, Sendable, Equatable {
        case unknown
        case expired
        case alreadyConfirmed
    }

    /// Turns a live hold into a booking carrying `code` and the contact data (and, if it was made online, the
    /// citizen's identity). A hold that is an earlier time offered to a booking is not confirmed (`unknown`): only
    /// that booking may take it, by moving onto it.
    public static func confirmHold(id: String, code: String, contact: Appointment.Contact?, identity: CitizenIdentity? = nil,
                                   now: Instant, _ db: PostgresConnection) throws -> Result<Appointment, ConfirmFailure> {
        guard isUUID(id) else { return .failure(.unknown) }
        let updated = try AppointmentColumns.decode(try db.query("""
            UPDATE appointment a SET status = 'confirmed', code_hash = sha256(convert_to($2, 'UTF8')),
              contact_name = $3, contact_email = $4, contact_language = $7, contact_phone = $8, confirmed_at = $5, expires_at = NULL,
              identity_hash = CASE WHEN a.channel = 'online' THEN decode($6, 'hex') END
            WHERE a.id = $1 AND a.status = 'held' AND a.expires_at > $5
              AND NOT EXISTS (SELECT 1 FROM earlier_wish w WHERE w.offer_hold_id = a.id)
            RETURNING \(AppointmentColumns.selection.sql)
            """, [id, code, contact?.name, contact?.email, BerlinTime.format(now), identity?.hex, contact?.language?.rawValue,
                  contact?.phone]))
        if let confirmed = updated.first { return .success(confirmed) }
        guard let existing = try fetch(id: id, db) else { return .failure(.unknown) }
        switch existing.status {
        case .confirmed: return .failure(.alreadyConfirmed)
        case .held where existing.expiresAt! > now: return .failure(.unknown)   // an earlier time offered to a booking
        default: return .failure(.expired)
        }
    }

    /// The appointment `id`, whoever holds its code (for internal use: replays and expiry).
    public static func fetch(id: String, _ db: PostgresConnection) throws -> Appointment? {
        guard isUUID(id) else { return nil }
        return try AppointmentColumns.decode(try db.query("""
            SELECT \(AppointmentColumns.selection.sql) FROM appointment a WHERE a.id = $1
            """, [id])).first
    }

    /// The booking `id` if `code` is its secret code; `nil` otherwise, so ids cannot be probed.
    public static func fetch(id: String, code: String, _ db: PostgresConnection) throws -> Appointment? {
        guard isUUID(id) else { return nil }
        return try AppointmentColumns.decode(try db.query("""
            SELECT \(AppointmentColumns.selection.sql) FROM appointment a
            WHERE a.id = $1 AND a.code_hash = sha256(convert_to($2, 'UTF8')) AND a.status IN ('confirmed', 'cancelled', 'no_show')
            """, [id, code])).first
    }

    /// What became of a cancellation.
    public enum Cancellation: Sendable, Equatable {
        /// Cancelled now.
        case cancelled(Appointment)
        /// It was not confirmed (cancelled before, or a no-show): it stands as it is.
        case notConfirmed(Appointment)
        /// Its office's cut-off (`change_cutoff_minutes` before the start) has passed; it stands.
        case pastCutoff(Appointment)
    }

    /// Cancels a confirmed booking: by the holder of its `code` only until its cut-off before the start; by staff
    /// (`code` nil) at any time. `nil` when id and code do not match a booking.
    public static func cancel(id: String, code: String?, now: Instant, _ db: PostgresConnection) throws -> Cancellation? {
        guard isUUID(id) else { return nil }
        let cancelled = try AppointmentColumns.decode(try db.query("""
            UPDATE appointment a SET status = 'cancelled', cancelled_at = $3, cancelled_by_staff = $2::text IS NULL
            WHERE a.id = $1 AND ($2::text IS NULL OR a.code_hash = sha256(convert_to($2, 'UTF8'))) AND a.status = 'confirmed'
              AND ($2::text IS NULL OR lower(a.span) >= $3::timestamptz
                   + make_interval(mins => termin_change_cutoff_minutes(a.office_id, a.service_ids)))
            RETURNING \(AppointmentColumns.selection.sql)
            """, [id, code, BerlinTime.format(now)]))
        if let appointment = cancelled.first { return .cancelled(appointment) }
        let standing = try code.map { try fetch(id: id, code: $0, db) } ?? fetch(id: id, db)
        guard let standing, standing.status != .held, standing.status != .expired else { return nil }
        return standing.status == .confirmed ? .pastCutoff(standing) : .notConfirmed(standing)
    }

    /// The ids of at most `limit` holds that are over by `now`, the longest expired first: those that ran out, then the
    /// earlier times still held for a booking that is no longer confirmed (cancelled, or a no-show), which no one can take.
    public static func dueHolds(now: Instant, limit: Int, _ db: PostgresConnection) throws -> [String] {
        let ranOut = try idColumn.decode(try db.query("""
            SELECT a.id FROM appointment a WHERE a.status = 'held' AND a.expires_at <= $1 ORDER BY a.expires_at LIMIT $2
            """, [BerlinTime.format(now), String(limit)])) { row throws(PostgresError) in try row[AppointmentColumns.id] }
        guard ranOut.count < limit else { return ranOut }
        return ranOut + (try idColumn.decode(try db.query("""
            SELECT a.id FROM earlier_wish w JOIN appointment a ON a.id = w.offer_hold_id
            WHERE w.offer_expires_at > $1 AND a.status = 'held' AND a.expires_at > $1 AND \(offerEnded)
            ORDER BY a.expires_at LIMIT $2
            """, [BerlinTime.format(now), String(limit - ranOut.count)])) { row throws(PostgresError) in try row[AppointmentColumns.id] })
    }

    /// Marks the holds among `ids` that are still held and over by `now` (see `dueHolds`) as expired and returns them,
    /// so their time can be freed.
    public static func expireHolds(ids: [String], now: Instant, _ db: PostgresConnection) throws -> [Appointment] {
        guard !ids.isEmpty else { return [] }
        return try AppointmentColumns.decode(try db.query("""
            UPDATE appointment a SET status = 'expired'
            WHERE a.id = ANY($1::uuid[]) AND a.status = 'held'
              AND (a.expires_at <= $2 OR EXISTS (SELECT 1 FROM earlier_wish w WHERE w.offer_hold_id = a.id AND \(offerEnded)))
            RETURNING \(AppointmentColumns.selection.sql)
            """, [PostgresArray.literal(ids), BerlinTime.format(now)]))
    }

    /// Whether the booking of earlier wish `w` is no longer confirmed, so the earlier time held for it is over. (A
    /// booking moved meanwhile, or taken off the list, may still take its offer.)
    private static let offerEnded = """
        NOT EXISTS (SELECT 1 FROM appointment b WHERE b.id = w.appointment_id AND b.status = 'confirmed')
        """

    /// The appointments among `ids`, whoever holds their codes (for internal use: replays, holds to confirm). An id
    /// that is no UUID (a client's) names none.
    public static func fetch(ids: [String], _ db: PostgresConnection) throws -> [Appointment] {
        let valid = ids.filter(isUUID)
        guard !valid.isEmpty else { return [] }
        return try AppointmentColumns.decode(try db.query("""
            SELECT \(AppointmentColumns.selection.sql) FROM appointment a WHERE a.id = ANY($1::uuid[])
            """, [PostgresArray.literal(valid)]))
    }

    private static let idColumn = PostgresSelection(AppointmentColumns.id)

    /// What the ledger is rebuilt from: every hold still marked held (the sweeper expires the stale ones and frees
    /// them through the ledger) and every booking on or after `date`.
    public static func live(from date: LocalDate, _ db: PostgresConnection) throws -> [Appointment] {
        let firstUnit = BerlinTime.instant(date: date, minuteOfDay: 0).secondsSinceEpoch / 300
        return try AppointmentColumns.decode(try db.query(liveStatement, [date.description, String(firstUnit)]))
    }

    /// `live`'s statement: `$1` the first day, `$2` its first 5-minute unit. Bookings are found through their desk
    /// time from that unit on (every live appointment owns its units, `Sql/009_desk_time_rows.sql`; a day's units lie
    /// within it), each desk's by its key, so the rebuild (at start, after a lost notification connection, after every
    /// change of master data) reads the bookings still to come, not every appointment the city has had. Holds through
    /// their own index.
    static let liveStatement = """
        SELECT \(AppointmentColumns.selection.sql) FROM appointment a WHERE a.status = 'held'
        UNION ALL
        SELECT \(AppointmentColumns.selection.sql) FROM desk k
        CROSS JOIN LATERAL (SELECT DISTINCT t.appointment_id FROM desk_time t WHERE t.desk_id = k.id AND t.unit5 >= $2) t
        CROSS JOIN LATERAL (SELECT * FROM appointment WHERE id = t.appointment_id AND status = 'confirmed' AND day >= $1
                            OFFSET 0) a
        """

    /// Erases the contact data of at most `limit` appointments whose day is before `before` (data protection: kept
    /// only as long as the office may need to reach the citizen). Returns how many were erased.
    @discardableResult
    public static func eraseContacts(before: LocalDate, limit: Int, _ db: PostgresConnection) throws -> Int {
        // And of the waiting lists of sessions before that day (seated or not).
        try db.query("""
            UPDATE session_wait w SET contact_name = NULL, contact_email = NULL, contact_language = NULL
            FROM group_session g WHERE g.id = w.session_id AND g.day < $1 AND w.contact_email IS NOT NULL
            """, [before.description])
        return try db.query("""
            UPDATE appointment SET contact_name = NULL, contact_email = NULL, contact_language = NULL, contact_phone = NULL
            WHERE id IN (SELECT id FROM appointment WHERE day < $1
                           AND (contact_name IS NOT NULL OR contact_email IS NOT NULL OR contact_phone IS NOT NULL)
                         LIMIT $2)
            RETURNING id
            """, [before.description, String(limit)]).count
    }

    /// Whether `text` is a UUID in canonical form (anything else cannot be an id, and must not reach a uuid cast).
    public static func isUUID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard (byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 102) || (byte >= 65 && byte <= 70) else { return false }
            }
        }
        return true
    }
}

extension AppointmentRepository {
    /// The bookings of an office's day that are (or were) kept: confirmed and no-shows, in start order.
    public static func bookings(officeID: Int, date: LocalDate, _ db: PostgresConnection) throws -> [Appointment] {
        try AppointmentColumns.decode(try db.query("""
            SELECT \(AppointmentColumns.selection.sql) FROM appointment a
            WHERE a.office_id = $1 AND a.day = $2 AND a.status IN ('confirmed', 'no_show') ORDER BY lower(a.span)
            """, [String(officeID), date.description]))
    }

    /// An office's confirmed bookings on `from` and later days, in start order.
    public static func confirmed(officeID: Int, from: LocalDate, _ db: PostgresConnection) throws -> [Appointment] {
        try AppointmentColumns.decode(try db.query("""
            SELECT \(AppointmentColumns.selection.sql) FROM appointment a
            WHERE a.office_id = $1 AND a.day >= $2 AND a.status = 'confirmed' ORDER BY lower(a.span), a.id
            """, [String(officeID), from.description]))
    }

    /// Marks the confirmed bookings among `ids` at office `officeID` that started by `startedBy` and whose citizens did
    /// not come (no ticket checks them in) as no-shows; returns those it changed. A booking moved since it was found
    /// lapsed (to a later time, or to another office) is not one.
    public static func markNoShows(ids: [String], officeID: Int, startedBy: Instant, _ db: PostgresConnection) throws -> [Appointment] {
        guard !ids.isEmpty else { return [] }
        return try AppointmentColumns.decode(try db.query("""
            UPDATE appointment a SET status = 'no_show' WHERE a.id = ANY($1::uuid[]) AND a.status = 'confirmed'
              AND a.office_id = $2 AND lower(a.span) <= $3
              AND NOT EXISTS (SELECT 1 FROM queue_ticket t WHERE t.appointment_id = a.id AND t.office_id = a.office_id
                              AND t.day = a.day)
            RETURNING \(AppointmentColumns.selection.sql)
            """, [PostgresArray.literal(ids), String(officeID), BerlinTime.format(startedBy)]))
    }
}
