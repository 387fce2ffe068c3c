-- Instances hear of each other's changes to desk time: after every statement that makes appointments live or
-- ends them, one notification per ~7,000 bytes on channel termin_ledger. The first line is the writer's
-- application_name (an instance skips its own); each further line is
--   op,id,office_id,desk_id,day,start_unit,units,channel   with op '+' (now live) or '-' (no longer live).
-- Notifications are delivered at commit, in commit order, and never for a rolled-back transaction.
CREATE FUNCTION termin_notify_ledger(lines text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    header  text := coalesce(current_setting('application_name', true), '') || E'\n';
    payload text := header;
    line    text;
BEGIN
    FOREACH line IN ARRAY coalesce(lines, '{}') LOOP
        IF length(payload) + length(line) > 7000 THEN
            PERFORM pg_notify('termin_ledger', payload);
            payload := header;
        END IF;
        payload := payload || line || E'\n';
    END LOOP;
    IF payload <> header THEN
        PERFORM pg_notify('termin_ledger', payload);
    END IF;
END $$;

CREATE FUNCTION termin_ledger_line(op text, a appointment) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws(',', op, a.id, a.office_id, a.desk_id, a.day, a.start_unit, a.units, a.channel)
$$;

CREATE FUNCTION termin_appointment_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM termin_notify_ledger(ARRAY(
        SELECT termin_ledger_line('+', n) FROM inserted n WHERE n.status IN ('held', 'confirmed')));
    RETURN NULL;
END $$;

CREATE FUNCTION termin_appointment_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM termin_notify_ledger(ARRAY(
        SELECT termin_ledger_line(CASE WHEN n.status IN ('held', 'confirmed') THEN '+' ELSE '-' END, n)
        FROM updated n JOIN previous o ON o.id = n.id
        WHERE (o.status IN ('held', 'confirmed')) <> (n.status IN ('held', 'confirmed'))));
    RETURN NULL;
END $$;

CREATE FUNCTION termin_appointment_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM termin_notify_ledger(ARRAY(
        SELECT termin_ledger_line('-', o) FROM previous o WHERE o.status IN ('held', 'confirmed')));
    RETURN NULL;
END $$;

CREATE TRIGGER appointment_inserted AFTER INSERT ON appointment
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION termin_appointment_inserted();
CREATE TRIGGER appointment_updated AFTER UPDATE ON appointment
    REFERENCING OLD TABLE AS previous NEW TABLE AS updated FOR EACH STATEMENT EXECUTE FUNCTION termin_appointment_updated();
CREATE TRIGGER appointment_deleted AFTER DELETE ON appointment
    REFERENCING OLD TABLE AS previous FOR EACH STATEMENT EXECUTE FUNCTION termin_appointment_deleted();
