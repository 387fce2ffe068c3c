-- The outbox: a message about a booking is a row written by the statement that changes the booking, so it exists
-- exactly when the change committed, whichever path wrote it. A delivery loop sends due rows and settles them.
--   confirmation  a booking with contact e-mail became confirmed (booked directly, or a hold confirmed)
--   move          a confirmed booking with contact e-mail moved (its revision is the calendar's SEQUENCE)
--   cancellation  a confirmed booking with contact e-mail was cancelled
-- A row is pending until it is sent, found stale (a later change superseded it: no confirmation of a time moved
-- away from or cancelled), or dead (retries ran out). Erasing the contact drops what is still pending.
CREATE TABLE outbox (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    appointment_id uuid NOT NULL REFERENCES appointment (id) ON DELETE CASCADE,
    kind           text NOT NULL CHECK (kind IN ('confirmation', 'move', 'cancellation')),
    revision       int NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    due_at         timestamptz,   -- NULL: due at once; after a failed try, when to try again (the engine's clock)
    attempts       int NOT NULL DEFAULT 0,
    state          text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'stale', 'dead')),
    settled_at     timestamptz,
    last_error     text
);
CREATE INDEX outbox_due ON outbox (due_at NULLS FIRST) WHERE state = 'pending';
CREATE INDEX outbox_appointment ON outbox (appointment_id);

CREATE FUNCTION termin_outbox_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox (appointment_id, kind, revision)
    SELECT n.id, 'confirmation', n.revision FROM inserted n WHERE n.status = 'confirmed' AND n.contact_email IS NOT NULL;
    RETURN NULL;
END $$;

CREATE FUNCTION termin_outbox_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM outbox x USING previous o JOIN updated n ON n.id = o.id
    WHERE x.appointment_id = n.id AND x.state = 'pending' AND o.contact_email IS NOT NULL AND n.contact_email IS NULL;
    INSERT INTO outbox (appointment_id, kind, revision)
    SELECT n.id, CASE WHEN o.status = 'held' THEN 'confirmation'
                      WHEN n.status = 'cancelled' THEN 'cancellation' ELSE 'move' END, n.revision
    FROM previous o JOIN updated n ON n.id = o.id
    WHERE n.contact_email IS NOT NULL
      AND ((o.status = 'held' AND n.status = 'confirmed')
        OR (o.status = 'confirmed' AND n.status = 'cancelled')
        OR (o.status = 'confirmed' AND n.status = 'confirmed' AND n.revision > o.revision));
    RETURN NULL;
END $$;

CREATE TRIGGER appointment_outbox_inserted AFTER INSERT ON appointment
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION termin_outbox_inserted();
CREATE TRIGGER appointment_outbox_updated AFTER UPDATE ON appointment
    REFERENCING OLD TABLE AS previous NEW TABLE AS updated FOR EACH STATEMENT EXECUTE FUNCTION termin_outbox_updated();
