-- A full group session's waiting list. A citizen with an e-mail address waits for a seat and gets a code on joining;
-- when a seat frees, the first waiting is seated at once: a booking of the seat carrying that code, written with the
-- entry's change in one transaction (and mailed as any booking is). First joined, first seated.
CREATE TABLE session_wait (
    id               uuid PRIMARY KEY,
    session_id       bigint NOT NULL REFERENCES group_session (id),
    code_hash        bytea NOT NULL CHECK (length(code_hash) = 32),
    contact_name     text,
    contact_email    text,                                     -- erased with the contact data; a waiting entry has one
    contact_language text,
    place            bigserial NOT NULL,                       -- the order of joining
    joined_at        timestamptz NOT NULL,
    appointment_id   uuid REFERENCES appointment (id),         -- the seat, once given
    left_at          timestamptz,
    CHECK (appointment_id IS NULL OR left_at IS NULL)
);
CREATE INDEX session_wait_waiting ON session_wait (session_id, place) WHERE appointment_id IS NULL AND left_at IS NULL;
