-- canonical ids: response and kiosk UUIDs are kept in lower case; ids stored more than once in different case are recorded in case_duplicate_ids, never deleted
-- Every id whose lower-case form is held by more than one response, with the ids as stored.
CREATE TABLE case_duplicate_ids (
  canonical_id TEXT PRIMARY KEY,
  ids_json TEXT NOT NULL,
  found_at TEXT NOT NULL
) STRICT;
INSERT INTO case_duplicate_ids (canonical_id, ids_json, found_at)
  SELECT lower(id), json_group_array(id), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  FROM responses GROUP BY lower(id) HAVING count(*) > 1;

-- Lower-case every other id: no collision is possible for them.
UPDATE responses SET id = lower(id)
  WHERE id <> lower(id) AND lower(id) NOT IN (SELECT canonical_id FROM case_duplicate_ids);
-- In a group with no lower-case member, the first received becomes the canonical row, so a retry of
-- that response finds it instead of making one more; the other rows stay as they were, recorded.
UPDATE responses SET id = lower(id)
  WHERE rowid IN (
    SELECT min(rowid) FROM responses
    WHERE lower(id) IN (SELECT canonical_id FROM case_duplicate_ids)
    GROUP BY lower(id) HAVING sum(id = lower(id)) = 0
  );
UPDATE case_duplicate_ids SET ids_json = (
  SELECT json_group_array(id) FROM (SELECT id FROM responses WHERE lower(id) = case_duplicate_ids.canonical_id ORDER BY rowid)
);

-- Kiosk ids carry no uniqueness: one installation is one kiosk whatever the case it arrived in.
UPDATE responses SET kiosk_id = lower(kiosk_id) WHERE kiosk_id <> lower(kiosk_id);
-- Set-aside versions keep pointing at their response; one already kept in lower case stays the one.
UPDATE OR IGNORE conflicts SET response_id = lower(response_id) WHERE response_id <> lower(response_id);
UPDATE rejections SET response_id = lower(response_id) WHERE response_id <> lower(response_id);
