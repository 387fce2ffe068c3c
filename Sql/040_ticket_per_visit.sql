-- An appointment's ticket stands for one visit: the office and day its holder checked in at. A booking moved after its
-- holder checked in (a clerk giving a later day, or another office) is checked in there anew, with a ticket of that
-- day; the earlier visit's ticket stays as it was. (One ticket per appointment ever returned last week's ticket at the
-- next visit's kiosk: a number no desk would call that day.)
ALTER TABLE queue_ticket DROP CONSTRAINT queue_ticket_appointment_id_key;
CREATE UNIQUE INDEX queue_ticket_visit ON queue_ticket (appointment_id, office_id, day) WHERE appointment_id IS NOT NULL;
