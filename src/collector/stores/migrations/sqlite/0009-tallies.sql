-- tallies: per-item answer counts kept at ingest so reports cost what the answer is worth
-- One scoring tally per group of responses: definition and version, agency, counter, service field
-- answer ('' when none), the stored flags as bits (TALLY_FLAG_BITS in store.ts: tooFast 1,
-- belowMinInterval 2, placeMismatch 4, clockSkew 8; later steps add bits) and the Vietnam day of
-- placed_at. Beside the groups of each day, roll-ups: `rollup` says which of agency (1), counter (2)
-- and service field (4) are summed over (stored as ''), and a period of YYYY-MM sums a month's days,
-- so that a report reads a few hundred rows whatever the number of responses.
-- The counts are numbers, not JSON, so that ingest adds a batch to a row without parsing and
-- serialising it: the response counts as columns, the answer counts as one vector of little-endian
-- uint32 in the definition's tally layout (shared/survey/tally.ts, version in `layout`), empty when
-- the store kept only the counts (it lacked the definition). A rowid table: its rows are about a
-- kilobyte, too large for WITHOUT ROWID, and an update then rewrites the row, not the key index.
CREATE TABLE tallies (
  definition_id TEXT NOT NULL,
  rollup INTEGER NOT NULL CHECK (rollup BETWEEN 0 AND 7),
  agency_code TEXT NOT NULL,
  counter_code TEXT NOT NULL,
  service_field TEXT NOT NULL,
  period TEXT NOT NULL CHECK (length(period) IN (7, 10)),
  definition_version INTEGER NOT NULL,
  flags INTEGER NOT NULL CHECK (flags >= 0),
  responses INTEGER NOT NULL CHECK (responses >= 0),
  partial INTEGER NOT NULL CHECK (partial >= 0),
  other_definition INTEGER NOT NULL CHECK (other_definition >= 0),
  layout INTEGER NOT NULL,
  answers BLOB NOT NULL,
  PRIMARY KEY (definition_id, rollup, agency_code, counter_code, service_field, period, definition_version, flags)
) STRICT;

-- Definition versions whose tallies hold only the response counts, not the answers: their rows
-- arrived (or were stored before this step) when the store did not have their definition. The next
-- open that has the definition, or the first report of that version, recomputes them from the rows.
CREATE TABLE tally_stale_versions (
  definition_id TEXT NOT NULL,
  definition_version INTEGER NOT NULL,
  -- 1: the response counts of the version's tallies are right (only the answers are missing)
  counts_kept INTEGER NOT NULL CHECK (counts_kept IN (0, 1)),
  PRIMARY KEY (definition_id, definition_version)
) STRICT;
INSERT INTO tally_stale_versions (definition_id, definition_version, counts_kept)
  SELECT DISTINCT definition_id, definition_version, 0 FROM responses;
