-- staff side: imported evacuation files may name no device (device_id becomes nullable, by rebuilding the tables as SQLite requires); staff password and sessions, stored hashed
CREATE TABLE responses_v2 (
  id TEXT PRIMARY KEY,
  device_id TEXT REFERENCES devices(id),
  kiosk_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  definition_id TEXT NOT NULL,
  definition_version INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('complete', 'partial')),
  agency_code TEXT NOT NULL,
  counter_code TEXT NOT NULL,
  locale TEXT NOT NULL,
  started_at TEXT NOT NULL,
  completed_at TEXT NOT NULL,
  duration_ms INTEGER NOT NULL,
  flag_too_fast INTEGER NOT NULL CHECK (flag_too_fast IN (0, 1)),
  flag_below_min_interval INTEGER NOT NULL CHECK (flag_below_min_interval IN (0, 1)),
  device_label TEXT NOT NULL,
  app_version TEXT NOT NULL,
  answers_json TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  received_at TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('sync', 'import'))
) STRICT;
INSERT INTO responses_v2 SELECT * FROM responses;
DROP TABLE responses;
ALTER TABLE responses_v2 RENAME TO responses;
CREATE INDEX responses_by_kiosk_seq ON responses (kiosk_id, seq);
-- (completed_at, id): exports stream in this order without a sort step.
CREATE INDEX responses_by_completed_at ON responses (completed_at, id);
CREATE INDEX responses_by_place ON responses (agency_code, counter_code);
CREATE INDEX responses_by_device ON responses (device_id, kiosk_id);

CREATE TABLE conflicts_v2 (
  id INTEGER PRIMARY KEY,
  response_id TEXT NOT NULL,
  device_id TEXT,
  received_at TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  body_json TEXT NOT NULL,
  UNIQUE (response_id, content_hash)
) STRICT;
INSERT INTO conflicts_v2 SELECT * FROM conflicts;
DROP TABLE conflicts;
ALTER TABLE conflicts_v2 RENAME TO conflicts;

CREATE TABLE rejections_v2 (
  id INTEGER PRIMARY KEY,
  device_id TEXT,
  response_id TEXT,
  received_at TEXT NOT NULL,
  reason TEXT NOT NULL
) STRICT;
INSERT INTO rejections_v2 SELECT * FROM rejections;
DROP TABLE rejections;
ALTER TABLE rejections_v2 RENAME TO rejections;
CREATE INDEX rejections_by_device ON rejections (device_id, received_at);

CREATE TABLE admin_password (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  hash TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE admin_sessions (
  id_hash BLOB PRIMARY KEY,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
) STRICT;
CREATE INDEX admin_sessions_by_expiry ON admin_sessions (expires_at);
