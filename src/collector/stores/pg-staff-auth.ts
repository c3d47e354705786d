import type pg from 'pg';
import { inTransaction } from './pg-pool';
import type { AdminSession, AuditAction, AuditOutcome, LoginAttemptClaim, StaffAuthStore, StoredAuditEntry } from './store';
import type { AuditRow, ThrottleRow } from './store-rows';


/** The staff password, session, sign-in lock-out and audit log queries over a PostgreSQL pool (the semantics of sqliteStaffAuthStore). */
export function pgStaffAuthStore(pool: pg.Pool): StaffAuthStore {
  return {
    async getAdminPasswordHash() {
      const { rows } = await pool.query<{ hash: string }>('SELECT hash FROM admin_password WHERE id = 1');
      return rows[0]?.hash ?? null;
    },
    async setAdminPasswordHash(hash, at) {
      // A new password signs everyone out in the same transaction, so no old session outlives it.
      await inTransaction(pool, async (client) => {
        await client.query(
          `INSERT INTO admin_password (id, hash, updated_at) VALUES (1, $1, $2)
           ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at`,
          [hash, at],
        );
        await client.query('DELETE FROM admin_sessions');
      });
    },
    async addAdminSession(idHash, session) {
      await pool.query('INSERT INTO admin_sessions (id_hash, created_at, expires_at) VALUES ($1, $2, $3)', [idHash, session.createdAt, session.expiresAt]);
    },
    async findAdminSession(idHash, now) {
      const { rows } = await pool.query<AdminSession>(
        'SELECT created_at AS "createdAt", expires_at AS "expiresAt" FROM admin_sessions WHERE id_hash = $1 AND expires_at > $2',
        [idHash, now],
      );
      return rows[0];
    },
    async deleteAdminSession(idHash) {
      await pool.query('DELETE FROM admin_sessions WHERE id_hash = $1', [idHash]);
    },
    async deleteExpiredAdminSessions(now) {
      return (await pool.query('DELETE FROM admin_sessions WHERE expires_at <= $1', [now])).rowCount ?? 0;
    },
    async claimLoginAttempt(address, now, leaseUntil) {
      // One transaction holding the address's row lock from the read to the write: two attempts, from
      // this process or another collector on the same database, can never both see the slot free.
      return inTransaction(pool, async (client): Promise<LoginAttemptClaim> => {
        // A first attempt creates the row; a concurrent first attempt waits for that insert, then finds the row.
        const created = await client.query(
          `INSERT INTO login_throttle (address, failures, locked_until, attempt_until, refused, updated_at) VALUES ($1, 0, $2, $3, 0, $2)
           ON CONFLICT (address) DO NOTHING`,
          [address, now, leaseUntil],
        );
        if (created.rowCount === 1) return { granted: true, failures: 0, updatedAt: now };
        const { rows } = await client.query<ThrottleRow>(
          `SELECT failures, locked_until AS "lockedUntil", attempt_until AS "attemptUntil", refused, updated_at AS "updatedAt"
           FROM login_throttle WHERE address = $1 FOR UPDATE`,
          [address],
        );
        const row = rows[0];
        if (!row) {
          // Deleted (a success, a prune) between the two statements: the address starts again from zero.
          await client.query(
            'INSERT INTO login_throttle (address, failures, locked_until, attempt_until, refused, updated_at) VALUES ($1, 0, $2, $3, 0, $2)',
            [address, now, leaseUntil],
          );
          return { granted: true, failures: 0, updatedAt: now };
        }
        const at = Date.parse(now);
        const free = Date.parse(row.lockedUntil) <= at && (row.attemptUntil === null || Date.parse(row.attemptUntil) <= at);
        if (free) {
          await client.query('UPDATE login_throttle SET attempt_until = $1 WHERE address = $2', [leaseUntil, address]);
          return { granted: true, failures: row.failures, updatedAt: row.updatedAt };
        }
        await client.query('UPDATE login_throttle SET refused = refused + 1 WHERE address = $1', [address]);
        return { granted: false, failures: row.failures, lockedUntil: row.lockedUntil, attemptUntil: row.attemptUntil, refused: row.refused + 1 };
      });
    },
    async recordLoginFailure(address, failure) {
      await pool.query(
        'UPDATE login_throttle SET failures = $1, locked_until = $2, attempt_until = NULL, refused = 0, updated_at = $3 WHERE address = $4',
        [failure.failures, failure.lockedUntil, failure.at, address],
      );
    },
    async clearLoginFailures(address) {
      await pool.query('DELETE FROM login_throttle WHERE address = $1', [address]);
    },
    async releaseLoginAttempt(address) {
      await pool.query('UPDATE login_throttle SET attempt_until = NULL WHERE address = $1', [address]);
    },
    async pruneLoginThrottle(quietSince, keep) {
      await inTransaction(pool, async (client) => {
        await client.query(
          'DELETE FROM login_throttle WHERE updated_at < $1 AND locked_until <= $1 AND (attempt_until IS NULL OR attempt_until <= $1)',
          [quietSince],
        );
        await client.query('DELETE FROM login_throttle WHERE address IN (SELECT address FROM login_throttle ORDER BY updated_at DESC OFFSET $1)', [
          Math.max(0, Math.floor(keep)),
        ]);
      });
    },
    async recordAudit(entry) {
      await pool.query('INSERT INTO audit_log (at, address, action, outcome, details_json) VALUES ($1, $2, $3, $4, $5)', [
        entry.at,
        entry.address,
        entry.action,
        entry.outcome,
        JSON.stringify(entry.details),
      ]);
    },
    async listAudit(query) {
      const where: string[] = [];
      const params: Array<string | number> = [];
      const param = (value: string | number) => {
        params.push(value);
        return `$${params.length}`;
      };
      if (query.action !== undefined) where.push(`action = ${param(query.action)}`);
      if (query.from !== undefined) where.push(`at >= ${param(query.from)}`);
      if (query.before !== undefined) where.push(`at < ${param(query.before)}`);
      if (query.beforeId !== undefined) where.push(`id < ${param(query.beforeId)}`);
      const limit = param(Math.max(0, Math.floor(query.limit)));
      const { rows } = await pool.query<AuditRow>(
        `SELECT id, at, address, action, outcome, details_json AS "detailsJson" FROM audit_log
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${limit}`,
        params,
      );
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
