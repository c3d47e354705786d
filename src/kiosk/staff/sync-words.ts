/* The sync engine's state and last error, in words a clerk can act on. */
import type { DrainStatus, SyncError, SyncErrorKind } from '../outbox';

/** What staff are told about sending: the engine's state, or the kind of its last failure. */
export type SyncProblem = 'notConfigured' | SyncErrorKind;

/**
 * Why sending does not work now, or null when it does. The engine's own state comes first (no token,
 * a refused token); otherwise the kind of the last failure, live or stored before a reload. Staff see
 * `sync.problem.<kind>` in their language, with the technical text folded away beneath.
 */
export function syncProblem(status: DrainStatus, error: SyncError | null): SyncProblem | null {
  if (status.state === 'not-configured') return 'notConfigured';
  if (status.state === 'unauthorized') return 'unauthorized';
  return error?.kind ?? null;
}
