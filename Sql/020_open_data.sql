-- How far ahead the next free online appointment lay, per office and day, as the engine saw it on that day (once per
-- office and day, the first time it looked): the open data's "days ahead" column. Nothing personal.
CREATE TABLE office_next_free (
    office_id   bigint NOT NULL REFERENCES office(id),
    day         date NOT NULL,
    -- Whole days from `day` to the day of the first free online start; NULL when nothing was free in the window looked at.
    days_ahead  int CHECK (days_ahead >= 0),
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (office_id, day)
);
