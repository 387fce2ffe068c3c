-- A new release round is announced on termin_ledger (a line `round,<id>`), so that every instance suspends first come
-- first served on its days at once, not only when it next reads the rounds (every second): a round created on one
-- instance to open now was unknown to the others meanwhile, which booked its days first come.
CREATE FUNCTION termin_round_announced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('termin_ledger', coalesce(current_setting('application_name', true), '') || E'\nround,' || NEW.id || E'\n');
    RETURN NULL;
END $$;
CREATE TRIGGER release_round_announced AFTER INSERT ON release_round FOR EACH ROW EXECUTE FUNCTION termin_round_announced();
