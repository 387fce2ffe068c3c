-- The earlier-time list: a citizen whose online booking is more than a few days away asks to be offered an earlier
-- time. When one fits, the engine holds it for that booking alone (a hold no one else may confirm or move onto) and
-- mails the offer; taking it is a move onto the hold. A wish stands for the booking at the revision it was made at: a
-- move (the offer taken, or any other) or the end of the booking ends it; opting in again starts it anew at the back of
-- the list, keeping the count of offers made (at most `offers_max` a booking).
CREATE TABLE earlier_wish (
    appointment_id   uuid PRIMARY KEY REFERENCES appointment (id) ON DELETE CASCADE,
    revision         int NOT NULL,          -- the booking's revision the wish is for
    opted_at         timestamptz NOT NULL,
    place            bigserial NOT NULL,    -- the order of opting in: first opted in, first offered
    latest_start     timestamptz,           -- the latest start the citizen accepts; NULL: any before the booking's
    needs            int NOT NULL DEFAULT 0 CHECK (needs >= 0),   -- `Needs` bits the offered desk must meet
    offers           int NOT NULL DEFAULT 0 CHECK (offers >= 0),
    offer_hold_id    uuid,                  -- the last offer's hold, held for this booking until offer_expires_at
    offer_start      timestamptz,           -- its start: never offered to this booking twice in a row
    offer_expires_at timestamptz,
    CHECK ((offer_hold_id IS NULL) = (offers = 0) AND (offer_hold_id IS NULL) = (offer_expires_at IS NULL))
);
CREATE INDEX earlier_wish_order ON earlier_wish (place);
CREATE UNIQUE INDEX earlier_wish_offer_hold ON earlier_wish (offer_hold_id) WHERE offer_hold_id IS NOT NULL;

-- An offer's mail names the hold it offers (the only mail row with a payload: {"hold": id}).
ALTER TABLE outbox
    DROP CONSTRAINT outbox_kind_check,
    ADD CONSTRAINT outbox_kind_check CHECK (CASE WHEN receiver_id IS NULL
        THEN (kind IN ('confirmation', 'move', 'cancellation', 'reminder') AND payload IS NULL)
          OR (kind = 'offer' AND payload ? 'hold')
        ELSE kind IN ('booking.created', 'booking.moved', 'booking.cancelled', 'booking.no_show') AND payload IS NOT NULL END);
