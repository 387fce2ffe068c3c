-- A booking whose citizen did not come: its time has passed and is no longer held (the walk-in counters mark it;
-- the demo history has them too). Forecasts count no-shows apart from kept appointments.
ALTER TABLE appointment DROP CONSTRAINT appointment_status_check;
ALTER TABLE appointment ADD CONSTRAINT appointment_status_check
    CHECK (status IN ('held', 'confirmed', 'cancelled', 'expired', 'no_show'));
