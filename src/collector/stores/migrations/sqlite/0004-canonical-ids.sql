-- canonical ids: reserved for the integrity work (lower-case UUIDs, case-duplicates reported, never deleted)
SELECT 1;
