import type Database from 'better-sqlite3';
import type { AdminSession, StaffAuthStore } from './store';

/** The staff password and session queries over one SQLite connection. */
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
  };
  // A new password signs everyone out in the same transaction, so no old session outlives it.
  const setPassword = db.transaction((hash: string, at: string) => {
    statements.setPassword.run(hash, at);
    statements.deleteAllSessions.run();
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
  };
}
