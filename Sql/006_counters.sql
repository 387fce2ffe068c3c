-- Walk-in counters: staff accounts, the append-only audit log, and each office's queue of the day.

-- A staff member's account. The token is shown once at creation; only its SHA-256 is kept. An empty office list
-- means every office (admins and planners); clerks and leads always name theirs.
CREATE TABLE staff_account (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role         text NOT NULL CHECK (role IN ('clerk', 'lead', 'planner', 'admin')),
    office_ids   bigint[] NOT NULL DEFAULT '{}',
    token_sha256 bytea NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    CHECK (role NOT IN ('clerk', 'lead') OR cardinality(office_ids) > 0)
);

-- Who did what to which ticket or booking, when. No contact data: subjects are ids and display numbers.
CREATE TABLE audit_log (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL,
    office_id bigint NOT NULL,
    -- The staff account that acted; NULL when a citizen acted (at the kiosk, with a booking code) or the engine did.
    staff_id  bigint REFERENCES staff_account(id),
    actor     text NOT NULL CHECK (actor IN ('staff', 'kiosk', 'citizen', 'engine')),
    action    text NOT NULL CHECK (length(action) BETWEEN 1 AND 40),
    subject   text NOT NULL CHECK (length(subject) BETWEEN 1 AND 80),
    detail    text CHECK (length(detail) <= 400),
    CHECK ((actor = 'staff') = (staff_id IS NOT NULL))
);
CREATE INDEX audit_log_office_at ON audit_log (office_id, at);

CREATE FUNCTION termin_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION termin_audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION termin_audit_log_append_only();

-- The last display number drawn per office, day and kind (W for walk-ins, T for appointment holders).
CREATE TABLE queue_number (
    office_id bigint NOT NULL,
    day       date NOT NULL,
    kind      text NOT NULL CHECK (kind IN ('walk_in', 'appointment')),
    last      int NOT NULL CHECK (last BETWEEN 1 AND 999),
    PRIMARY KEY (office_id, day, kind)
);

-- One citizen in an office's queue of one day.
CREATE TABLE queue_ticket (
    id                     uuid PRIMARY KEY,
    office_id              bigint NOT NULL REFERENCES office(id),
    day                    date NOT NULL,
    kind                   text NOT NULL CHECK (kind IN ('walk_in', 'appointment')),
    number                 int NOT NULL CHECK (number BETWEEN 1 AND 999),
    service_ids            bigint[] NOT NULL CHECK (cardinality(service_ids) BETWEEN 1 AND 5),
    quantities             int[] NOT NULL CHECK (cardinality(quantities) = cardinality(service_ids)),
    appointment_id         uuid UNIQUE REFERENCES appointment(id),
    appointment_start      timestamptz,
    state                  text NOT NULL CHECK (state IN ('waiting', 'called', 'serving', 'done', 'no_show', 'parked',
                                                          'redirected')),
    -- The desk that called or serves it; a desk it was sent to waits in target_desk.
    desk_number            int,
    target_desk            int,
    calls                  int NOT NULL DEFAULT 0 CHECK (calls >= 0),
    arrived_at             timestamptz NOT NULL,
    called_at              timestamptz,
    serving_at             timestamptz,
    finished_at            timestamptz,
    estimated_wait_minutes int,
    -- A ticket sent to another office: the ticket it became there.
    redirected_to          uuid REFERENCES queue_ticket(id),
    UNIQUE (office_id, day, kind, number),
    CHECK ((kind = 'appointment') = (appointment_id IS NOT NULL AND appointment_start IS NOT NULL)),
    CHECK (state NOT IN ('called', 'serving') OR desk_number IS NOT NULL)
);
CREATE INDEX queue_ticket_office_day ON queue_ticket (office_id, day);

-- Desks a lead took out of service for the rest of a day.
CREATE TABLE desk_closure (
    office_id   bigint NOT NULL,
    day         date NOT NULL,
    desk_number int NOT NULL,
    closed_at   timestamptz NOT NULL,
    PRIMARY KEY (office_id, day, desk_number)
);
