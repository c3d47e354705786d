-- ended by: whether the citizen sent a response or the idle timeout stored it once the core was done
-- NULL for kiosks older than the field (they never sent it: the citizen ended every response they
-- stored). A response ended by the timeout is a report flag (endedByTimeout), so its tallies carry the
-- bit 16 of their `flags`; no stored row has it yet, so no tally changes.
ALTER TABLE responses ADD COLUMN ended_by TEXT CHECK (ended_by IN ('citizen', 'timeout'));
