-- tallies: per-item answer counts kept at ingest so reports cost what the answer is worth
SELECT 1;
