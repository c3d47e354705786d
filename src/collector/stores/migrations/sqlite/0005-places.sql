-- places: reserved for the integrity work (agency and counter have a code and a display name; kiosk ids seen through several devices)
SELECT 1;
