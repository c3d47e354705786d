-- sections off: which optional sections of the definition were switched off on the tablet when a response was answered
-- JSON array of section ids as text; NULL for kiosks older than the field (all sections on). The report
-- counts a switched-off section's questions as "not asked" for that response, so the tally layout
-- gains a not-asked count per choice question and is recomputed from the rows (TALLY_LAYOUT_VERSION).
ALTER TABLE responses ADD COLUMN sections_off TEXT;
