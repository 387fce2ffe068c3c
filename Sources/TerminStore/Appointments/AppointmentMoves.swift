import TerminCore
import TerminPostgres

/// Moving bookings: a booking keeps its id and code and changes its office, desk and time in place; the desk-time
/// triggers give the old time back and take the new in the same statement.
extension AppointmentRepository {
    /// Where a booking moves to, and from where its mover found it.
    public struct Move: Sendable {
        public let id: String
        /// The booking's code; `nil` for staff (who are not bound by the cut-off either).
        public let code: String?
        /// For a citizen, the booking's cut-off: minutes before its start after which it is not moved (the engine's
        /// catalog knows the office and services of the place the booking stands, which the move requires); `nil` for
        /// staff.
        public let cutoffMinutes: Int?
        /// Where the booking was when the move was decided: the move stands only if it is still there.
        public let from: SlotRun
        public let to: SlotRun
        public let start: Instant
        public let end: Instant
        /// The hold whose time the booking takes (the hold is deleted in the same transaction), if it moves onto one.
        public let holdID: String?

        public init(id: String, code: String?, cutoffMinutes: Int?, from: SlotRun, to: SlotRun, start: Instant, end: Instant,
                    holdID: String? = nil) {
            precondition(start < end && to.units > 0, "a booking lasts")
            precondition((code == nil) == (cutoffMinutes == nil), "a citizen's move, and only a citizen's, has a cut-off")
            self.id = id
            self.code = code
            self.cutoffMinutes = cutoffMinutes
            self.from = from
            self.to = to
            self.start = start
            self.end = end
            self.holdID = holdID
        }
    }

    /// What became of a move.
    public enum Moving: Sendable, Equatable {
        /// Moved now: the booking as it stands, its revision raised.
        case moved(Appointment)
        /// It is not confirmed (cancelled, or a no-show): it stands as it is.
        case notConfirmed(Appointment)
        /// Its office's cut-off before its (old) start has passed for a citizen; it stands.
        case pastCutoff(Appointment)
        /// It was moved by someone else since the move was decided; it stands where that put it.
        case movedMeanwhile(Appointment)
        /// The new desk time is taken; the booking stands.
        case deskTaken
        /// The hold to move onto ran out (or is gone); the booking stands.
        case holdExpired
    }

    /// Moves confirmed bookings, each decided at its `now`, by one statement; what became of each, in order (`nil`
    /// when id and code match no booking). A move stands only if the booking is still where its mover found it, its
    /// new desk time is free, and, for a citizen, its office's cut-off before the old start has not passed. Moves onto
    /// holds go through `move(ontoHold:now:)`.
    public static func move(_ moves: [(move: Move, now: Instant)], _ db: PostgresConnection) throws -> [Moving?] {
        precondition(moves.allSatisfy { $0.move.holdID == nil }, "moves onto holds delete the hold first")
        let valid = moves.filter { isUUID($0.move.id) }
        var moved: [String: Appointment] = [:]
        if !valid.isEmpty {
            func column(_ value: ((move: Move, now: Instant)) -> String?) -> String { PostgresArray.literal(valid.map(value)) }
            let rows = try AppointmentColumns.decode(try db.query("""
                UPDATE appointment a SET office_id = i.office_id, desk_id = i.desk_id, day = i.day, start_unit = i.start_unit,
                  units = i.units, span = tstzrange(i.lo, i.hi), revision = a.revision + 1, moved_at = i.now_at
                FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::bigint[], $5::date[], $6::int[], $7::int[],
                            $8::timestamptz[], $9::timestamptz[], $10::timestamptz[], $11::bigint[], $12::date[], $13::int[],
                            $14::int[])
                  AS i(id, code, office_id, desk_id, day, start_unit, units, lo, hi, now_at, from_desk, from_day, from_start,
                       cutoff_minutes)
                WHERE a.id = i.id AND (i.code IS NULL OR a.code_hash = sha256(convert_to(i.code, 'UTF8')))
                  AND a.status = 'confirmed' AND a.desk_id = i.from_desk AND a.day = i.from_day AND a.start_unit = i.from_start
                  AND (i.cutoff_minutes IS NULL OR lower(a.span) >= i.now_at + make_interval(mins => i.cutoff_minutes))
                  AND NOT EXISTS (SELECT 1 FROM desk_time d WHERE d.desk_id = i.desk_id AND d.appointment_id <> a.id
                    AND d.unit5 >= extract(epoch FROM i.lo)::bigint / 300 AND d.unit5 < extract(epoch FROM i.hi)::bigint / 300)
                RETURNING \(AppointmentColumns.selection.sql)
                """, [column { $0.move.id }, column { $0.move.code }, column { String($0.move.to.officeID) },
                      column { String($0.move.to.deskID) }, column { $0.move.to.date.description },
                      column { String($0.move.to.startUnit) }, column { String($0.move.to.units) },
                      column { BerlinTime.format($0.move.start) }, column { BerlinTime.format($0.move.end) },
                      column { BerlinTime.format($0.now) }, column { String($0.move.from.deskID) },
                      column { $0.move.from.date.description }, column { String($0.move.from.startUnit) },
                      column { $0.move.cutoffMinutes.map { String($0) } }]))
            moved = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        }
        return try moves.map { move, now in
            if let appointment = moved[move.id], appointment.run == move.to { return .moved(appointment) }
            return try refusal(move, now: now, db)
        }
    }

    /// Moves a booking onto a live hold's time: the hold is deleted (its desk time freed, to the booking alone), then
    /// the booking moved as `move` does, in the caller's transaction (a refusal must roll both back). A hold that is an
    /// earlier time offered to another booking is that booking's alone (to any other, as if it had run out).
    public static func move(ontoHold move: Move, now: Instant, _ db: PostgresConnection) throws -> Moving? {
        guard let holdID = move.holdID, isUUID(holdID) else { return .holdExpired }
        let ended = try db.query("""
            DELETE FROM appointment a WHERE a.id = $1 AND a.status = 'held' AND a.expires_at > $2 AND a.desk_id = $3
              AND a.day = $4 AND a.start_unit = $5 AND a.units = $6
              AND NOT EXISTS (SELECT 1 FROM earlier_wish w WHERE w.offer_hold_id = a.id AND w.appointment_id <> $7::uuid)
            RETURNING a.id
            """, [holdID, BerlinTime.format(now), String(move.to.deskID), move.to.date.description,
                  String(move.to.startUnit), String(move.to.units), move.id])
        guard !ended.isEmpty else { return .holdExpired }
        let onto = Move(id: move.id, code: move.code, cutoffMinutes: move.cutoffMinutes, from: move.from, to: move.to,
                        start: move.start, end: move.end)
        return try self.move([(onto, now)], db)[0]
    }

    /// Why a move did not stand, read after its statement.
    private static func refusal(_ move: Move, now: Instant, _ db: PostgresConnection) throws -> Moving? {
        let standing = try move.code.map { try fetch(id: move.id, code: $0, db) } ?? fetch(id: move.id, db)
        guard let standing, standing.status != .held, standing.status != .expired else { return nil }
        if standing.status != .confirmed { return .notConfirmed(standing) }
        if standing.run != move.from { return .movedMeanwhile(standing) }
        if let minutes = move.cutoffMinutes, standing.start < now.adding(seconds: Int64(minutes) * 60) { return .pastCutoff(standing) }
        return .deskTaken
    }
}
