-- tallies: per-item answer counts kept at ingest so reports cost what the answer is worth
-- PostgreSQL mirror of the SQLite step (see it for the groups, the roll-up bits and the periods):
-- one serialised scoring tally per group and Vietnam day or month, and the definition versions whose
-- tallies must be recomputed from the rows.
CREATE TABLE tallies (
  definition_id text COLLATE "C" NOT NULL,
  rollup integer NOT NULL CHECK (rollup BETWEEN 0 AND 7),
  agency_code text COLLATE "C" NOT NULL,
  counter_code text COLLATE "C" NOT NULL,
  service_field text COLLATE "C" NOT NULL,
  period text COLLATE "C" NOT NULL CHECK (length(period) IN (7, 10)),
  definition_version bigint NOT NULL,
  flags integer NOT NULL CHECK (flags BETWEEN 0 AND 15),
  tally_json text COLLATE "C" NOT NULL,
  PRIMARY KEY (definition_id, rollup, agency_code, counter_code, service_field, period, definition_version, flags)
);

CREATE TABLE tally_stale_versions (
  definition_id text COLLATE "C" NOT NULL,
  definition_version bigint NOT NULL,
  -- true: the response counts of the version's tallies are right (only the answers are missing)
  counts_kept boolean NOT NULL,
  PRIMARY KEY (definition_id, definition_version)
);
INSERT INTO tally_stale_versions (definition_id, definition_version, counts_kept)
  SELECT DISTINCT definition_id, definition_version, false FROM responses;
