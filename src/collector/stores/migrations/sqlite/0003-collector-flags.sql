-- collector flags: what the collector itself notices about a response (the kiosk's clock off, a place other than its device's) is kept beside it, never instead of it
ALTER TABLE responses ADD COLUMN clock_skew_ms INTEGER;
ALTER TABLE responses ADD COLUMN flag_clock_skew INTEGER NOT NULL DEFAULT 0 CHECK (flag_clock_skew IN (0, 1));
ALTER TABLE responses ADD COLUMN placed_at TEXT;
ALTER TABLE responses ADD COLUMN flag_place_mismatch INTEGER NOT NULL DEFAULT 0 CHECK (flag_place_mismatch IN (0, 1));
UPDATE responses SET placed_at = completed_at;
CREATE INDEX responses_placed_at ON responses (placed_at);
