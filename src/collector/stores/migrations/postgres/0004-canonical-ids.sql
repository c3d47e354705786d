-- canonical ids: response and kiosk UUIDs are kept in lower case; ids stored more than once in different case are recorded in case_duplicate_ids, never deleted
-- Only the table: no PostgreSQL store ever wrote ids in mixed case (it arrived after ids were
-- lower-cased at ingest, and the SQLite-to-PostgreSQL copy carries the records of this table over),
-- so the SQLite step's rewriting of existing rows has nothing to do here.
CREATE TABLE case_duplicate_ids (
  canonical_id text COLLATE "C" PRIMARY KEY,
  ids_json text COLLATE "C" NOT NULL,
  found_at text COLLATE "C" NOT NULL
);
