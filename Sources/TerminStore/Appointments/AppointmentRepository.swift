import TerminCore
import TerminPostgres

/// Holds and bookings in PostgreSQL. Every function takes the connection so callers compose transactions.
public enum AppointmentRepository {
    static let columns = """
        a.id, a.office_id, a.desk_id, a.day, a.start_unit, a.units, a.channel, a.status,
        extract(epoch FROM lower(a.span))::bigint, extract(epoch FROM upper(a.span))::bigint,
        extract(epoch FROM a.expires_at)::bigint, a.contact_name, a.contact_email,
        array_to_string(a.service_ids, ','), array_to_string(a.quantities, ',')
        """

    /// Inserts a hold (`.held`, with `expiresAt`) or a booking (`.confirmed`, with the citizen's `code`).
    /// - Throws: `PostgresError` whose `isConflict` is true when the desk time is taken in the database.
    public static func insert(_ record: Appointment, code: String?, now: Instant, _ db: PostgresConnection) throws {
        precondition(record.status == .held ? record.expiresAt != nil : code != nil)
        try db.query("""
            INSERT INTO appointment (id, office_id, desk_id, day, start_unit, units, span, channel, status, expires_at,
              code_hash, contact_name, contact_email, created_at, confirmed_at, service_ids, quantities)
            VALUES ($1, $2, $3, $4, $5, $6, tstzrange($7::timestamptz, $8::timestamptz), $9, $10, $11,
              sha256(convert_to($12, 'UTF8')), $13, $14, $15, CASE WHEN $10 = 'confirmed' THEN $15::timestamptz END,
              $16::bigint[], $17::int[])
            """, [record.id, String(record.run.officeID), String(record.run.deskID), record.run.date.description,
                  String(record.run.startUnit), String(record.run.units), BerlinTime.format(record.start),
                  BerlinTime.format(record.end), record.channel.rawValue, record.status.rawValue,
                  record.expiresAt.map(BerlinTime.format), code, record.contact?.name, record.contact?.email,
                  BerlinTime.format(now), serviceIDs(record), quantities(record)])
    }

    /// `{1063441,1063453}`: the services of an appointment as an array literal.
    static func serviceIDs(_ record: Appointment) -> String {
        "{" + record.services.map { String($0.serviceID) }.joined(separator: ",") + "}"
    }

    static func quantities(_ record: Appointment) -> String {
        "{" + record.services.map { String($0.quantity) }.joined(separator: ",") + "}"
    }

    /// Inserts many holds and bookings with one statement. A row whose desk time is taken is skipped (exclusion
    /// constraint, `ON CONFLICT DO NOTHING`). Returns the ids inserted.
    public static func insertBatch(_ rows: [(record: Appointment, code: String?, now: Instant)],
                                   _ db: PostgresConnection) throws -> [String] {
        guard !rows.isEmpty else { return [] }
        func column(_ value: (Appointment, String?, Instant) -> String?) -> String {
            PostgresArray.literal(rows.map { value($0.record, $0.code, $0.now) })
        }
        let inserted = try db.query("""
            INSERT INTO appointment (id, office_id, desk_id, day, start_unit, units, span, channel, status, expires_at,
              code_hash, contact_name, contact_email, created_at, confirmed_at, service_ids, quantities)
            SELECT id, office_id, desk_id, day, start_unit, units, tstzrange(lo, hi), channel, status, expires_at,
              sha256(convert_to(code, 'UTF8')), contact_name, contact_email, now_at,
              CASE WHEN status = 'confirmed' THEN now_at END, service_ids::bigint[], quantities::int[]
            FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::date[], $5::int[], $6::int[], $7::timestamptz[],
                        $8::timestamptz[], $9::text[], $10::text[], $11::timestamptz[], $12::text[], $13::text[],
                        $14::text[], $15::timestamptz[], $16::text[], $17::text[])
              AS input(id, office_id, desk_id, day, start_unit, units, lo, hi, channel, status, expires_at, code,
                       contact_name, contact_email, now_at, service_ids, quantities)
            ON CONFLICT DO NOTHING
            RETURNING id
            """, [column { r, _, _ in r.id }, column { r, _, _ in String(r.run.officeID) },
                  column { r, _, _ in String(r.run.deskID) }, column { r, _, _ in r.run.date.description },
                  column { r, _, _ in String(r.run.startUnit) }, column { r, _, _ in String(r.run.units) },
                  column { r, _, _ in BerlinTime.format(r.start) }, column { r, _, _ in BerlinTime.format(r.end) },
                  column { r, _, _ in r.channel.rawValue }, column { r, _, _ in r.status.rawValue },
                  column { r, _, _ in r.expiresAt.map(BerlinTime.format) }, column { _, code, _ in code },
                  column { r, _, _ in r.contact?.name }, column { r, _, _ in r.contact?.email },
                  column { _, _, now in BerlinTime.format(now) }, column { r, _, _ in serviceIDs(r) },
                  column { r, _, _ in quantities(r) }]).rows.map { $0.text(0) }
        return inserted
    }

    /// Deletes appointments written in the current transaction that must not stand.
    public static func delete(ids: [String], _ db: PostgresConnection) throws {
        try db.query("DELETE FROM appointment WHERE id = ANY($1::uuid[])", [PostgresArray.literal(ids)])
    }

    /// Why a hold could not be confirmed.
    public enum ConfirmFailure: Error, Sendable, Equatable {
        case unknown
        case expired
        case alreadyConfirmed
    }

    /// Turns a live hold into a booking carrying `code` and the contact data.
    public static func confirmHold(id: String, code: String, contact: Appointment.Contact?, now: Instant,
                                   _ db: PostgresConnection) throws -> Result<Appointment, ConfirmFailure> {
        let nowText = BerlinTime.format(now)
        let updated = try db.query("""
            UPDATE appointment SET status = 'confirmed', code_hash = sha256(convert_to($2, 'UTF8')),
              contact_name = $3, contact_email = $4, confirmed_at = $5, expires_at = NULL
            WHERE id = $1 AND status = 'held' AND expires_at > $5
            RETURNING id
            """, [id, code, contact?.name, contact?.email, nowText])
        if !updated.isEmpty, let record = try fetch(id: id, db) { return .success(record) }
        guard let existing = try fetch(id: id, db) else { return .failure(.unknown) }
        return .failure(existing.status == .confirmed ? .alreadyConfirmed : .expired)
    }

    /// The appointment `id`, whoever holds its code (for internal use: replays and expiry).
    public static func fetch(id: String, _ db: PostgresConnection) throws -> Appointment? {
        guard isUUID(id) else { return nil }
        return try db.query("SELECT \(columns) FROM appointment a WHERE a.id = $1", [id]).rows.first.map(record)
    }

    /// The booking `id` if `code` is its secret code; `nil` otherwise, so ids cannot be probed.
    public static func fetch(id: String, code: String, _ db: PostgresConnection) throws -> Appointment? {
        guard isUUID(id) else { return nil }
        return try db.query("""
            SELECT \(columns) FROM appointment a
            WHERE a.id = $1 AND a.code_hash = sha256(convert_to($2, 'UTF8')) AND a.status IN ('confirmed', 'cancelled')
            """, [id, code]).rows.first.map(record)
    }

    /// Cancels a confirmed booking. Returns the record as cancelled, and whether this call cancelled it (a second
    /// cancel changes nothing). `nil` when id and code do not match a booking.
    public static func cancel(id: String, code: String, now: Instant, _ db: PostgresConnection) throws
        -> (record: Appointment, cancelledNow: Bool)? {
        guard isUUID(id) else { return nil }
        let updated = try db.query("""
            UPDATE appointment SET status = 'cancelled', cancelled_at = $3
            WHERE id = $1 AND code_hash = sha256(convert_to($2, 'UTF8')) AND status = 'confirmed'
            RETURNING id
            """, [id, code, BerlinTime.format(now)])
        guard let record = try fetch(id: id, code: code, db) else { return nil }
        return (record, !updated.isEmpty)
    }

    /// Marks every hold that ran out by `now` as expired and returns them, so their time can be freed.
    public static func expireHolds(now: Instant, limit: Int, _ db: PostgresConnection) throws -> [Appointment] {
        let ids = try db.query("""
            UPDATE appointment SET status = 'expired'
            WHERE id IN (SELECT id FROM appointment WHERE status = 'held' AND expires_at <= $1
                         ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
            RETURNING id
            """, [BerlinTime.format(now), String(limit)]).rows.map { $0.text(0) }
        return try ids.compactMap { try fetch(id: $0, db) }
    }

    /// What the ledger is rebuilt from: every hold still marked held (the sweeper expires the stale ones and frees
    /// them through the ledger) and every booking on or after `date`.
    public static func live(from date: LocalDate, _ db: PostgresConnection) throws -> [Appointment] {
        try db.query("""
            SELECT \(columns) FROM appointment a
            WHERE a.status = 'held' OR (a.status = 'confirmed' AND a.day >= $1)
            """, [date.description]).rows.map(record)
    }

    // MARK: Idempotency keys

    /// A stored first answer for an idempotency key.
    public struct IdempotentAnswer: Sendable, Equatable {
        /// Whether the stored request had the same fingerprint.
        public let sameRequest: Bool
        public let appointmentID: String
        /// The citizen's code, so the replay carries it too.
        public let code: String
    }

    /// The answer stored for `key`, if any.
    public static func idempotentAnswer(key: String, fingerprint: String, _ db: PostgresConnection) throws -> IdempotentAnswer? {
        try db.query("""
            SELECT fingerprint = sha256(convert_to($2, 'UTF8')), appointment_id, code FROM idempotency_key WHERE key = $1
            """, [key, fingerprint]).rows.first.map {
            IdempotentAnswer(sameRequest: $0.bool(0), appointmentID: $0.text(1), code: $0.text(2))
        }
    }

    /// Records the first answer for `key`. Returns `false` when another request stored one first.
    public static func storeIdempotentAnswer(key: String, fingerprint: String, appointmentID: String, code: String,
                                             now: Instant, _ db: PostgresConnection) throws -> Bool {
        !(try db.query("""
            INSERT INTO idempotency_key (key, fingerprint, appointment_id, code, created_at)
            VALUES ($1, sha256(convert_to($2, 'UTF8')), $3, $4, $5) ON CONFLICT (key) DO NOTHING RETURNING key
            """, [key, fingerprint, appointmentID, code, BerlinTime.format(now)]).isEmpty)
    }

    /// Records many first answers; returns the appointment ids whose key was stored (a key another request, or an
    /// earlier row of the same batch, stored first is left out).
    public static func storeIdempotentAnswers(_ answers: [(key: String, fingerprint: String, appointmentID: String,
                                                           code: String, now: Instant)],
                                              _ db: PostgresConnection) throws -> [String] {
        try db.query("""
            INSERT INTO idempotency_key (key, fingerprint, appointment_id, code, created_at)
            SELECT key, sha256(convert_to(fingerprint, 'UTF8')), appointment_id, code, created_at
            FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::timestamptz[])
              AS input(key, fingerprint, appointment_id, code, created_at)
            ON CONFLICT (key) DO NOTHING RETURNING appointment_id
            """, [PostgresArray.literal(answers.map(\.key)), PostgresArray.literal(answers.map(\.fingerprint)),
                  PostgresArray.literal(answers.map(\.appointmentID)), PostgresArray.literal(answers.map(\.code)),
                  PostgresArray.literal(answers.map { BerlinTime.format($0.now) })]).rows.map { $0.text(0) }
    }

    /// Erases the contact data of appointments whose day is before `before` (data protection: kept only as long as
    /// the office may need to reach the citizen). Returns how many were erased.
    @discardableResult
    public static func eraseContacts(before: LocalDate, limit: Int, _ db: PostgresConnection) throws -> Int {
        try db.query("""
            UPDATE appointment SET contact_name = NULL, contact_email = NULL
            WHERE id IN (SELECT id FROM appointment WHERE day < $1 AND (contact_name IS NOT NULL OR contact_email IS NOT NULL)
                         LIMIT $2)
            RETURNING id
            """, [before.description, String(limit)]).count
    }

    /// Deletes idempotency keys older than `before`.
    public static func purgeIdempotencyKeys(before: Instant, _ db: PostgresConnection) throws {
        try db.query("DELETE FROM idempotency_key WHERE created_at < $1", [BerlinTime.format(before)])
    }

    static func record(_ row: [String?]) -> Appointment {
        let quantities = row.text(14).split(separator: ",").map { Int($0)! }
        let services = zip(row.text(13).split(separator: ","), quantities).map {
            ServiceRequest(serviceID: Int($0.0)!, quantity: $0.1)
        }
        precondition(!services.isEmpty && services.count == quantities.count, "an appointment has its services")
        let contact = (row[11] == nil && row[12] == nil) ? nil : Appointment.Contact(name: row[11], email: row[12])
        return Appointment(
            id: row.text(0),
            run: SlotRun(officeID: row.int(1), deskID: row.int(2), date: LocalDate(iso: row.text(3))!,
                         startUnit: row.int(4), units: row.int(5)),
            channel: Channel(rawValue: row.text(6))!, status: AppointmentStatus(rawValue: row.text(7))!,
            start: Instant(secondsSinceEpoch: Int64(row.text(8))!), end: Instant(secondsSinceEpoch: Int64(row.text(9))!),
            services: services, expiresAt: row[10].map { Instant(secondsSinceEpoch: Int64($0)!) }, contact: contact)
    }

    /// Whether `text` is a UUID in canonical form (anything else cannot be an id, and must not reach a uuid cast).
    public static func isUUID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard (byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 102) || (byte >= 65 && byte <= 70) else { return false }
            }
        }
        return true
    }
}
