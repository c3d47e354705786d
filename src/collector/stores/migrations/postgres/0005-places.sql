-- places: a device's agency and counter get a display name beside their code (the registration is the tablet's place), and the kiosk ids seen through each device are kept, so one arriving through two devices can be flagged
ALTER TABLE devices ADD COLUMN agency_name text COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN counter_name text COLLATE "C" NOT NULL DEFAULT '';

CREATE TABLE device_kiosks (
  device_id text COLLATE "C" NOT NULL REFERENCES devices(id),
  kiosk_id text COLLATE "C" NOT NULL,
  first_seen_at text COLLATE "C" NOT NULL,
  last_seen_at text COLLATE "C" NOT NULL,
  PRIMARY KEY (device_id, kiosk_id)
);
CREATE INDEX device_kiosks_by_kiosk ON device_kiosks (kiosk_id, device_id);

-- What is already known: the kiosks whose responses came through each device, and each device's last report.
INSERT INTO device_kiosks (device_id, kiosk_id, first_seen_at, last_seen_at)
  SELECT device_id, lower(kiosk_id), min(received_at), max(received_at)
  FROM responses WHERE device_id IS NOT NULL AND source = 'sync'
  GROUP BY device_id, lower(kiosk_id);
INSERT INTO device_kiosks (device_id, kiosk_id, first_seen_at, last_seen_at)
  SELECT id, lower(last_report_json::jsonb ->> 'kioskId'), last_contact_at, last_contact_at
  FROM devices
  WHERE last_report_json IS NOT NULL AND last_report_json::jsonb ->> 'kioskId' IS NOT NULL AND last_contact_at IS NOT NULL
  ON CONFLICT (device_id, kiosk_id) DO UPDATE SET last_seen_at = greatest(device_kiosks.last_seen_at, excluded.last_seen_at);
