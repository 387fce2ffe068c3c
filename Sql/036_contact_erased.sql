-- What goes with a booking's contact data when it is erased (some days after the booking's day), in one trigger:
-- the mail still pending (nothing is sent after erasure), and its wish for an earlier time (no offer can reach the
-- citizen, and the booking is past). So the earlier-time list holds only bookings still to come, and a pass over it
-- reads only those, however many bookings the city has had.
DROP TRIGGER appointment_outbox_erased ON appointment;
DROP FUNCTION termin_outbox_erased();
CREATE FUNCTION termin_contact_erased() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM outbox WHERE appointment_id = NEW.id AND state = 'pending' AND receiver_id IS NULL;
    DELETE FROM earlier_wish WHERE appointment_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER appointment_contact_erased AFTER UPDATE OF contact_email ON appointment FOR EACH ROW
    WHEN (OLD.contact_email IS NOT NULL AND NEW.contact_email IS NULL) EXECUTE FUNCTION termin_contact_erased();

DELETE FROM earlier_wish w USING appointment a WHERE a.id = w.appointment_id AND a.contact_email IS NULL;
