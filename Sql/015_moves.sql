-- Moving a booking keeps its id and code and changes its office, desk and time in place; `revision` counts the moves
-- (the SEQUENCE of its iCalendar event), `moved_at` is the last one.
ALTER TABLE appointment ADD COLUMN revision int NOT NULL DEFAULT 0, ADD COLUMN moved_at timestamptz;

-- Ledger notifications: besides appointments becoming live or ending, a live appointment that moves is announced as
-- '-' at its old time, then '+' at its new one (instances apply the lines in order).
CREATE OR REPLACE FUNCTION termin_appointment_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM termin_notify_ledger(ARRAY(
        SELECT line FROM (
            SELECT 0 AS step, o.id, termin_ledger_line('-', o) AS line
            FROM updated n JOIN previous o ON o.id = n.id
            WHERE o.status IN ('held', 'confirmed')
              AND (n.status NOT IN ('held', 'confirmed') OR n.desk_id <> o.desk_id OR n.span <> o.span)
            UNION ALL
            SELECT 1, n.id, termin_ledger_line('+', n)
            FROM updated n JOIN previous o ON o.id = n.id
            WHERE n.status IN ('held', 'confirmed')
              AND (o.status NOT IN ('held', 'confirmed') OR n.desk_id <> o.desk_id OR n.span <> o.span)
        ) changed ORDER BY step, id));
    RETURN NULL;
END $$;
