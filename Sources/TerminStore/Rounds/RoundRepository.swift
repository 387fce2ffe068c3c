import TerminCore
import TerminPostgres

/// Release rounds and the requests they collect. The close is one transaction that holds the round's row lock
/// (`lockDue`): whichever instance gets the lock allocates, the others skip it, and a crash before the commit leaves
/// the round as it was, to be closed again.
public enum RoundRepository {
    /// A request as a round keeps it.
    public typealias StoredRequest = RoundRequest

    /// What the close decided for one request.
    public struct Settlement: Sendable {
        public let requestID: String
        public let outcome: StoredRequest.Outcome
        public let lotteryRank: Int
        public let appointmentID: String?
        public let carriedTo: String?
        public init(requestID: String, outcome: StoredRequest.Outcome, lotteryRank: Int, appointmentID: String?,
                    carriedTo: String?) {
            self.requestID = requestID
            self.outcome = outcome
            self.lotteryRank = lotteryRank
            self.appointmentID = appointmentID
            self.carriedTo = carriedTo
        }
    }

    enum RoundColumns {
        static let id = PostgresColumn("r.id", PostgresText.int)
        static let name = PostgresColumn("r.name", PostgresText.text)
        static let offices = PostgresColumn("array_to_string(r.office_ids, ',')", PostgresText.list(PostgresText.int))
        static let services = PostgresColumn("array_to_string(r.service_ids, ',')", PostgresText.list(PostgresText.int))
        static let firstDate = PostgresColumn("r.first_date") { LocalDate(iso: $0) }
        static let lastDate = PostgresColumn("r.last_date") { LocalDate(iso: $0) }
        static let opensAt = InstantColumn.required("r.opens_at")
        static let closesAt = InstantColumn.required("r.closes_at")
        static let commitment = PostgresColumn("encode(r.commitment, 'hex')") { Hex.decode($0) }
        static let closedAt = InstantColumn.optional("r.closed_at")
        static let selection = PostgresSelection(id, name, offices, services, firstDate, lastDate, opensAt, closesAt,
                                                 commitment, closedAt)
        static let report = PostgresColumn<String?>.optional("r.report::text", PostgresText.text)
        static let withReport = PostgresSelection(id, name, offices, services, firstDate, lastDate, opensAt, closesAt,
                                                  commitment, closedAt, report)
        static let seed = PostgresColumn("encode(r.seed, 'hex')") { Hex.decode($0) }
        static let withSeed = PostgresSelection(id, name, offices, services, firstDate, lastDate, opensAt, closesAt,
                                                commitment, closedAt, seed)

        static func decode(_ row: PostgresRow) throws(PostgresError) -> ReleaseRound {
            ReleaseRound(id: try row[id], name: try row[name], officeIDs: try row[offices], serviceIDs: Set(try row[services]),
                         firstDate: try row[firstDate], lastDate: try row[lastDate], opensAt: try row[opensAt],
                         closesAt: try row[closesAt], commitment: try row[commitment], closedAt: try row[closedAt])
        }
    }

    enum RequestColumns {
        static func epochs(_ column: String) -> String {
            "(SELECT string_agg(extract(epoch FROM t)::bigint::text, ',' ORDER BY n) FROM unnest(q.\(column)) WITH ORDINALITY AS w(t, n))"
        }
        static let id = PostgresColumn("q.id", PostgresText.text)
        static let roundID = PostgresColumn("q.round_id", PostgresText.int)
        static let services = PostgresColumn("array_to_string(q.service_ids, ',')", PostgresText.list(PostgresText.int))
        static let quantities = PostgresColumn("array_to_string(q.quantities, ',')", PostgresText.list(PostgresText.int))
        static let offices = PostgresColumn("array_to_string(q.office_ids, ',')", PostgresText.list(PostgresText.int))
        static let windowsFrom = PostgresColumn(epochs("windows_from"), PostgresText.list(PostgresText.int64))
        static let windowsTo = PostgresColumn(epochs("windows_to"), PostgresText.list(PostgresText.int64))
        static let needs = PostgresColumn("array_to_string(q.needs, ',')") { text in
            Needs(tokens: text.split(separator: ",").map(String.init))
        }
        static let priority = PostgresColumn("q.priority", PostgresText.int)
        static let boost = PostgresColumn("q.boost", PostgresText.int)
        static let name = PostgresColumn<String?>.optional("q.contact_name", PostgresText.text)
        static let email = PostgresColumn<String?>.optional("q.contact_email", PostgresText.text)
        static let phone = PostgresColumn<String?>.optional("q.contact_phone", PostgresText.text)
        static let createdAt = InstantColumn.required("q.created_at")
        static let identity = PostgresColumn<[UInt8]?>.optional("encode(q.identity_hash, 'hex')") { Hex.decode($0) }
        static let outcome = PostgresColumn("q.outcome") { StoredRequest.Outcome(rawValue: $0) }
        static let rank = PostgresColumn<Int?>.optional("q.lottery_rank", PostgresText.int)
        static let appointment = PostgresColumn<String?>.optional("q.appointment_id", PostgresText.text)
        static let carriedTo = PostgresColumn<String?>.optional("q.carried_to", PostgresText.text)
        static let selection = PostgresSelection(id, roundID, services, quantities, offices, windowsFrom, windowsTo, needs,
                                                 priority, boost, name, email, phone, createdAt, identity, outcome, rank,
                                                 appointment, carriedTo)

        static func decode(_ row: PostgresRow) throws(PostgresError) -> StoredRequest {
            let services = zip(try row[services], try row[quantities]).map { ServiceRequest(serviceID: $0, quantity: $1) }
            let windows = zip(try row[windowsFrom], try row[windowsTo]).map {
                FlexibleRequest.Window(from: Instant(secondsSinceEpoch: $0), to: Instant(secondsSinceEpoch: $1))
            }
            let needs = try row[needs]
            let contact = Appointment.Contact(name: try row[name], email: try row[email], phone: try row[phone])
            return StoredRequest(
                id: try row[id], roundID: try row[roundID],
                request: FlexibleRequest(services: services, officeIDs: try row[offices], windows: windows, needs: needs,
                                         priority: try row[priority]),
                boost: try row[boost], contact: contact.isEmpty ? nil : contact,
                identityHash: try row[identity], createdAt: try row[createdAt], outcome: try row[outcome], lotteryRank: try row[rank],
                appointmentID: try row[appointment], carriedTo: try row[carriedTo])
        }
    }

    static func list(_ values: [Int]) -> String { "{" + values.map(String.init).joined(separator: ",") + "}" }

    /// Creates a round with `seed` (32 bytes) as its secret; PostgreSQL computes the commitment.
    public static func create(name: String, officeIDs: [Int], serviceIDs: [Int], firstDate: LocalDate, lastDate: LocalDate,
                              opensAt: Instant, closesAt: Instant, seed: [UInt8], createdBy: Int, now: Instant,
                              _ db: PostgresConnection) throws -> ReleaseRound {
        precondition(seed.count == 32, "a 256-bit seed")
        return try RoundColumns.selection.decode(try db.query("""
            INSERT INTO release_round AS r (name, office_ids, service_ids, first_date, last_date, opens_at, closes_at, seed,
              commitment, created_by, created_at)
            VALUES ($1, $2::bigint[], $3::bigint[], $4::date, $5::date, $6, $7, decode($8, 'hex'), sha256(decode($8, 'hex')),
              $9, $10)
            RETURNING \(RoundColumns.selection.sql)
            """, [name, list(officeIDs), list(serviceIDs), firstDate.description, lastDate.description,
                  BerlinTime.format(opensAt), BerlinTime.format(closesAt), Hex.encode(seed), String(createdBy),
                  BerlinTime.format(now)]), RoundColumns.decode)[0]
    }

    /// Rounds not yet closed.
    public static func unclosed(_ db: PostgresConnection) throws -> [ReleaseRound] {
        try RoundColumns.selection.decode(try db.query("""
            SELECT \(RoundColumns.selection.sql) FROM release_round r WHERE r.closed_at IS NULL ORDER BY r.closes_at, r.id
            """), RoundColumns.decode)
    }

    /// A round with its report (JSON text, once closed).
    public static func round(id: Int, _ db: PostgresConnection) throws -> (round: ReleaseRound, report: String?)? {
        try db.select(RoundColumns.withReport, "FROM release_round r WHERE r.id = $1", [String(id)]) { row throws(PostgresError) in
            (try RoundColumns.decode(row), try row[RoundColumns.report])
        }.first
    }

    /// An unserved request's copy for a later round: same request and code, one more point of boost.
    public struct CarriedRequest: Sendable {
        /// The copy's id.
        public let id: String
        /// The request it copies (its code and identity go with it).
        public let fromID: String
        public let roundID: Int
        public let request: FlexibleRequest
        public let boost: Int
        public let contact: Appointment.Contact?
        public init(id: String, fromID: String, roundID: Int, request: FlexibleRequest, boost: Int, contact: Appointment.Contact?) {
            self.id = id
            self.fromID = fromID
            self.roundID = roundID
            self.request = request
            self.boost = boost
            self.contact = contact
        }
    }

    /// Stores a carried-over copy (inside the closing transaction).
    static func insertCarried(_ copy: CarriedRequest, now: Instant, _ db: PostgresConnection) throws {
        try insertRequest(id: copy.id, roundID: copy.roundID, request: copy.request, boost: copy.boost, code: nil,
                          codeHashFrom: copy.fromID, contact: copy.contact, now: now, db)
    }

    /// A due, unclosed round with its seed, read without a lock (the close's plan claims it: `lockDue`).
    public static func due(id: Int, now: Instant, _ db: PostgresConnection) throws -> (round: ReleaseRound, seed: [UInt8])? {
        try RoundColumns.withSeed.decode(try db.query("""
            SELECT \(RoundColumns.withSeed.sql) FROM release_round r
            WHERE r.id = $1 AND r.closed_at IS NULL AND r.closes_at <= $2
            """, [String(id), BerlinTime.format(now)])) { row throws(PostgresError) in
            (try RoundColumns.decode(row), try row[RoundColumns.seed])
        }.first
    }

    /// Locks a due, unclosed round for closing, with its seed; `nil` when it is not due, already closed, or another
    /// transaction holds it (`SKIP LOCKED`: that one is closing it). Call inside the closing transaction.
    public static func lockDue(id: Int, now: Instant, _ db: PostgresConnection) throws -> (round: ReleaseRound, seed: [UInt8])? {
        try RoundColumns.withSeed.decode(try db.query("""
            SELECT \(RoundColumns.withSeed.sql) FROM release_round r
            WHERE r.id = $1 AND r.closed_at IS NULL AND r.closes_at <= $2
            FOR UPDATE SKIP LOCKED
            """, [String(id), BerlinTime.format(now)])) { row throws(PostgresError) in
            (try RoundColumns.decode(row), try row[RoundColumns.seed])
        }.first
    }

    /// Share-locks an unclosed round while a request joins it (its close takes the row lock `FOR UPDATE`, so it waits
    /// until the request is in); `false` when the round is closed (another instance may have closed it meanwhile).
    public static func lockOpenForRequest(roundID: Int, _ db: PostgresConnection) throws -> Bool {
        try db.query("SELECT 1 FROM release_round WHERE id = $1 AND closed_at IS NULL FOR SHARE", [String(roundID)]).rows.count == 1
    }

    /// How many requests the round holds.
    public static func requestCount(roundID: Int, _ db: PostgresConnection) throws -> Int {
        Int(try db.query("SELECT count(*) FROM round_request WHERE round_id = $1", [String(roundID)]).scalar ?? "0") ?? 0
    }

    /// Stores a collected request whose code is `code` (only its SHA-256 is kept), or a copy carried over from the
    /// request `codeHashFrom`, which keeps that one's code and identity.
    public static func insertRequest(id: String, roundID: Int, request: FlexibleRequest, boost: Int, code: String?,
                                     codeHashFrom: String? = nil, contact: Appointment.Contact?,
                                     identity: CitizenIdentity? = nil, now: Instant, _ db: PostgresConnection) throws {
        precondition((code == nil) != (codeHashFrom == nil), "a new code, or the code of the request carried over")
        _ = try db.query("""
            INSERT INTO round_request (id, round_id, code_hash, service_ids, quantities, office_ids, windows_from, windows_to,
              needs, priority, boost, contact_name, contact_email, created_at, identity_hash, contact_phone)
            SELECT $1::uuid, $2, coalesce(sha256(convert_to($3, 'UTF8')), (SELECT code_hash FROM round_request WHERE id = $4::uuid)),
              $5::bigint[], $6::int[], $7::bigint[], $8::timestamptz[], $9::timestamptz[], $10::text[], $11, $12, $13, $14, $15,
              coalesce(decode($16, 'hex'), (SELECT identity_hash FROM round_request WHERE id = $4::uuid)), $17
            """, [id, String(roundID), code, codeHashFrom, list(request.services.map(\.serviceID)),
                  list(request.services.map(\.quantity)), list(request.officeIDs),
                  PostgresArray.literal(request.windows.map { BerlinTime.format($0.from) }),
                  PostgresArray.literal(request.windows.map { BerlinTime.format($0.to) }),
                  PostgresArray.literal(request.needs.tokens), String(request.priority), String(boost),
                  contact?.name, contact?.email, BerlinTime.format(now), identity?.hex, contact?.phone])
    }

    /// The request `id` if `code` is its code.
    public static func request(id: String, code: String, _ db: PostgresConnection) throws -> StoredRequest? {
        try RequestColumns.selection.decode(try db.query("""
            SELECT \(RequestColumns.selection.sql) FROM round_request q
            WHERE q.id = $1::uuid AND q.code_hash = sha256(convert_to($2, 'UTF8'))
            """, [id, code]), RequestColumns.decode).first
    }

    /// The requests a round collected and has not settled, oldest first.
    public static func collected(roundID: Int, _ db: PostgresConnection) throws -> [StoredRequest] {
        try RequestColumns.selection.decode(try db.query("""
            SELECT \(RequestColumns.selection.sql) FROM round_request q
            WHERE q.round_id = $1 AND q.outcome = 'collected' ORDER BY q.created_at, q.id
            """, [String(roundID)]), RequestColumns.decode)
    }

    /// Records every request's outcome, gives each won booking its request's code, releases (or carries over) the
    /// requests' open claims, and closes the round with its report. Inside the closing transaction, after the won
    /// appointments were inserted. `false`, writing nothing, when a collected request of the round has no settlement:
    /// the close read the requests before it joined, and must read them again (the caller rolls its plan back).
    public static func settle(roundID: Int, _ settlements: [Settlement], report: String, now: Instant,
                              _ db: PostgresConnection) throws -> Bool {
        func column(_ value: (Settlement) -> String?) -> String { PostgresArray.literal(settlements.map(value)) }
        // A request that joined after the close read the requests (its transaction passed the open round's share lock
        // before the close claimed the round, and committed after the read) would stay collected in a closed round.
        let unread = try db.query("""
            SELECT count(*) FROM round_request WHERE round_id = $1 AND outcome = 'collected' AND id <> ALL($2::uuid[])
            """, [String(roundID), column { $0.requestID }]).scalar
        guard unread == "0" else { return false }
        _ = try db.query("""
            UPDATE round_request q SET outcome = s.outcome, lottery_rank = s.rank, appointment_id = s.appointment,
              carried_to = s.carried
            FROM unnest($1::uuid[], $2::text[], $3::int[], $4::uuid[], $5::uuid[]) AS s(id, outcome, rank, appointment, carried)
            WHERE q.id = s.id AND q.round_id = $6 AND q.outcome = 'collected'
            """, [column { $0.requestID }, column { $0.outcome.rawValue }, column { String($0.lotteryRank) },
                  column { $0.appointmentID }, column { $0.carriedTo }, String(roundID)])
        _ = try db.query("""
            UPDATE appointment a SET code_hash = q.code_hash FROM round_request q
            WHERE q.round_id = $1 AND q.appointment_id = a.id
            """, [String(roundID)])
        // A settled request is no longer open: its claims go, or move to its copy in the next round.
        _ = try db.query("""
            UPDATE open_request_claim c SET request_id = q.carried_to FROM round_request q
            WHERE q.round_id = $1 AND c.request_id = q.id AND q.outcome = 'carried'
            """, [String(roundID)])
        _ = try db.query("""
            DELETE FROM open_request_claim c USING round_request q
            WHERE q.round_id = $1 AND c.request_id = q.id AND q.outcome IN ('served', 'unserved')
            """, [String(roundID)])
        let closed = try db.query("""
            UPDATE release_round SET closed_at = $2, report = $3::jsonb WHERE id = $1 AND closed_at IS NULL RETURNING id
            """, [String(roundID), BerlinTime.format(now), report])
        guard closed.rows.count == 1 else { throw PostgresError(.decodingFailed, message: "round \(roundID) was closed meanwhile") }
        return true
    }
}
