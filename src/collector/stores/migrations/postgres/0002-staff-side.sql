-- staff side: imported evacuation files may name no device (device_id becomes nullable); staff password and sessions, stored hashed
-- PostgreSQL drops a NOT NULL in place: no table rebuild as in the SQLite step.
ALTER TABLE responses ALTER COLUMN device_id DROP NOT NULL;
ALTER TABLE conflicts ALTER COLUMN device_id DROP NOT NULL;
ALTER TABLE rejections ALTER COLUMN device_id DROP NOT NULL;
-- (completed_at, id): exports stream in this order without a sort step.
DROP INDEX responses_by_completed_at;
CREATE INDEX responses_by_completed_at ON responses (completed_at, id);

CREATE TABLE admin_password (
  id integer PRIMARY KEY CHECK (id = 1),
  hash text COLLATE "C" NOT NULL,
  updated_at text COLLATE "C" NOT NULL
);

CREATE TABLE admin_sessions (
  id_hash bytea PRIMARY KEY,
  created_at text COLLATE "C" NOT NULL,
  expires_at text COLLATE "C" NOT NULL
);
CREATE INDEX admin_sessions_by_expiry ON admin_sessions (expires_at);
