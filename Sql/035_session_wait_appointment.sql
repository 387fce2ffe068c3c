-- A waiting-list entry is found by the booking its seat became: the outbox's claim asks it for every mail it sends
-- (a seated entry's code is the one the mail carries), and deleting an appointment (a hold a booking moves onto)
-- checks its foreign key. Without an index both read the whole list, which grows with every session held.
CREATE INDEX session_wait_appointment ON session_wait (appointment_id) WHERE appointment_id IS NOT NULL;
