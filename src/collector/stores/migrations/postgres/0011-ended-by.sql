-- ended by: whether the citizen sent a response or the idle timeout stored it once the core was done
-- PostgreSQL mirror of the SQLite step: NULL for kiosks older than the field. endedByTimeout is the
-- tally flag bit 16, so the tallies' flags check widens to 0–31 (no stored row carries the bit yet).
ALTER TABLE responses ADD COLUMN ended_by text COLLATE "C" CHECK (ended_by IN ('citizen', 'timeout'));
ALTER TABLE tallies DROP CONSTRAINT tallies_flags_check;
ALTER TABLE tallies ADD CONSTRAINT tallies_flags_check CHECK (flags BETWEEN 0 AND 31);
