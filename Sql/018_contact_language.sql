-- The language a booking's mails are written in (the citizen's choice when booking; NULL: German, with English
-- below). Contact data: erased with name and e-mail.
ALTER TABLE appointment ADD COLUMN contact_language text CHECK (contact_language IN ('de', 'en'));
