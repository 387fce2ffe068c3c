-- A portal sends an Idempotency-Key with every booking, so a key must cost little beside its booking: it moves into
-- its appointment's row (one row and one index entry instead of a second table's row, its two indexes and a foreign
-- key). The key's request fingerprint (SHA-256) and the code the first answer carried (for a replay) stay while the
-- key is kept; the housekeeping clears all three after a day. A key answers for one appointment only.
ALTER TABLE appointment
    ADD COLUMN idempotency_key text CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    ADD COLUMN idempotency_fingerprint bytea,
    ADD COLUMN idempotency_code text,
    ADD CONSTRAINT appointment_idempotency_whole CHECK (
        (idempotency_key IS NULL) = (idempotency_fingerprint IS NULL) AND (idempotency_key IS NULL) = (idempotency_code IS NULL));
UPDATE appointment a SET idempotency_key = k.key, idempotency_fingerprint = k.fingerprint, idempotency_code = k.code
FROM idempotency_key k WHERE k.appointment_id = a.id;
CREATE UNIQUE INDEX appointment_idempotency_key ON appointment (idempotency_key) WHERE idempotency_key IS NOT NULL;
DROP TABLE idempotency_key;
