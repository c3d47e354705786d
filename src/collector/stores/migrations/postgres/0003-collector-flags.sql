-- collector flags: what the collector itself notices about a response (the kiosk's clock off, a place other than its device's) is kept beside it, never instead of it
ALTER TABLE responses ADD COLUMN clock_skew_ms bigint;
ALTER TABLE responses ADD COLUMN flag_clock_skew boolean NOT NULL DEFAULT false;
ALTER TABLE responses ADD COLUMN placed_at text COLLATE "C";
ALTER TABLE responses ADD COLUMN flag_place_mismatch boolean NOT NULL DEFAULT false;
UPDATE responses SET placed_at = completed_at;
-- Every insert names placed_at since this step, so PostgreSQL can hold it to that (SQLite cannot add NOT NULL in place).
ALTER TABLE responses ALTER COLUMN placed_at SET NOT NULL;
CREATE INDEX responses_placed_at ON responses (placed_at);
