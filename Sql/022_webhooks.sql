-- Webhooks: systems around the engine (the portal, the city's back office) hear of bookings. An admin registers a
-- receiver (a URL, the events it wants, a secret made by the engine); each event is an outbox row for that receiver,
-- written by the statement that changes the booking, like the citizens' mails, with its body fixed at that moment:
--   booking.created    a booking became confirmed (booked directly, or a hold confirmed)
--   booking.moved      a confirmed booking moved (its revision raised)
--   booking.cancelled  a confirmed booking was cancelled
--   booking.no_show    a confirmed booking's citizen did not come
-- The body carries no contact data. Mail rows have no receiver and no body; erasing a contact drops only mail.
CREATE TABLE webhook_receiver (
    id         bigserial PRIMARY KEY,
    url        text NOT NULL CHECK (url ~ '^https?://[^/?#\s]+' AND length(url) <= 2000),
    events     text[] NOT NULL CHECK (cardinality(events) > 0
                   AND events <@ ARRAY['booking.created', 'booking.moved', 'booking.cancelled', 'booking.no_show']),
    secret     bytea NOT NULL CHECK (length(secret) >= 24),
    created_at timestamptz NOT NULL,
    created_by bigint REFERENCES staff_account (id)
);

ALTER TABLE outbox
    ADD COLUMN receiver_id bigint REFERENCES webhook_receiver (id) ON DELETE CASCADE,
    ADD COLUMN payload jsonb,
    DROP CONSTRAINT outbox_kind_check,
    ADD CONSTRAINT outbox_kind_check CHECK (CASE WHEN receiver_id IS NULL
        THEN kind IN ('confirmation', 'move', 'cancellation', 'reminder') AND payload IS NULL
        ELSE kind IN ('booking.created', 'booking.moved', 'booking.cancelled', 'booking.no_show') AND payload IS NOT NULL END);
CREATE INDEX outbox_receiver ON outbox (receiver_id) WHERE receiver_id IS NOT NULL;

-- The body of an event about appointment `a`: Standard Webhooks' {type, timestamp, data}, times in UTC.
CREATE FUNCTION termin_webhook_payload(event text, a appointment) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'type', event,
        'timestamp', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'data', jsonb_build_object(
            'id', a.id, 'office', a.office_id, 'status', a.status, 'revision', a.revision, 'channel', a.channel,
            'start', to_char(lower(a.span) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
            'end', to_char(upper(a.span) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
            'services', (SELECT jsonb_agg(jsonb_build_object('id', s, 'quantity', q) ORDER BY n)
                         FROM unnest(a.service_ids, a.quantities) WITH ORDINALITY AS u(s, q, n))))
$$;

CREATE OR REPLACE FUNCTION termin_outbox_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox (appointment_id, kind, revision)
    SELECT n.id, 'confirmation', n.revision FROM inserted n WHERE n.status = 'confirmed' AND n.contact_email IS NOT NULL;
    INSERT INTO outbox (appointment_id, kind, revision, receiver_id, payload)
    SELECT n.id, 'booking.created', n.revision, r.id, termin_webhook_payload('booking.created', n)
    FROM inserted n JOIN webhook_receiver r ON 'booking.created' = ANY (r.events) WHERE n.status = 'confirmed';
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION termin_outbox_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM outbox x USING previous o JOIN updated n ON n.id = o.id
    WHERE x.appointment_id = n.id AND x.state = 'pending' AND x.receiver_id IS NULL
      AND o.contact_email IS NOT NULL AND n.contact_email IS NULL;
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
