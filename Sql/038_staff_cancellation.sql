-- A cancellation's cool-down is the citizen's own: a booking the office cancels (a clerk, for staff who fell ill or a
-- day closed) starts none. A cancellation made without the booking's code is staff's.
ALTER TABLE appointment ADD COLUMN cancelled_by_staff boolean NOT NULL DEFAULT false;
