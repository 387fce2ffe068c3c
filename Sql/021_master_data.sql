-- Master data changed through the API: a desk can be taken out of service, a closure says why, and every change
-- raises the catalogue's revision and announces it on termin_ledger (a line `catalog,<revision>`), in commit order
-- with the appointments' changes, so every instance reads the new master data at once.
ALTER TABLE desk ADD COLUMN in_service boolean NOT NULL DEFAULT true;

CREATE TABLE catalog_revision (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    revision  bigint NOT NULL CHECK (revision >= 0)
);
INSERT INTO catalog_revision (revision) VALUES (0);

-- Raises the revision and announces it; call in the transaction that changes master data. Returns the new revision.
CREATE FUNCTION termin_catalog_changed() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    raised bigint;
BEGIN
    UPDATE catalog_revision SET revision = revision + 1 RETURNING revision INTO raised;
    PERFORM pg_notify('termin_ledger', coalesce(current_setting('application_name', true), '') || E'\ncatalog,' || raised || E'\n');
    RETURN raised;
END $$;
