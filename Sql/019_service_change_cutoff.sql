-- A service may need a longer cut-off than its office (documents prepared ahead, an interpreter booked): a booking's
-- cut-off for citizens' moves and cancellations is the longest of its office's and its services' (NULL: the office's).
ALTER TABLE service ADD COLUMN change_cutoff_minutes int CHECK (change_cutoff_minutes BETWEEN 0 AND 43200);

CREATE FUNCTION termin_change_cutoff_minutes(office_id bigint, service_ids bigint[]) RETURNS int LANGUAGE sql STABLE AS $$
    SELECT greatest(o.change_cutoff_minutes,
                    (SELECT max(s.change_cutoff_minutes) FROM service s WHERE s.id = ANY(service_ids)))
    FROM office o WHERE o.id = office_id
$$;
