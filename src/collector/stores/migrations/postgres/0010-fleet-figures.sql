-- fleet figures: per kiosk highest sequence, count received and missing ranges kept at ingest
-- Placeholder until the SQLite step of the same number is ported: PostgreSQL keeps the numbering, so SCHEMA_VERSION is one number for both dialects.
SELECT 1;
