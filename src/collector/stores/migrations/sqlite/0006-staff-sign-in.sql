-- staff sign-in: reserved for the integrity work (lock-out by client address in the database, audit log of staff actions)
SELECT 1;
