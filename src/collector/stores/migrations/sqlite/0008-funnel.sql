-- drop-off funnel: per device, day and definition, the counts the kiosk reports with its health
-- One row per device, kiosk installation, Vietnam day and definition version. The kiosk resends its
-- cumulative counts for a day with every health report, so a row is upserted (never added to), keeping
-- the larger of the stored and the sent count: a retried or late older report can neither count twice
-- nor take a count back. A reinstalled kiosk (new kiosk id) on the same device gets rows of its own.
-- The place is the device's registered place when the counts arrived, so the report filters by it.
CREATE TABLE funnel_days (
  device_id TEXT NOT NULL REFERENCES devices (id),
  kiosk_id TEXT NOT NULL,
  day TEXT NOT NULL,
  definition_id TEXT NOT NULL,
  definition_version INTEGER NOT NULL,
  agency_code TEXT NOT NULL,
  counter_code TEXT NOT NULL,
  started INTEGER NOT NULL,
  completed INTEGER NOT NULL,
  completed_by_timeout INTEGER NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (device_id, kiosk_id, day, definition_id, definition_version)
);
CREATE INDEX funnel_days_by_day ON funnel_days (day);
-- Abandoned before the scored core, by the last question reached: one row per question of a funnel_days row.
CREATE TABLE funnel_abandoned (
  device_id TEXT NOT NULL,
  kiosk_id TEXT NOT NULL,
  day TEXT NOT NULL,
  definition_id TEXT NOT NULL,
  definition_version INTEGER NOT NULL,
  question_id TEXT NOT NULL,
  abandoned INTEGER NOT NULL,
  PRIMARY KEY (device_id, kiosk_id, day, definition_id, definition_version, question_id),
  FOREIGN KEY (device_id, kiosk_id, day, definition_id, definition_version)
    REFERENCES funnel_days (device_id, kiosk_id, day, definition_id, definition_version)
);
