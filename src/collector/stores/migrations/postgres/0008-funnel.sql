-- drop-off funnel: per device, day and definition, the counts the kiosk reports with its health
-- PostgreSQL mirror of the SQLite step (see it for the why): one row per device, kiosk installation,
-- Vietnam day and definition version, upserted keeping the larger count; abandoned counts per question.
CREATE TABLE funnel_days (
  device_id text COLLATE "C" NOT NULL REFERENCES devices (id),
  kiosk_id text COLLATE "C" NOT NULL,
  day text COLLATE "C" NOT NULL,
  definition_id text COLLATE "C" NOT NULL,
  definition_version bigint NOT NULL,
  agency_code text COLLATE "C" NOT NULL,
  counter_code text COLLATE "C" NOT NULL,
  started bigint NOT NULL,
  completed bigint NOT NULL,
  completed_by_timeout bigint NOT NULL,
  received_at text COLLATE "C" NOT NULL,
  PRIMARY KEY (device_id, kiosk_id, day, definition_id, definition_version)
);
CREATE INDEX funnel_days_by_day ON funnel_days (day);
CREATE TABLE funnel_abandoned (
  device_id text COLLATE "C" NOT NULL,
  kiosk_id text COLLATE "C" NOT NULL,
  day text COLLATE "C" NOT NULL,
  definition_id text COLLATE "C" NOT NULL,
  definition_version bigint NOT NULL,
  question_id text COLLATE "C" NOT NULL,
  abandoned bigint NOT NULL,
  PRIMARY KEY (device_id, kiosk_id, day, definition_id, definition_version, question_id),
  FOREIGN KEY (device_id, kiosk_id, day, definition_id, definition_version)
    REFERENCES funnel_days (device_id, kiosk_id, day, definition_id, definition_version)
);
