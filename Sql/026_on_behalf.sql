-- Booking on a citizen's behalf. Besides clerks, two roles book for people who cannot book themselves: helpers (at
-- the places they name) and intermediaries (social services, the 115 hotline: at every help desk, mobile stop and
-- call-back line, within a daily quota of bookings). Every booking made with a staff token is recorded in the audit
-- log as `booking.on-behalf` in the booking's transaction; an intermediary's quota counts those lines of the day,
-- under a lock on the account, so two instances never let it pass its quota together.
ALTER TABLE staff_account DROP CONSTRAINT staff_account_role_check;
ALTER TABLE staff_account DROP CONSTRAINT staff_account_check;
ALTER TABLE staff_account
    ADD CONSTRAINT staff_account_role_check
        CHECK (role IN ('clerk', 'lead', 'planner', 'admin', 'helper', 'intermediary')),
    ADD CONSTRAINT staff_account_offices_named CHECK (role NOT IN ('clerk', 'lead', 'helper') OR cardinality(office_ids) > 0),
    ADD COLUMN daily_quota int CHECK (daily_quota >= 1),
    ADD CONSTRAINT staff_account_quota_of_intermediaries CHECK (daily_quota IS NULL OR role = 'intermediary');

CREATE INDEX audit_log_on_behalf ON audit_log (staff_id, at) WHERE action = 'booking.on-behalf';
