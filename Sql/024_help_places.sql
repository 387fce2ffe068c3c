-- Places besides citizen offices, and the helpers who serve at them.
--
-- A place has a kind: a citizen office (every office so far), an in-person help desk, a stop of a mobile office (its
-- date and hours are its opening rules; `route` names the route its stops make up) or a call-back line (the helper
-- calls the citizen). Demo data, which the city did not publish, says so in `demo`.
ALTER TABLE office
    ADD COLUMN kind  text NOT NULL DEFAULT 'citizen_office' CHECK (kind IN ('citizen_office', 'help_desk', 'mobile', 'phone')),
    ADD COLUMN route text CHECK (route IS NULL OR kind = 'mobile'),
    ADD COLUMN demo  boolean NOT NULL DEFAULT false;

-- A helper: a member of staff or a volunteer, with the languages they help in (ISO 639-1 codes) and the services they
-- help with (their skills).
CREATE TABLE helper (
    id        bigint PRIMARY KEY,
    name      text NOT NULL CHECK (name <> ''),
    languages text[] NOT NULL CHECK (cardinality(languages) > 0),
    demo      boolean NOT NULL DEFAULT false
);

CREATE TABLE helper_skill (
    helper_id  bigint NOT NULL REFERENCES helper (id),
    service_id bigint NOT NULL REFERENCES service (id),
    PRIMARY KEY (helper_id, service_id)
);

-- A helper serves at a place through a desk of that place that is theirs: appointments with the helper are
-- appointments on that desk, which is open during the helper's shifts there (not by the place's opening rules) and
-- qualified for the helper's skills. A desk's helper never changes.
ALTER TABLE desk ADD COLUMN helper_id bigint REFERENCES helper (id);
CREATE UNIQUE INDEX desk_one_per_helper_and_place ON desk (helper_id, office_id) WHERE helper_id IS NOT NULL;

CREATE FUNCTION termin_desk_helper_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.helper_id IS DISTINCT FROM OLD.helper_id THEN
        RAISE EXCEPTION 'desk % belongs to helper % for good', OLD.id, OLD.helper_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER desk_helper_kept BEFORE UPDATE OF helper_id ON desk FOR EACH ROW EXECUTE FUNCTION termin_desk_helper_kept();

-- When a helper's desk is open: like an opening rule, for one desk. One helper's shifts never overlap, at one place or
-- at two: a helper is never at two places at once, a mobile stop included.
CREATE TABLE helper_shift (
    id           bigserial PRIMARY KEY,
    desk_id      bigint NOT NULL REFERENCES desk (id),
    weekdays     int[] NOT NULL CHECK (weekdays <@ ARRAY[1,2,3,4,5,6,7] AND cardinality(weekdays) > 0),
    valid_from   date NOT NULL,
    valid_to     date CHECK (valid_to IS NULL OR valid_to >= valid_from),
    start_minute int NOT NULL CHECK (start_minute >= 0),
    end_minute   int NOT NULL CHECK (end_minute <= 1440 AND end_minute > start_minute)
);
CREATE INDEX helper_shift_of_desk ON helper_shift (desk_id);

-- Refuses a shift on a desk without a helper, and one that overlaps another shift of the same helper. Shifts of one
-- helper are checked one at a time (the helper's row is locked), so two concurrent inserts cannot both pass.
CREATE FUNCTION termin_helper_shift_checked() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owner bigint;
BEGIN
    SELECT helper_id INTO owner FROM desk WHERE id = NEW.desk_id;
    IF owner IS NULL THEN
        RAISE EXCEPTION 'desk % has no helper; shifts are a helper''s hours', NEW.desk_id USING ERRCODE = 'check_violation';
    END IF;
    PERFORM 1 FROM helper WHERE id = owner FOR UPDATE;
    IF EXISTS (
        SELECT 1 FROM helper_shift s JOIN desk d ON d.id = s.desk_id
        WHERE d.helper_id = owner AND s.id <> NEW.id
          AND s.weekdays && NEW.weekdays
          AND s.start_minute < NEW.end_minute AND NEW.start_minute < s.end_minute
          AND daterange(s.valid_from, s.valid_to, '[]') && daterange(NEW.valid_from, NEW.valid_to, '[]')) THEN
        RAISE EXCEPTION 'helper % already has a shift at that time', owner USING ERRCODE = 'exclusion_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER helper_shift_checked BEFORE INSERT OR UPDATE ON helper_shift
    FOR EACH ROW EXECUTE FUNCTION termin_helper_shift_checked();

-- Helper time as rows, as desk time (Sql/009): one row per 5 minutes a live appointment takes of a helper, whichever
-- place it is at. Their primary key is the database's own guarantee that no helper is booked twice at one time.
CREATE TABLE helper_time (
    helper_id      bigint NOT NULL,
    unit5          bigint NOT NULL,
    appointment_id uuid NOT NULL,
    PRIMARY KEY (helper_id, unit5)
);

CREATE FUNCTION termin_helper_time_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO helper_time (helper_id, unit5, appointment_id)
    SELECT d.helper_id, u, n.id
    FROM inserted n JOIN desk d ON d.id = n.desk_id AND d.helper_id IS NOT NULL, termin_span_units(n.span) u
    WHERE n.status IN ('held', 'confirmed');
    RETURN NULL;
END $$;

CREATE FUNCTION termin_helper_time_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM helper_time h USING previous o JOIN updated n ON n.id = o.id JOIN desk d ON d.id = o.desk_id
    WHERE o.status IN ('held', 'confirmed')
      AND (n.status NOT IN ('held', 'confirmed') OR n.desk_id <> o.desk_id OR n.span <> o.span)
      AND h.helper_id = d.helper_id AND h.appointment_id = o.id
      AND h.unit5 >= extract(epoch FROM lower(o.span))::bigint / 300 AND h.unit5 < extract(epoch FROM upper(o.span))::bigint / 300;
    INSERT INTO helper_time (helper_id, unit5, appointment_id)
    SELECT d.helper_id, u, n.id
    FROM updated n JOIN previous o ON o.id = n.id JOIN desk d ON d.id = n.desk_id AND d.helper_id IS NOT NULL,
         termin_span_units(n.span) u
    WHERE n.status IN ('held', 'confirmed')
      AND (o.status NOT IN ('held', 'confirmed') OR n.desk_id <> o.desk_id OR n.span <> o.span);
    RETURN NULL;
END $$;

CREATE FUNCTION termin_helper_time_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM helper_time h USING previous o JOIN desk d ON d.id = o.desk_id
    WHERE o.status IN ('held', 'confirmed') AND h.helper_id = d.helper_id AND h.appointment_id = o.id
      AND h.unit5 >= extract(epoch FROM lower(o.span))::bigint / 300 AND h.unit5 < extract(epoch FROM upper(o.span))::bigint / 300;
    RETURN NULL;
END $$;

CREATE TRIGGER appointment_helper_time_inserted AFTER INSERT ON appointment
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION termin_helper_time_inserted();
CREATE TRIGGER appointment_helper_time_updated AFTER UPDATE ON appointment
    REFERENCING OLD TABLE AS previous NEW TABLE AS updated FOR EACH STATEMENT EXECUTE FUNCTION termin_helper_time_updated();
CREATE TRIGGER appointment_helper_time_deleted AFTER DELETE ON appointment
    REFERENCING OLD TABLE AS previous FOR EACH STATEMENT EXECUTE FUNCTION termin_helper_time_deleted();
