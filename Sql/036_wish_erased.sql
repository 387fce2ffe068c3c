-- A wish for an earlier time goes with its booking's contact data. That is erased some days after the booking's day:
-- then no offer can reach the citizen, and the booking is past. So the list holds only bookings
-- still to come, and a pass over it reads only those, however many bookings the city has had.
CREATE FUNCTION termin_wish_erased() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM earlier_wish WHERE appointment_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER appointment_wish_erased AFTER UPDATE OF contact_email ON appointment FOR EACH ROW
    WHEN (OLD.contact_email IS NOT NULL AND NEW.contact_email IS NULL) EXECUTE FUNCTION termin_wish_erased();

DELETE FROM earlier_wish w USING appointment a WHERE a.id = w.appointment_id AND a.contact_email IS NULL;
