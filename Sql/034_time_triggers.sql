-- The time an appointment takes (its desk's `desk_time` rows, its helper's `helper_time` rows, a seat only within
-- its sessions) is kept by one trigger per kind of statement, each in as few statements as it can. Every statement
-- a trigger runs costs PostgreSQL a fixed part whatever it finds (the executor's start and end, its joins' set-up):
-- as three triggers of five statements, a batch of moves spent about a third of its trigger time on helper time and
-- seats, which only help desks and group sessions have. Helper rows are now found by their key (the helper of the
-- freed row's desk) and no longer by reading every helper row. The erasure of contact data, the one UPDATE that
-- drops pending mail, gets a trigger of its own that fires only for rows whose e-mail it clears.
DROP TRIGGER appointment_desk_time_inserted ON appointment;
DROP TRIGGER appointment_desk_time_updated ON appointment;
DROP TRIGGER appointment_desk_time_deleted ON appointment;
DROP TRIGGER appointment_helper_time_inserted ON appointment;
DROP TRIGGER appointment_helper_time_updated ON appointment;
DROP TRIGGER appointment_helper_time_deleted ON appointment;
DROP TRIGGER appointment_seat_inserted ON appointment;
DROP TRIGGER appointment_seat_updated ON appointment;
DROP FUNCTION termin_desk_time_inserted(), termin_desk_time_updated(), termin_desk_time_deleted(),
    termin_helper_time_inserted(), termin_helper_time_updated(), termin_helper_time_deleted(),
    termin_seat_inserted(), termin_seat_updated();

-- Helper time is written beside desk time as a data-modifying WITH of the same statement: a statement of its own
-- would cost its fixed part again. The seat check reads what that statement found.
CREATE FUNCTION termin_time_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    seat_outside boolean;
BEGIN
    WITH taken AS MATERIALIZED (
        SELECT n.id, n.desk_id, n.span, k.helper_id, k.seat_number
        FROM inserted n JOIN desk k ON k.id = n.desk_id
        WHERE n.status IN ('held', 'confirmed')
    ), desk_taken AS (
        INSERT INTO desk_time (desk_id, unit5, appointment_id)
        SELECT t.desk_id, u, t.id FROM taken t, termin_span_units(t.span) u
    ), helper_taken AS (
        INSERT INTO helper_time (helper_id, unit5, appointment_id)
        SELECT t.helper_id, u, t.id FROM taken t, termin_span_units(t.span) u WHERE t.helper_id IS NOT NULL
    )
    SELECT EXISTS (SELECT 1 FROM taken t JOIN inserted n ON n.id = t.id
                   WHERE t.seat_number IS NOT NULL AND NOT termin_seat_in_session(n, t.seat_number))
    INTO seat_outside;
    IF seat_outside THEN
        RAISE EXCEPTION 'an appointment takes a seat outside its sessions' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;

-- An update gives back the old time of rows that stop being live, or move while live, and then (the new time may
-- overlap the old) takes the new time of rows that become live, or move while live.
CREATE FUNCTION termin_time_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    seat_outside boolean;
BEGIN
    WITH freed AS MATERIALIZED (
        SELECT o.id, o.desk_id, k.helper_id, extract(epoch FROM lower(o.span))::bigint / 300 AS from_unit,
               extract(epoch FROM upper(o.span))::bigint / 300 AS to_unit
        FROM previous o JOIN updated n ON n.id = o.id JOIN desk k ON k.id = o.desk_id
        WHERE o.status IN ('held', 'confirmed')
          AND (n.status NOT IN ('held', 'confirmed') OR n.desk_id <> o.desk_id OR n.span <> o.span)
    ), helper_freed AS (
        DELETE FROM helper_time h USING freed f
        WHERE f.helper_id IS NOT NULL AND h.helper_id = f.helper_id AND h.unit5 >= f.from_unit AND h.unit5 < f.to_unit
          AND h.appointment_id = f.id
    )
    DELETE FROM desk_time d USING freed f
    WHERE d.desk_id = f.desk_id AND d.unit5 >= f.from_unit AND d.unit5 < f.to_unit AND d.appointment_id = f.id;
    WITH taken AS MATERIALIZED (
        SELECT n.id, n.desk_id, n.span, k.helper_id, k.seat_number
        FROM updated n JOIN previous o ON o.id = n.id JOIN desk k ON k.id = n.desk_id
        WHERE n.status IN ('held', 'confirmed')
          AND (o.status NOT IN ('held', 'confirmed') OR n.desk_id <> o.desk_id OR n.span <> o.span)
    ), desk_taken AS (
        INSERT INTO desk_time (desk_id, unit5, appointment_id)
        SELECT t.desk_id, u, t.id FROM taken t, termin_span_units(t.span) u
    ), helper_taken AS (
        INSERT INTO helper_time (helper_id, unit5, appointment_id)
        SELECT t.helper_id, u, t.id FROM taken t, termin_span_units(t.span) u WHERE t.helper_id IS NOT NULL
    )
    SELECT EXISTS (SELECT 1 FROM taken t JOIN updated n ON n.id = t.id
                   WHERE t.seat_number IS NOT NULL AND NOT termin_seat_in_session(n, t.seat_number))
    INTO seat_outside;
    IF seat_outside THEN
        RAISE EXCEPTION 'an appointment takes a seat outside its sessions' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION termin_time_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH freed AS MATERIALIZED (
        SELECT o.id, o.desk_id, k.helper_id, extract(epoch FROM lower(o.span))::bigint / 300 AS from_unit,
               extract(epoch FROM upper(o.span))::bigint / 300 AS to_unit
        FROM previous o JOIN desk k ON k.id = o.desk_id
        WHERE o.status IN ('held', 'confirmed')
    ), helper_freed AS (
        DELETE FROM helper_time h USING freed f
        WHERE f.helper_id IS NOT NULL AND h.helper_id = f.helper_id AND h.unit5 >= f.from_unit AND h.unit5 < f.to_unit
          AND h.appointment_id = f.id
    )
    DELETE FROM desk_time d USING freed f
    WHERE d.desk_id = f.desk_id AND d.unit5 >= f.from_unit AND d.unit5 < f.to_unit AND d.appointment_id = f.id;
    RETURN NULL;
END $$;

-- A statement a key refuses rolls back whole, its ledger notifications included.
CREATE TRIGGER appointment_time_inserted AFTER INSERT ON appointment
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION termin_time_inserted();
CREATE TRIGGER appointment_time_updated AFTER UPDATE ON appointment
    REFERENCING OLD TABLE AS previous NEW TABLE AS updated FOR EACH STATEMENT EXECUTE FUNCTION termin_time_updated();
CREATE TRIGGER appointment_time_deleted AFTER DELETE ON appointment
    REFERENCING OLD TABLE AS previous FOR EACH STATEMENT EXECUTE FUNCTION termin_time_deleted();

-- Mail: an update writes the messages of the changes it makes; erasing a booking's e-mail drops its pending mail.
CREATE OR REPLACE FUNCTION termin_outbox_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox (appointment_id, kind, revision)
    SELECT n.id, CASE WHEN o.status = 'held' THEN 'confirmation'
                      WHEN n.status = 'cancelled' THEN 'cancellation' ELSE 'move' END, n.revision
    FROM previous o JOIN updated n ON n.id = o.id
    WHERE n.contact_email IS NOT NULL
      AND ((o.status = 'held' AND n.status = 'confirmed')
        OR (o.status = 'confirmed' AND n.status = 'cancelled')
        OR (o.status = 'confirmed' AND n.status = 'confirmed' AND n.revision > o.revision));
    INSERT INTO outbox (appointment_id, kind, revision, receiver_id, payload)
    SELECT n.id, e.event, n.revision, r.id, termin_webhook_payload(e.event, n)
    FROM previous o JOIN updated n ON n.id = o.id
    CROSS JOIN LATERAL (SELECT CASE
        WHEN o.status = 'held' AND n.status = 'confirmed' THEN 'booking.created'
        WHEN o.status = 'confirmed' AND n.status = 'cancelled' THEN 'booking.cancelled'
        WHEN o.status = 'confirmed' AND n.status = 'no_show' THEN 'booking.no_show'
        WHEN o.status = 'confirmed' AND n.status = 'confirmed' AND n.revision > o.revision THEN 'booking.moved'
    END AS event) e
    JOIN webhook_receiver r ON e.event = ANY (r.events);
    RETURN NULL;
END $$;

CREATE FUNCTION termin_outbox_erased() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM outbox WHERE appointment_id = NEW.id AND state = 'pending' AND receiver_id IS NULL;
    RETURN NULL;
END $$;
CREATE TRIGGER appointment_outbox_erased AFTER UPDATE OF contact_email ON appointment FOR EACH ROW
    WHEN (OLD.contact_email IS NOT NULL AND NEW.contact_email IS NULL) EXECUTE FUNCTION termin_outbox_erased();
