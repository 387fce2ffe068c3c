-- The desk-time and helper-time triggers of an UPDATE find the rows that stop holding their old time by joining the
-- statement's old rows with its new ones first, and only then their time rows (by key). Joined the other way round the
-- planner, which cannot know how many rows a transition table holds, compared every old time row with every new row:
-- a batch of moves cost the square of its size.
CREATE OR REPLACE FUNCTION termin_desk_time_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH freed AS MATERIALIZED (
        SELECT o.id, o.desk_id, o.span FROM previous o JOIN updated n ON n.id = o.id
        WHERE o.status IN ('held', 'confirmed')
          AND (n.status NOT IN ('held', 'confirmed') OR n.desk_id <> o.desk_id OR n.span <> o.span))
    DELETE FROM desk_time d USING freed o
    WHERE d.desk_id = o.desk_id AND d.appointment_id = o.id
      AND d.unit5 >= extract(epoch FROM lower(o.span))::bigint / 300 AND d.unit5 < extract(epoch FROM upper(o.span))::bigint / 300;
    INSERT INTO desk_time (desk_id, unit5, appointment_id)
    SELECT n.desk_id, u, n.id FROM updated n JOIN previous o ON o.id = n.id, termin_span_units(n.span) u
    WHERE n.status IN ('held', 'confirmed')
      AND (o.status NOT IN ('held', 'confirmed') OR n.desk_id <> o.desk_id OR n.span <> o.span);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION termin_helper_time_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH freed AS MATERIALIZED (
        SELECT o.id, o.desk_id, o.span FROM previous o JOIN updated n ON n.id = o.id
        WHERE o.status IN ('held', 'confirmed')
          AND (n.status NOT IN ('held', 'confirmed') OR n.desk_id <> o.desk_id OR n.span <> o.span))
    DELETE FROM helper_time h USING freed o JOIN desk d ON d.id = o.desk_id
    WHERE h.helper_id = d.helper_id AND h.appointment_id = o.id
      AND h.unit5 >= extract(epoch FROM lower(o.span))::bigint / 300 AND h.unit5 < extract(epoch FROM upper(o.span))::bigint / 300;
    INSERT INTO helper_time (helper_id, unit5, appointment_id)
    SELECT d.helper_id, u, n.id
    FROM updated n JOIN previous o ON o.id = n.id JOIN desk d ON d.id = n.desk_id AND d.helper_id IS NOT NULL,
         termin_span_units(n.span) u
    WHERE n.status IN ('held', 'confirmed')
      AND (o.status NOT IN ('held', 'confirmed') OR n.desk_id <> o.desk_id OR n.span <> o.span);
    RETURN NULL;
END $$;
