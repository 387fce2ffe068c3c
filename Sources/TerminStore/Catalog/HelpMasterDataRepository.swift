import TerminCore
import TerminPostgres

/// Changes to the master data of in-person help (Sql/024, 025, 029, 030): helpers, their shifts, group sessions and
/// reserved offers. Like `MasterDataRepository`'s, each runs in the transaction that writes its audit line and
/// announces the catalogue's new revision.
public enum HelpMasterDataRepository {
    /// Why the database refused a change of the help's master data.
    public enum Refusal: Error, Sendable, Equatable {
        /// The helper has time taken then (an appointment or a session they lead).
        case helperBusy
        /// Another session at the place overlaps this one (its id).
        case sessionOverlaps(Int)
        /// Seats of the session are taken (held or booked).
        case seatsTaken
    }

    // MARK: Helpers

    /// Adds a helper; returns its id.
    public static func addHelper(name: String, languages: [SpokenLanguage], skills: Set<Int>, _ db: PostgresConnection) throws -> Int {
        let inserted = try db.query("INSERT INTO helper (name, languages) VALUES ($1, $2::text[]) RETURNING id",
                                    [name, PostgresArray.literal(languages.map(\.rawValue))])
        guard let text = inserted.scalar, let newID = Int(text) else {
            throw PostgresError(.decodingFailed, message: "INSERT INTO helper returned no id")
        }
        try replaceSkills(helperID: newID, skills: skills, db)
        return newID
    }

    /// Changes a helper: what is `nil` stays. `false` when there is no such helper.
    public static func changeHelper(id: Int, name: String?, languages: [SpokenLanguage]?, skills: Set<Int>?,
                                    _ db: PostgresConnection) throws -> Bool {
        let updated = try db.query("""
            UPDATE helper SET name = coalesce($2, name), languages = coalesce($3::text[], languages) WHERE id = $1 RETURNING id
            """, [String(id), name, languages.map { PostgresArray.literal($0.map(\.rawValue)) }])
        guard !updated.isEmpty else { return false }
        if let skills { try replaceSkills(helperID: id, skills: skills, db) }
        return true
    }

    private static func replaceSkills(helperID: Int, skills: Set<Int>, _ db: PostgresConnection) throws {
        try db.query("DELETE FROM helper_skill WHERE helper_id = $1", [String(helperID)])
        try db.query("INSERT INTO helper_skill (helper_id, service_id) SELECT $1, unnest($2::bigint[])",
                     [String(helperID), PostgresArray.literal(skills.sorted().map(String.init))])
    }

    // MARK: Shifts

    /// Replaces every shift of a helper by `shifts` (each an opening rule of one place, staffing 1), giving the helper
    /// a desk at each place that has none yet (step-free when the place's other desks are). `false` when there is no
    /// such helper. - Throws: `Refusal.helperBusy` should the database find two shifts overlapping.
    public static func replaceShifts(helperID: Int, shifts: [OpeningRule], _ db: PostgresConnection) throws -> Bool {
        guard !(try db.query("SELECT id FROM helper WHERE id = $1 FOR UPDATE", [String(helperID)])).isEmpty else { return false }
        try db.query("DELETE FROM helper_shift s USING desk d WHERE d.id = s.desk_id AND d.helper_id = $1", [String(helperID)])
        for shift in shifts {
            let deskID = try helperDesk(helperID: helperID, officeID: shift.officeID, db)
            do {
                try db.query("""
                    INSERT INTO helper_shift (desk_id, weekdays, valid_from, valid_to, start_minute, end_minute)
                    VALUES ($1, $2::int[], $3, $4, $5, $6)
                    """, [String(deskID), PostgresArray.literal(shift.weekdays.sorted().map(String.init)),
                          shift.validFrom.description, shift.validTo?.description, String(shift.startMinute),
                          String(shift.endMinute)])
            } catch {
                throw error.sqlState == "23P01" ? Refusal.helperBusy : error
            }
        }
        return true
    }

    /// The helper's desk at a place, made when there is none (the next desk number there).
    private static func helperDesk(helperID: Int, officeID: Int, _ db: PostgresConnection) throws -> Int {
        if let existing = try db.query("SELECT id FROM desk WHERE helper_id = $1 AND office_id = $2",
                                       [String(helperID), String(officeID)]).scalar {
            return Int(existing)!
        }
        return try newDesk(officeID: officeID, helperID: helperID, seatNumber: nil, db)
    }

    /// A new desk at a place, numbered after its last; desk ids are given out one transaction at a time.
    private static func newDesk(officeID: Int, helperID: Int?, seatNumber: Int?, _ db: PostgresConnection) throws -> Int {
        try db.query("LOCK TABLE desk IN SHARE ROW EXCLUSIVE MODE")
        let rows = try db.query("""
            INSERT INTO desk (id, office_id, number, accessible, helper_id, seat_number)
            SELECT (SELECT coalesce(max(id), 0) + 1 FROM desk), $1,
                   (SELECT coalesce(max(number), 0) + 1 FROM desk WHERE office_id = $1),
                   coalesce((SELECT bool_or(accessible) FROM desk WHERE office_id = $1), false), $2, $3
            RETURNING id
            """, [String(officeID), helperID.map(String.init), seatNumber.map(String.init)])
        return Int(rows.scalar!)!
    }

    // MARK: Group sessions

    /// Adds a group session, giving the place seat desks up to its number of seats, qualified for its service; returns
    /// its id.
    /// - Throws: `Refusal.sessionOverlaps` when another session at the place overlaps it; `Refusal.helperBusy` when
    ///   its leader has time taken then.
    public static func addSession(officeID: Int, serviceID: Int, date: LocalDate, startMinute: Int, seats: Int, leaderID: Int?,
                                  _ db: PostgresConnection) throws -> Int {
        // One place's sessions are added one at a time, so that the overlap checked below cannot be missed.
        try db.query("SELECT id FROM office WHERE id = $1 FOR UPDATE", [String(officeID)])
        if let sameStart = try db.query("SELECT id FROM group_session WHERE office_id = $1 AND day = $2 AND start_minute = $3",
                                        [String(officeID), date.description, String(startMinute)]).scalar {
            throw Refusal.sessionOverlaps(Int(sameStart)!)
        }
        let existingSeats = Int(try db.query("SELECT count(*) FROM desk WHERE office_id = $1 AND seat_number IS NOT NULL",
                                             [String(officeID)]).scalar!)!
        if existingSeats < seats {
            for seat in existingSeats + 1...seats { _ = try newDesk(officeID: officeID, helperID: nil, seatNumber: seat, db) }
        }
        // Seats 1…n serve the session's service.
        try db.query("""
            INSERT INTO desk_service (desk_id, service_id)
            SELECT id, $2 FROM desk WHERE office_id = $1 AND seat_number <= $3 ON CONFLICT DO NOTHING
            """, [String(officeID), String(serviceID), String(seats)])
        let id: Int
        do {
            id = Int(try db.query("""
                INSERT INTO group_session (office_id, service_id, day, start_minute, seats, leader_id)
                VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
                """, [String(officeID), String(serviceID), date.description, String(startMinute), String(seats),
                      leaderID.map(String.init)]).scalar!)!
        } catch {
            // The leader's time rows (Sql/030) are the only rows this insert adds under a unique key but its own.
            throw error.sqlState == "23505" && error.message.contains("helper_time") ? Refusal.helperBusy : error
        }
        if let other = try db.query("""
            SELECT o.id FROM group_session g, group_session o
            WHERE g.id = $1 AND o.office_id = g.office_id AND o.day = g.day AND o.id <> g.id
              AND termin_session_span(o) && termin_session_span(g)
            ORDER BY o.start_minute LIMIT 1
            """, [String(id)]).scalar {
            throw Refusal.sessionOverlaps(Int(other)!)
        }
        return id
    }

    /// Removes a group session no seat of which is held or booked (and its waiting list's past entries). `false` when
    /// there is no such session. - Throws: `Refusal.seatsTaken`.
    public static func removeSession(id: Int, _ db: PostgresConnection) throws -> Bool {
        guard !(try db.query("SELECT id FROM group_session WHERE id = $1 FOR UPDATE", [String(id)])).isEmpty else { return false }
        let taken = try db.query("""
            SELECT 1 FROM group_session g JOIN office o ON o.id = g.office_id
              JOIN appointment a ON a.office_id = g.office_id AND a.day = g.day AND a.start_unit * o.slot_minutes = g.start_minute
              JOIN desk d ON d.id = a.desk_id AND d.seat_number IS NOT NULL
            WHERE g.id = $1 AND a.status IN ('held', 'confirmed') LIMIT 1
            """, [String(id)])
        guard taken.isEmpty else { throw Refusal.seatsTaken }
        try db.query("DELETE FROM session_wait WHERE session_id = $1", [String(id)])
        try db.query("DELETE FROM group_session WHERE id = $1", [String(id)])
        return true
    }

    // MARK: Reserved offers

    /// Reserves an offer for the people `reservedFor` names, or opens it to anyone (`nil`). `false` when the place
    /// does not offer the service.
    public static func reserveOffer(officeID: Int, serviceID: Int, reservedFor: String?, _ db: PostgresConnection) throws -> Bool {
        try !db.query("UPDATE offer SET reserved_for = $3 WHERE office_id = $1 AND service_id = $2 RETURNING service_id",
                      [String(officeID), String(serviceID), reservedFor]).isEmpty
    }
}
