/* The sync engine's state and last error, in words a clerk can act on. */
import type { SyncStatus } from '../outbox';

/**
 * The i18n key explaining why sending last failed, or null when it did not. The engine's messages
 * are technical (they go to the collector's fleet view as they are); staff see these instead, with
 * the technical text folded away beneath.
 */
export function syncProblemKey(status: SyncStatus, lastError: string | null): string | null {
  if (status.state === 'not-configured') return 'staff.health.problems.notConfigured';
  if (status.state === 'unauthorized') return 'staff.health.problems.unauthorized';
  const message = lastError ?? status.lastError;
  if (!message) return null;
  if (/\b401\b|refused the device token/.test(message)) return 'staff.health.problems.unauthorized';
  if (/^network\b/i.test(message)) return 'staff.health.problems.network';
  if (/timed out/i.test(message)) return 'staff.health.problems.timeout';
  if (/^HTTP 5\d\d/.test(message)) return 'staff.health.problems.server';
  if (/^HTTP 4\d\d/.test(message)) return 'staff.health.problems.refused';
  if (/unexpected body/.test(message)) return 'staff.health.problems.unexpected';
  return 'staff.health.problems.other';
}
