-- Holds and bookings. One table so that one exclusion constraint covers both: no desk time is ever given twice.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE appointment (
    id            uuid PRIMARY KEY,
    office_id     bigint NOT NULL REFERENCES office(id),
    desk_id       bigint NOT NULL REFERENCES desk(id),
    day           date NOT NULL,
    start_unit    int NOT NULL CHECK (start_unit >= 0),
    units         int NOT NULL CHECK (units > 0),
    span          tstzrange NOT NULL CHECK (NOT isempty(span) AND lower_inc(span) AND NOT upper_inc(span)),
    channel       text NOT NULL CHECK (channel IN ('online', 'staff', 'walk_in')),
    status        text NOT NULL CHECK (status IN ('held', 'confirmed', 'cancelled', 'expired')),
    expires_at    timestamptz,
    -- SHA-256 of the citizen's secret code; the code itself is never stored.
    code_hash     bytea,
    contact_name  text,
    contact_email text,
    created_at    timestamptz NOT NULL,
    confirmed_at  timestamptz,
    cancelled_at  timestamptz,
    CHECK (status <> 'held' OR expires_at IS NOT NULL),
    CHECK (status NOT IN ('confirmed', 'cancelled') OR code_hash IS NOT NULL),
    EXCLUDE USING gist (desk_id WITH =, span WITH &&) WHERE (status IN ('held', 'confirmed'))
);

CREATE INDEX appointment_live_day ON appointment (day) WHERE status IN ('held', 'confirmed');
CREATE INDEX appointment_hold_expiry ON appointment (expires_at) WHERE status = 'held';

CREATE TABLE appointment_service (
    appointment_id uuid NOT NULL REFERENCES appointment(id) ON DELETE CASCADE,
    position       int NOT NULL CHECK (position >= 0),
    service_id     bigint NOT NULL REFERENCES service(id),
    quantity       int NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (appointment_id, position)
);

-- Client-chosen keys that make booking retries safe. The first answer is kept for a day (it carries the code the
-- citizen needs); afterwards the key is purged.
CREATE TABLE idempotency_key (
    key            text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 255),
    fingerprint    bytea NOT NULL,
    appointment_id uuid NOT NULL REFERENCES appointment(id),
    -- The citizen's code, so that a retry receives the same answer; purged with the key after a day.
    code           text NOT NULL,
    created_at     timestamptz NOT NULL
);
CREATE INDEX idempotency_key_created ON idempotency_key (created_at);
