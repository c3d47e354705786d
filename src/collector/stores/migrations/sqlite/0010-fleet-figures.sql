-- fleet figures: per kiosk highest sequence, count received and missing ranges kept at ingest
-- Kept by ingest in the transaction that stores the responses (sqlite-fleet.ts), so the fleet view and
-- a device's own status read a few rows per kiosk instead of a window over all of its responses.
-- A kiosk installation's figures are its kiosk id's, whichever device its responses came through (as
-- the gap query over the rows counted them); a device's are those of the kiosks it stored responses of.

-- Per kiosk id: the highest sequence number stored and how many responses are stored under it.
CREATE TABLE kiosk_sequences (
  kiosk_id TEXT PRIMARY KEY,
  highest_seq INTEGER NOT NULL,
  stored INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Per device and kiosk id: responses stored that came through the device (the fleet view's "received";
-- rows without a device, from an evacuation file naming none, count only for their kiosk).
CREATE TABLE device_kiosk_stored (
  device_id TEXT NOT NULL REFERENCES devices (id),
  kiosk_id TEXT NOT NULL,
  stored INTEGER NOT NULL,
  PRIMARY KEY (device_id, kiosk_id)
) STRICT, WITHOUT ROWID;

-- Runs of sequence numbers below a kiosk's highest with no stored response, both ends included; they
-- never overlap or touch, and storing a number inside one shrinks or splits it.
CREATE TABLE sequence_gaps (
  kiosk_id TEXT NOT NULL,
  from_seq INTEGER NOT NULL,
  to_seq INTEGER NOT NULL CHECK (to_seq >= from_seq),
  PRIMARY KEY (kiosk_id, from_seq)
) STRICT, WITHOUT ROWID;

-- Backfill from the rows stored so far: the one time the window over every response runs.
INSERT INTO kiosk_sequences (kiosk_id, highest_seq, stored)
  SELECT kiosk_id, max(seq), count(*) FROM responses GROUP BY kiosk_id;
INSERT INTO device_kiosk_stored (device_id, kiosk_id, stored)
  SELECT device_id, kiosk_id, count(*) FROM responses WHERE device_id IS NOT NULL GROUP BY device_id, kiosk_id;
INSERT INTO sequence_gaps (kiosk_id, from_seq, to_seq)
  SELECT kiosk_id, previous + 1, seq - 1
  FROM (SELECT kiosk_id, seq, LAG(seq, 1, 0) OVER (PARTITION BY kiosk_id ORDER BY seq) AS previous FROM responses)
  WHERE seq > previous + 1;
