-- tallies: per-item answer counts kept at ingest so reports cost what the answer is worth
-- PostgreSQL mirror of the SQLite step (see it for the groups, the roll-up bits, the periods and the
-- flat layout): the response counts as bigint columns, the answer counts as the same blob of
-- little-endian uint32 in the definition's tally layout (shared/survey/tally.ts, version in `layout`;
-- empty: counts only), so both stores keep and add the very same numbers.
-- One difference, for several collector processes: `shard`. Every batch of every process adds to the
-- same roll-up rows (all places, a whole month), so with one row per key concurrent batches would
-- queue on its row lock. A batch writes all its rows under one shard (0–15) that it holds alone for
-- its transaction (an advisory lock per shard, pg-tallies.ts), so concurrent batches never meet on a
-- row and a batch adds to what it read without another writer in between; a logical tally is the sum
-- of its key's shards, which every reader takes. The primary key is SQLite's plus the shard.
-- fillfactor leaves room on each page so that rewriting a row is a HOT update; toast_tuple_target
-- keeps a row of a few kilobytes uncompressed in its page (compressing the rows of a batch cost more
-- than the rest of its write, measured here).
CREATE TABLE tallies (
  definition_id text COLLATE "C" NOT NULL,
  rollup integer NOT NULL CHECK (rollup BETWEEN 0 AND 7),
  agency_code text COLLATE "C" NOT NULL,
  counter_code text COLLATE "C" NOT NULL,
  service_field text COLLATE "C" NOT NULL,
  period text COLLATE "C" NOT NULL CHECK (length(period) IN (7, 10)),
  definition_version bigint NOT NULL,
  flags integer NOT NULL CHECK (flags BETWEEN 0 AND 15),
  shard smallint NOT NULL CHECK (shard BETWEEN 0 AND 15),
  responses bigint NOT NULL CHECK (responses >= 0),
  partial bigint NOT NULL CHECK (partial >= 0),
  other_definition bigint NOT NULL CHECK (other_definition >= 0),
  layout integer NOT NULL,
  answers bytea NOT NULL,
  PRIMARY KEY (definition_id, rollup, agency_code, counter_code, service_field, period, definition_version, flags, shard)
) WITH (fillfactor = 80, toast_tuple_target = 8160);

CREATE TABLE tally_stale_versions (
  definition_id text COLLATE "C" NOT NULL,
  definition_version bigint NOT NULL,
  -- true: the response counts of the version's tallies are right (only the answers are missing)
  counts_kept boolean NOT NULL,
  PRIMARY KEY (definition_id, definition_version)
);
INSERT INTO tally_stale_versions (definition_id, definition_version, counts_kept)
  SELECT DISTINCT definition_id, definition_version, false FROM responses;
