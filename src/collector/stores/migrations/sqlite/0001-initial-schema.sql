-- initial schema: devices with hashed tokens, responses unique by id, conflicts kept aside, rejections logged
CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  label TEXT NOT NULL,
  agency_code TEXT NOT NULL,
  counter_code TEXT NOT NULL,
  token_hash BLOB NOT NULL,
  revoked_at TEXT,
  created_at TEXT NOT NULL,
  last_contact_at TEXT,
  last_report_json TEXT
) STRICT;

CREATE TABLE responses (
  id TEXT PRIMARY KEY,
  device_id TEXT NOT NULL REFERENCES devices(id),
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
CREATE INDEX responses_by_kiosk_seq ON responses (kiosk_id, seq);
CREATE INDEX responses_by_completed_at ON responses (completed_at);
CREATE INDEX responses_by_place ON responses (agency_code, counter_code);
CREATE INDEX responses_by_device ON responses (device_id, kiosk_id);

CREATE TABLE conflicts (
  id INTEGER PRIMARY KEY,
  response_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  received_at TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  body_json TEXT NOT NULL,
  UNIQUE (response_id, content_hash)
) STRICT;

CREATE TABLE rejections (
  id INTEGER PRIMARY KEY,
  device_id TEXT NOT NULL,
  response_id TEXT,
  received_at TEXT NOT NULL,
  reason TEXT NOT NULL
) STRICT;
CREATE INDEX rejections_by_device ON rejections (device_id, received_at);
