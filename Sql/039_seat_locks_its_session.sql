-- A seat taken locks its session's row (FOR KEY SHARE) until its transaction ends. Taking a session away locks the row
-- FOR UPDATE before it counts the seats taken: read without a lock, a seat being taken and the session being taken
-- away could both commit, leaving a booked seat in a session that no longer exists. Now whichever comes second waits
-- for the first, and then sees it: the seat finds no session (and is refused), or the removal finds the seat.
CREATE OR REPLACE FUNCTION termin_seat_in_session(a appointment, seat int) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM 1 FROM group_session g JOIN office o ON o.id = g.office_id
    WHERE g.office_id = a.office_id AND g.day = a.day AND g.start_minute = a.start_unit * o.slot_minutes
      AND g.seats >= seat AND a.service_ids = ARRAY[g.service_id]
    FOR KEY SHARE OF g;
    RETURN FOUND;
END $$;
