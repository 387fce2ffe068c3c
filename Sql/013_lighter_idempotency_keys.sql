-- A portal sends an Idempotency-Key with every booking, so a key's row must cost little beside its appointment's.
-- Its foreign key only cost a check query per keyed booking: the key's row is written by the same statement as its
-- appointment (AppointmentRepository.insert), and appointments are never deleted. The purge's index on created_at
-- becomes a BRIN index: keys arrive in created_at order, so block ranges find the old ones as well, at nearly no cost
-- per row.
ALTER TABLE idempotency_key DROP CONSTRAINT idempotency_key_appointment_id_fkey;
DROP INDEX idempotency_key_created;
CREATE INDEX idempotency_key_created ON idempotency_key USING brin (created_at);
