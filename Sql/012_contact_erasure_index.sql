-- The sweep erases contact data some days after each appointment's day, through the commit writer: find those rows by
-- an index over just the appointments that still hold contact data, so the erasure never scans the whole history on
-- the writer's path.
CREATE INDEX appointment_contact_day ON appointment (day) WHERE contact_name IS NOT NULL OR contact_email IS NOT NULL;
