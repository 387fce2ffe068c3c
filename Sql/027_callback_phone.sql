-- A call-back line calls the citizen: a booking there carries a phone number, contact data like the e-mail (kept
-- minimal: digits with an optional leading +, and erased with the rest of the contact data).
ALTER TABLE appointment ADD COLUMN contact_phone text CHECK (contact_phone ~ '^\+?[0-9]{6,15}$');

-- The erasure finds the rows with any contact data left by this index.
DROP INDEX appointment_contact_day;
CREATE INDEX appointment_contact_day ON appointment (day)
    WHERE contact_name IS NOT NULL OR contact_email IS NOT NULL OR contact_phone IS NOT NULL;

-- A request collected for a release round keeps the number too, for a call-back it may be placed at.
ALTER TABLE round_request ADD COLUMN contact_phone text CHECK (contact_phone ~ '^\+?[0-9]{6,15}$');
