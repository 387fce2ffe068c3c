-- Per-identity caps on online bookings. A citizen's identity is a keyed hash (HMAC-SHA-256) of the pseudonym the
-- portal passes or of the normalised contact e-mail; only the hash is stored. Live bookings and recent
-- cancellations are counted from appointment rows; writers hold a transaction-scoped advisory lock per identity
-- while they count and insert, so instances never both admit a booking past the cap.
ALTER TABLE appointment ADD COLUMN identity_hash bytea CHECK (length(identity_hash) = 32);
CREATE INDEX appointment_identity ON appointment (identity_hash) WHERE identity_hash IS NOT NULL;

ALTER TABLE round_request ADD COLUMN identity_hash bytea CHECK (length(identity_hash) = 32);

-- At most one open (collected, not yet settled) request per identity and service: a row per service of every open
-- request, removed when the request is settled and moved to its copy when it is carried over.
CREATE TABLE open_request_claim (
    identity_hash bytea NOT NULL CHECK (length(identity_hash) = 32),
    service_id    bigint NOT NULL,
    request_id    uuid NOT NULL REFERENCES round_request(id),
    PRIMARY KEY (identity_hash, service_id)
);
CREATE INDEX open_request_claim_request ON open_request_claim (request_id);

-- Keys the deployment did not give in its environment, made once and shared by every instance.
CREATE TABLE termin_secret (
    name       text PRIMARY KEY,
    value      bytea NOT NULL CHECK (length(value) >= 16),
    created_at timestamptz NOT NULL DEFAULT now()
);
