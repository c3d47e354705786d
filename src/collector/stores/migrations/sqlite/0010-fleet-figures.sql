-- fleet figures: per kiosk highest sequence, count received and missing ranges kept at ingest
SELECT 1;
