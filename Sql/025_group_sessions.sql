-- Group sessions: a course or group slot at a place, for one service, with a number of seats. Each seat is a desk of
-- the place (`seat_number` 1, 2, …) that is open only during the place's sessions, seats 1…n of a session with n
-- seats; a seat taken is an appointment on such a desk at the session's start. So seats are counted by the ledger
-- as desk time is, and the database refuses a second appointment on one seat (`desk_time`) and, below, any
-- appointment on a seat that is not at the start of a session with at least that many seats: never oversold.
ALTER TABLE desk
    ADD COLUMN seat_number int CHECK (seat_number >= 1),
    ADD CONSTRAINT desk_seat_has_no_helper CHECK (seat_number IS NULL OR helper_id IS NULL);
CREATE UNIQUE INDEX desk_one_seat_number_per_place ON desk (office_id, seat_number) WHERE seat_number IS NOT NULL;

CREATE TABLE group_session (
    id           bigint PRIMARY KEY,
    office_id    bigint NOT NULL,
    service_id   bigint NOT NULL,
    day          date NOT NULL,
    start_minute int NOT NULL CHECK (start_minute >= 0 AND start_minute < 1440),
    seats        int NOT NULL CHECK (seats >= 1),
    FOREIGN KEY (office_id, service_id) REFERENCES offer (office_id, service_id),
    UNIQUE (office_id, day, start_minute)
);

-- Whether appointment `a` on seat `seat` starts at a session of its place, for the session's service, whose seats
-- include the seat.
CREATE FUNCTION termin_seat_in_session(a appointment, seat int) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM group_session g JOIN office o ON o.id = g.office_id
        WHERE g.office_id = a.office_id AND g.day = a.day AND g.start_minute = a.start_unit * o.slot_minutes
          AND g.seats >= seat AND a.service_ids = ARRAY[g.service_id])
$$;

-- Refuses live appointments put on seats outside their sessions, whatever statement writes or moves them.
CREATE FUNCTION termin_seat_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM inserted n JOIN desk d ON d.id = n.desk_id AND d.seat_number IS NOT NULL
               WHERE n.status IN ('held', 'confirmed') AND NOT termin_seat_in_session(n, d.seat_number)) THEN
        RAISE EXCEPTION 'an appointment takes a seat outside its sessions' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION termin_seat_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM updated n JOIN previous o ON o.id = n.id
                 JOIN desk d ON d.id = n.desk_id AND d.seat_number IS NOT NULL
               WHERE n.status IN ('held', 'confirmed') AND (n.desk_id <> o.desk_id OR n.span <> o.span)
                 AND NOT termin_seat_in_session(n, d.seat_number)) THEN
        RAISE EXCEPTION 'an appointment takes a seat outside its sessions' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER appointment_seat_inserted AFTER INSERT ON appointment
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION termin_seat_inserted();
CREATE TRIGGER appointment_seat_updated AFTER UPDATE ON appointment
    REFERENCING OLD TABLE AS previous NEW TABLE AS updated FOR EACH STATEMENT EXECUTE FUNCTION termin_seat_updated();
