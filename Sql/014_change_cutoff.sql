-- How late a citizen may cancel (and, once appointments can be moved, move) an online booking: until this many minutes
-- before its start. One rule for both, so that moving is never harder than cancelling; staff are not bound by it.
ALTER TABLE office ADD COLUMN change_cutoff_minutes int NOT NULL DEFAULT 120 CHECK (change_cutoff_minutes BETWEEN 0 AND 43200);
