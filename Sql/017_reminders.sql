-- Reminders: a message `reminder_hours` before a booking's start (the delivery loop schedules it; the hours are the
-- engine's setting), one per booking and revision, so a moved booking is reminded of its new time once.
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('confirmation', 'move', 'cancellation', 'reminder'));
CREATE UNIQUE INDEX outbox_one_reminder ON outbox (appointment_id, revision) WHERE kind = 'reminder';
