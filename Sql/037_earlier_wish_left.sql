-- Leaving the earlier-time list keeps the wish, marked left: its count of offers made (at most `offers_max` a booking,
-- however often the citizen leaves and joins again) and its last offer, whose hold stays the booking's alone until it
-- runs out (joining again before then holds no second time beside it). A left wish waits for no offer.
ALTER TABLE earlier_wish ADD COLUMN left_at timestamptz;
