-- set aside, made visible: rejections keep the kiosk id and sequence number they claimed (so the fleet tells rejected from never received), conflicts and rejections are listed by time, and each device keeps the clock skew last seen
ALTER TABLE rejections ADD COLUMN kiosk_id text COLLATE "C";
ALTER TABLE rejections ADD COLUMN seq bigint;
CREATE INDEX rejections_by_kiosk_seq ON rejections (kiosk_id, seq);
CREATE INDEX rejections_by_received_at ON rejections (received_at);
CREATE INDEX conflicts_by_device ON conflicts (device_id, received_at);
CREATE INDEX conflicts_by_received_at ON conflicts (received_at);
-- The kiosk's clock minus the collector's, in ms, at the device's last batch that told it, and when that was.
ALTER TABLE devices ADD COLUMN clock_skew_ms bigint;
ALTER TABLE devices ADD COLUMN clock_skew_at text COLLATE "C";
