import type Database from 'better-sqlite3';
import type { AdminSession, AuditAction, AuditOutcome, LoginAttemptClaim, StaffAuthStore, StoredAuditEntry } from './store';
import type { AuditRow, ThrottleRow } from './store-rows';


/** The staff password, session, sign-in lock-out and audit log queries over one SQLite connection. */
export function sqliteStaffAuthStore(db: Database.Database): StaffAuthStore {
  const statements = {
    getPassword: db.prepare<[], { hash: string }>('SELECT hash FROM admin_password WHERE id = 1'),
    setPassword: db.prepare(
      `INSERT INTO admin_password (id, hash, updated_at) VALUES (1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at`,
    ),
    addSession: db.prepare('INSERT INTO admin_sessions (id_hash, created_at, expires_at) VALUES (?, ?, ?)'),
    findSession: db.prepare<[Buffer, string], AdminSession>(
      'SELECT created_at AS createdAt, expires_at AS expiresAt FROM admin_sessions WHERE id_hash = ? AND expires_at > ?',
    ),
    deleteSession: db.prepare('DELETE FROM admin_sessions WHERE id_hash = ?'),
    deleteAllSessions: db.prepare('DELETE FROM admin_sessions'),
    deleteExpiredSessions: db.prepare('DELETE FROM admin_sessions WHERE expires_at <= ?'),
    getThrottle: db.prepare<[string], ThrottleRow>(
      `SELECT failures, locked_until AS lockedUntil, attempt_until AS attemptUntil, refused, updated_at AS updatedAt
       FROM login_throttle WHERE address = ?`,
    ),
    newThrottle: db.prepare<[string, string, string, string]>(
      'INSERT INTO login_throttle (address, failures, locked_until, attempt_until, refused, updated_at) VALUES (?, 0, ?, ?, 0, ?)',
    ),
    takeSlot: db.prepare<[string, string]>('UPDATE login_throttle SET attempt_until = ? WHERE address = ?'),
    countRefusal: db.prepare<[string]>('UPDATE login_throttle SET refused = refused + 1 WHERE address = ?'),
    failed: db.prepare<[number, string, string, string]>(
      'UPDATE login_throttle SET failures = ?, locked_until = ?, attempt_until = NULL, refused = 0, updated_at = ? WHERE address = ?',
    ),
    clearThrottle: db.prepare<[string]>('DELETE FROM login_throttle WHERE address = ?'),
    releaseSlot: db.prepare<[string]>('UPDATE login_throttle SET attempt_until = NULL WHERE address = ?'),
    forgetQuiet: db.prepare<[string, string, string]>(
      'DELETE FROM login_throttle WHERE updated_at < ? AND locked_until <= ? AND (attempt_until IS NULL OR attempt_until <= ?)',
    ),
    forgetOldest: db.prepare<[number]>(
      'DELETE FROM login_throttle WHERE address IN (SELECT address FROM login_throttle ORDER BY updated_at DESC LIMIT -1 OFFSET ?)',
    ),
    addAudit: db.prepare<[string, string | null, string, string, string]>(
      'INSERT INTO audit_log (at, address, action, outcome, details_json) VALUES (?, ?, ?, ?, ?)',
    ),
  };
  // A new password signs everyone out in the same transaction, so no old session outlives it.
  const setPassword = db.transaction((hash: string, at: string) => {
    statements.setPassword.run(hash, at);
    statements.deleteAllSessions.run();
  });
  // Read and write in one IMMEDIATE transaction: the write lock is taken before the read, so two
  // attempts (from this process or another on the same file) can never both see the slot free.
  const claim = db.transaction((address: string, now: string, leaseUntil: string): LoginAttemptClaim => {
    const row = statements.getThrottle.get(address);
    if (!row) {
      statements.newThrottle.run(address, now, leaseUntil, now);
      return { granted: true, failures: 0, updatedAt: now };
    }
    const at = Date.parse(now);
    const free = Date.parse(row.lockedUntil) <= at && (row.attemptUntil === null || Date.parse(row.attemptUntil) <= at);
    if (free) {
      statements.takeSlot.run(leaseUntil, address);
      return { granted: true, failures: row.failures, updatedAt: row.updatedAt };
    }
    statements.countRefusal.run(address);
    return { granted: false, failures: row.failures, lockedUntil: row.lockedUntil, attemptUntil: row.attemptUntil, refused: row.refused + 1 };
  });
  const prune = db.transaction((quietSince: string, keep: number) => {
    statements.forgetQuiet.run(quietSince, quietSince, quietSince);
    statements.forgetOldest.run(keep);
  });

  return {
    async getAdminPasswordHash() {
      return statements.getPassword.get()?.hash ?? null;
    },
    async setAdminPasswordHash(hash, at) {
      setPassword.immediate(hash, at);
    },
    async addAdminSession(idHash, session) {
      statements.addSession.run(idHash, session.createdAt, session.expiresAt);
    },
    async findAdminSession(idHash, now) {
      return statements.findSession.get(idHash, now);
    },
    async deleteAdminSession(idHash) {
      statements.deleteSession.run(idHash);
    },
    async deleteExpiredAdminSessions(now) {
      return statements.deleteExpiredSessions.run(now).changes;
    },
    async claimLoginAttempt(address, now, leaseUntil) {
      return claim.immediate(address, now, leaseUntil);
    },
    async recordLoginFailure(address, failure) {
      statements.failed.run(failure.failures, failure.lockedUntil, failure.at, address);
    },
    async clearLoginFailures(address) {
      statements.clearThrottle.run(address);
    },
    async releaseLoginAttempt(address) {
      statements.releaseSlot.run(address);
    },
    async pruneLoginThrottle(quietSince, keep) {
      prune.immediate(quietSince, keep);
    },
    async recordAudit(entry) {
      statements.addAudit.run(entry.at, entry.address, entry.action, entry.outcome, JSON.stringify(entry.details));
    },
    async listAudit(query) {
      const where: string[] = [];
      const params: Array<string | number> = [];
      if (query.action !== undefined) {
        where.push('action = ?');
        params.push(query.action);
      }
      if (query.from !== undefined) {
        where.push('at >= ?');
        params.push(query.from);
      }
      if (query.before !== undefined) {
        where.push('at < ?');
        params.push(query.before);
      }
      if (query.beforeId !== undefined) {
        where.push('id < ?');
        params.push(query.beforeId);
      }
      params.push(Math.max(0, Math.floor(query.limit)));
      const rows = db
        .prepare<Array<string | number>, AuditRow>(
          `SELECT id, at, address, action, outcome, details_json AS detailsJson FROM audit_log
           ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
        )
        .all(...params);
      return rows.map(
        (row): StoredAuditEntry => ({
          id: row.id,
          at: row.at,
          address: row.address,
          action: row.action as AuditAction,
          outcome: row.outcome as AuditOutcome,
          details: JSON.parse(row.detailsJson) as Record<string, unknown>,
        }),
      );
    },
  };
}
