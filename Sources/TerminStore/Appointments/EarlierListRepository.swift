import TerminCore
import TerminPostgres

/// The earlier-time list (`Sql/023_earlier_list.sql`): wishes of bookings for an earlier time, the offers made to them,
/// and the offers' mails.
public enum EarlierListRepository {
    /// An offer the engine decided: its hold (inserted by the same plan) for the booking at `revision`, counted against
    /// the booking's `offersMax`, with its mail.
    public struct Offer: Sendable {
        public let bookingID: String
        public let revision: Int
        public let offer: EarlierWish.Offer
        public let offersMax: Int
        public init(bookingID: String, revision: Int, offer: EarlierWish.Offer, offersMax: Int) {
            self.bookingID = bookingID
            self.revision = revision
            self.offer = offer
            self.offersMax = offersMax
        }
    }

    private enum Columns {
        static let bookingID = PostgresColumn("w.appointment_id::text", PostgresText.text)
        static let revision = PostgresColumn("w.revision", PostgresText.int)
        static let optedAt = InstantColumn.required("w.opted_at")
        static let latestStart = InstantColumn.optional("w.latest_start")
        static let needs = PostgresColumn("w.needs", PostgresText.int)
        static let offers = PostgresColumn("w.offers", PostgresText.int)
        static let holdID = PostgresColumn<String?>.optional("w.offer_hold_id::text", PostgresText.text)
        static let offerStart = InstantColumn.optional("w.offer_start")
        static let offerExpiresAt = InstantColumn.optional("w.offer_expires_at")
        static let list: [any PostgresSelectable] = [bookingID, revision, optedAt, latestStart, needs, offers, holdID,
                                                     offerStart, offerExpiresAt]
        static let selection = PostgresSelection(list.map(\.expression))

        static func decode(_ row: PostgresRow) throws(PostgresError) -> EarlierWish {
            var offer: EarlierWish.Offer?
            if let holdID = try row[holdID], let start = try row[offerStart], let expiresAt = try row[offerExpiresAt] {
                offer = EarlierWish.Offer(holdID: holdID, start: start, expiresAt: expiresAt)
            }
            return EarlierWish(bookingID: try row[bookingID], revision: try row[revision], optedAt: try row[optedAt],
                               latestStart: try row[latestStart], needs: Needs(rawValue: try row[needs]),
                               offersMade: try row[offers], lastOffer: offer)
        }
    }

    /// Puts the booking at `revision` on the list, or changes its latest start and needs when it is on it for that
    /// revision already (keeping its place); a wish left, or from an earlier revision, starts anew at the back, keeping
    /// its offers made. `nil` when the booking is no longer confirmed at that revision.
    public static func join(bookingID: String, revision: Int, latestStart: Instant?, needs: Needs, now: Instant,
                            _ db: PostgresConnection) throws -> (wish: EarlierWish, joined: Bool)? {
        // Joined now: no wish on the list before, or one for an earlier revision (`before` reads the table as the
        // statement began).
        let joined = PostgresColumn("NOT EXISTS (SELECT 1 FROM before WHERE before.revision = w.revision)", PostgresText.bool)
        let selection = PostgresSelection(([joined] + Columns.list).map(\.expression))
        let rows = try db.query("""
            WITH before AS (SELECT revision FROM earlier_wish WHERE appointment_id = $1 AND left_at IS NULL),
            w AS (
                INSERT INTO earlier_wish AS e (appointment_id, revision, opted_at, latest_start, needs)
                SELECT a.id, a.revision, $3, $4, $5 FROM appointment a
                WHERE a.id = $1 AND a.status = 'confirmed' AND a.revision = $2
                ON CONFLICT (appointment_id) DO UPDATE SET
                  opted_at = CASE WHEN e.revision = EXCLUDED.revision AND e.left_at IS NULL THEN e.opted_at
                                  ELSE EXCLUDED.opted_at END,
                  place = CASE WHEN e.revision = EXCLUDED.revision AND e.left_at IS NULL THEN e.place ELSE EXCLUDED.place END,
                  revision = EXCLUDED.revision, latest_start = EXCLUDED.latest_start, needs = EXCLUDED.needs, left_at = NULL
                RETURNING *)
            SELECT \(selection.sql) FROM w
            """, [bookingID, String(revision), BerlinTime.format(now), latestStart.map(BerlinTime.format),
                  String(needs.rawValue)])
        return try selection.decode(rows) { row throws(PostgresError) in (try Columns.decode(row), try row[joined]) }.first
    }

    /// The booking's wish, if it is on the list (ended ones included: for an earlier revision, or out of offers).
    public static func wish(bookingID: String, _ db: PostgresConnection) throws -> EarlierWish? {
        guard AppointmentRepository.isUUID(bookingID) else { return nil }
        return try db.select(Columns.selection, "FROM earlier_wish w WHERE w.appointment_id = $1 AND w.left_at IS NULL",
                             [bookingID], Columns.decode).first
    }

    /// The offers made to the booking over all its wishes, a left one included.
    public static func offersMade(bookingID: String, _ db: PostgresConnection) throws -> Int {
        guard AppointmentRepository.isUUID(bookingID) else { return 0 }
        return Int(try db.query("SELECT offers FROM earlier_wish WHERE appointment_id = $1", [bookingID]).scalar ?? "0") ?? 0
    }

    /// Takes the booking off the list at `now`, keeping its offers made (an offer held for it runs out as any hold, and
    /// stays the booking's alone until then). Returns whether it was on it.
    public static func leave(bookingID: String, now: Instant, _ db: PostgresConnection) throws -> Bool {
        guard AppointmentRepository.isUUID(bookingID) else { return false }
        return try !db.query("""
            UPDATE earlier_wish SET left_at = $2 WHERE appointment_id = $1 AND left_at IS NULL RETURNING appointment_id
            """, [bookingID, BerlinTime.format(now)]).isEmpty
    }

    /// The wishes waiting at `now` (on the list, their booking confirmed at their revision, with contact e-mail, still
    /// to come; fewer than `offersMax` offers made, none held now), at `officeIDs` (`nil`: everywhere), first opted in
    /// first, at most `limit`; each with its booking.
    public static func waiting(officeIDs: [Int]?, offersMax: Int, now: Instant, limit: Int, _ db: PostgresConnection) throws
        -> [(wish: EarlierWish, booking: Appointment)] {
        let offices = officeIDs.map { PostgresArray.literal($0.map(String.init)) }
        let wishes = try db.select(Columns.selection, waitingSource, [BerlinTime.format(now), String(offersMax), offices, String(limit)],
                                   Columns.decode)
        let bookings = Dictionary(try AppointmentRepository.fetch(ids: wishes.map(\.bookingID), db).map { ($0.id, $0) },
                                  uniquingKeysWith: { a, _ in a })
        return wishes.compactMap { wish in bookings[wish.bookingID].map { (wish, $0) } }
    }

    /// `waiting`'s rows after `SELECT`: `$1` now, `$2` the offers a booking may have, `$3` the offices (`NULL`:
    /// everywhere), `$4` the limit. The list is read in its order and each wish's booking checked by its key (the
    /// subquery kept apart by `OFFSET 0`), so a pass reads the wishes it passes and their bookings, never every
    /// appointment the city has had (joined plainly, it was planned as a scan of all appointments).
    static let waitingSource = """
        FROM earlier_wish w CROSS JOIN LATERAL (
          SELECT FROM appointment a
          WHERE a.id = w.appointment_id AND a.status = 'confirmed' AND a.revision = w.revision
            AND a.contact_email IS NOT NULL AND lower(a.span) > $1::timestamptz
            AND ($3::bigint[] IS NULL OR a.office_id = ANY($3::bigint[]))
          OFFSET 0) a
        WHERE w.left_at IS NULL AND w.offers < $2 AND (w.offer_expires_at IS NULL OR w.offer_expires_at <= $1)
        ORDER BY w.place LIMIT $4
        """

    /// Records an offer on its wish and writes its mail, if the wish still waits for one (on the list, the booking
    /// confirmed at the offer's revision with contact e-mail, fewer than `offersMax` offers made, none held now).
    /// Returns whether it did.
    static func record(_ offer: Offer, now: Instant, _ db: PostgresConnection) throws -> Bool {
        try db.query("""
            WITH offered AS (
                UPDATE earlier_wish w SET offers = w.offers + 1, offer_hold_id = $2, offer_start = $3, offer_expires_at = $4
                FROM appointment a
                WHERE w.appointment_id = $1 AND w.left_at IS NULL AND a.id = w.appointment_id AND w.revision = $5
                  AND a.revision = w.revision
                  AND a.status = 'confirmed' AND a.contact_email IS NOT NULL
                  AND w.offers < $6 AND (w.offer_expires_at IS NULL OR w.offer_expires_at <= $7)
                RETURNING w.appointment_id, w.revision)
            INSERT INTO outbox (appointment_id, kind, revision, payload)
            SELECT appointment_id, 'offer', revision, jsonb_build_object('hold', $2::text) FROM offered
            RETURNING id
            """, [offer.bookingID, offer.offer.holdID, BerlinTime.format(offer.offer.start),
                  BerlinTime.format(offer.offer.expiresAt), String(offer.revision), String(offer.offersMax),
                  BerlinTime.format(now)]).count == 1
    }
}
