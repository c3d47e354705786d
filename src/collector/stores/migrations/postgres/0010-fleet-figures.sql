-- fleet figures: per kiosk highest sequence, count received and missing ranges kept at ingest
-- PostgreSQL mirror of the SQLite step (see it for what each table means); kept by ingest in the
-- batch's transaction (pg-fleet.ts), which locks the kiosk's kiosk_sequences row first, so two
-- processes storing numbers of one kiosk at once take turns over its missing ranges.
CREATE TABLE kiosk_sequences (
  kiosk_id text COLLATE "C" PRIMARY KEY,
  highest_seq bigint NOT NULL,
  stored bigint NOT NULL
);

CREATE TABLE device_kiosk_stored (
  device_id text COLLATE "C" NOT NULL REFERENCES devices (id),
  kiosk_id text COLLATE "C" NOT NULL,
  stored bigint NOT NULL,
  PRIMARY KEY (device_id, kiosk_id)
);

CREATE TABLE sequence_gaps (
  kiosk_id text COLLATE "C" NOT NULL,
  from_seq bigint NOT NULL,
  to_seq bigint NOT NULL CHECK (to_seq >= from_seq),
  PRIMARY KEY (kiosk_id, from_seq)
);

-- Backfill from the rows stored so far: the one time the window over every response runs.
INSERT INTO kiosk_sequences (kiosk_id, highest_seq, stored)
  SELECT kiosk_id, max(seq), count(*) FROM responses GROUP BY kiosk_id;
INSERT INTO device_kiosk_stored (device_id, kiosk_id, stored)
  SELECT device_id, kiosk_id, count(*) FROM responses WHERE device_id IS NOT NULL GROUP BY device_id, kiosk_id;
INSERT INTO sequence_gaps (kiosk_id, from_seq, to_seq)
  SELECT kiosk_id, previous + 1, seq - 1
  FROM (SELECT kiosk_id, seq, LAG(seq, 1, 0::bigint) OVER (PARTITION BY kiosk_id ORDER BY seq) AS previous FROM responses) AS s
  WHERE seq > previous + 1;
