-- One foreign key in place of two, and a stronger one: an appointment's desk must be a desk of the appointment's
-- office (before, each only had to exist). PostgreSQL checks a foreign key per row with a query of its own; issue
-- 14's profile put the two at about 10 µs of each REST booking.
ALTER TABLE desk ADD CONSTRAINT desk_id_office_id_key UNIQUE (id, office_id);
ALTER TABLE appointment
    ADD CONSTRAINT appointment_desk_of_office FOREIGN KEY (desk_id, office_id) REFERENCES desk (id, office_id),
    DROP CONSTRAINT appointment_office_id_fkey,
    DROP CONSTRAINT appointment_desk_id_fkey;
