-- sections off: which optional sections of the definition were switched off on the tablet when a response was answered
-- PostgreSQL mirror of the SQLite step: a JSON array of section ids as text, NULL for kiosks older
-- than the field (all sections on). The tally layout gained not-asked counts (layout 2): tallies of
-- layout 1 are recomputed from the rows when the store opens, as on SQLite.
ALTER TABLE responses ADD COLUMN sections_off text;
