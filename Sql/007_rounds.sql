-- Release rounds: scarce office-days allocated at once by the solver instead of first come first served.

-- A round claims the office-days of its offices and dates for its services from creation until it is closed:
-- online first-come bookings there are refused; requests are collected while it is open (opens_at..closes_at) and
-- allocated when it closes. The seed is drawn at creation and kept secret until the close; its SHA-256 is published
-- at once (the commitment).
CREATE TABLE release_round (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    office_ids  bigint[] NOT NULL CHECK (cardinality(office_ids) BETWEEN 1 AND 20),
    service_ids bigint[] NOT NULL CHECK (cardinality(service_ids) BETWEEN 1 AND 50),
    first_date  date NOT NULL,
    last_date   date NOT NULL,
    opens_at    timestamptz NOT NULL,
    closes_at   timestamptz NOT NULL,
    seed        bytea NOT NULL CHECK (length(seed) = 32),
    commitment  bytea NOT NULL CHECK (commitment = sha256(seed)),
    created_by  bigint NOT NULL REFERENCES staff_account(id),
    created_at  timestamptz NOT NULL,
    -- Set by the one transaction that allocates the round; the report is written with it.
    closed_at   timestamptz,
    report      jsonb,
    CHECK (first_date <= last_date AND last_date - first_date < 31),
    CHECK (opens_at < closes_at),
    CHECK ((closed_at IS NULL) = (report IS NULL))
);
CREATE INDEX release_round_unclosed ON release_round (closes_at) WHERE closed_at IS NULL;

-- A citizen's request collected by a round. Its code (only the SHA-256 is kept) reads it, and becomes the code of
-- the booking it wins.
CREATE TABLE round_request (
    id             uuid PRIMARY KEY,
    round_id       bigint NOT NULL REFERENCES release_round(id),
    code_hash      bytea NOT NULL CHECK (length(code_hash) = 32),
    service_ids    bigint[] NOT NULL,
    quantities     int[] NOT NULL CHECK (cardinality(quantities) = cardinality(service_ids)),
    -- Acceptable offices, most preferred first.
    office_ids     bigint[] NOT NULL CHECK (cardinality(office_ids) >= 1),
    windows_from   timestamptz[] NOT NULL CHECK (cardinality(windows_from) >= 1),
    windows_to     timestamptz[] NOT NULL CHECK (cardinality(windows_to) = cardinality(windows_from)),
    needs          text[] NOT NULL DEFAULT '{}',
    priority       int NOT NULL CHECK (priority BETWEEN 1 AND 3),
    -- Added to the priority for the allocation: one per round a request was carried over from, at most 2.
    boost          int NOT NULL DEFAULT 0 CHECK (boost BETWEEN 0 AND 2),
    contact_name   text,
    contact_email  text,
    created_at     timestamptz NOT NULL,
    outcome        text NOT NULL DEFAULT 'collected' CHECK (outcome IN ('collected', 'served', 'unserved', 'carried')),
    -- 1 = the lottery's best, set at the close.
    lottery_rank   int,
    appointment_id uuid UNIQUE REFERENCES appointment(id),
    carried_to     uuid REFERENCES round_request(id),
    CHECK ((outcome = 'served') = (appointment_id IS NOT NULL)),
    CHECK ((outcome = 'carried') = (carried_to IS NOT NULL)),
    CHECK ((outcome = 'collected') = (lottery_rank IS NULL))
);
CREATE INDEX round_request_round ON round_request (round_id);
