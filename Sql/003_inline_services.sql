-- A booking's services travel in its own row (at most 5, always read together) instead of a row each in
-- appointment_service: one row, one statement and no foreign-key trigger less per booking on the hot path.
-- The catalogue validates service ids before a row is written.
ALTER TABLE appointment ADD COLUMN service_ids bigint[], ADD COLUMN quantities int[];

UPDATE appointment a SET service_ids = s.ids, quantities = s.quantities
FROM (SELECT appointment_id, array_agg(service_id ORDER BY position) AS ids,
             array_agg(quantity ORDER BY position) AS quantities
      FROM appointment_service GROUP BY appointment_id) s
WHERE s.appointment_id = a.id;

ALTER TABLE appointment
    ALTER COLUMN service_ids SET NOT NULL,
    ALTER COLUMN quantities SET NOT NULL,
    ADD CONSTRAINT appointment_services_shape CHECK (
        cardinality(service_ids) BETWEEN 1 AND 5 AND cardinality(quantities) = cardinality(service_ids)
        AND 0 < ALL (quantities));

DROP TABLE appointment_service;

-- Only the ledger rebuild at start-up reads live rows by day; a scan then is cheaper than an index entry for
-- every booking.
DROP INDEX appointment_live_day;
