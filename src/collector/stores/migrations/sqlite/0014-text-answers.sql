-- text answers: a mark kept at ingest of which responses carry a non-blank free text, so a report's latest comments walk an index of those alone
-- 1: a text question of the response's definition has a non-blank answer; 0: none has; NULL: not
-- known (stored before this step, or a definition the collector did not know then). The comments read
-- takes every row not marked 0 and still checks the answers themselves, so NULL is never wrong, only
-- slower.
ALTER TABLE responses ADD COLUMN has_text_answer INTEGER;
-- Newest first by placed time (the report's time axis; ties by id) over every unit, and within one
-- unit: the walk stops at the comments shown, with or without a period.
CREATE INDEX responses_text_answers_latest ON responses (definition_id, placed_at, id) WHERE has_text_answer IS NOT 0 AND status = 'complete';
CREATE INDEX responses_text_answers_by_agency ON responses (definition_id, agency_code, placed_at, id) WHERE has_text_answer IS NOT 0 AND status = 'complete';
-- The rows still to mark: the store marks them once it is given their definition (useDefinitions),
-- a few thousand per transaction, and this index empties as it goes.
CREATE INDEX responses_text_answers_unmarked ON responses (definition_id, definition_version, id) WHERE has_text_answer IS NULL;
