-- staff sign-in: lock-out by client address kept in the database (it holds across restarts and several collector processes, and one attempt per address is checked at a time), and an audit log of every staff action
CREATE TABLE login_throttle (
  address TEXT PRIMARY KEY,
  -- failed sign-ins in a row; the lock after the n-th is min(base·2^(n−1), max)
  failures INTEGER NOT NULL CHECK (failures >= 0),
  locked_until TEXT NOT NULL,
  -- the slot of the one attempt being checked: taken atomically before the password is verified, with a short lease
  attempt_until TEXT,
  -- attempts refused during the current lock (the first one is written to the audit log)
  refused INTEGER NOT NULL DEFAULT 0 CHECK (refused >= 0),
  -- the last failure (or when the row was made): an address quiet long enough starts again from zero
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX login_throttle_by_update ON login_throttle (updated_at);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  -- the client's address (behind a trusted proxy, from X-Forwarded-For); null for the command line
  address TEXT,
  action TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'refused')),
  details_json TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_by_at ON audit_log (at);
CREATE INDEX audit_log_by_action ON audit_log (action, id);
