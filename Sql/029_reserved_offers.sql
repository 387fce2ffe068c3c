-- An offer reserved for some people (for example a mobile stop's slots for the residents of a care home): only a
-- helper or an intermediary books it, on their behalf. `reserved_for` names them, to explain a refusal; NULL: anyone.
ALTER TABLE offer ADD COLUMN reserved_for text CHECK (reserved_for IS NULL OR reserved_for <> '');
