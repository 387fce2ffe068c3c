-- Lookups in tables that grow with every booking and keep what they had, each by an index of its own (without one,
-- each reads the whole table):
-- * A waiting-list entry by the booking its seat became: the outbox's claim asks for it with every mail it sends (a
--   seated entry's code is the one the mail carries), and deleting an appointment (a hold a booking moves onto)
--   checks the foreign key.
-- * The dead messages an admin lists, newest first, among every message ever settled.
CREATE INDEX session_wait_appointment ON session_wait (appointment_id) WHERE appointment_id IS NOT NULL;
CREATE INDEX outbox_dead ON outbox (settled_at DESC, id) WHERE state = 'dead';
