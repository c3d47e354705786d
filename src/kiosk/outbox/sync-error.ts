/*
 * Why a drain failed, as data. The staff area words it through i18n (`sync.problem.<kind>`), the
 * collector's fleet view gets a short stable text made from it; nobody parses English back.
 */

/** The kinds of drain failure staff can act on differently. */
export const SYNC_ERROR_KINDS = ['unauthorized', 'network', 'timeout', 'server', 'refused', 'badAnswer', 'other'] as const;
/** One kind of drain failure. */
export type SyncErrorKind = (typeof SYNC_ERROR_KINDS)[number];

/** A drain failure: its kind, the HTTP status when there was an answer, and technical detail for staff. */
export interface SyncError {
  kind: SyncErrorKind;
  status?: number;
  detail?: string;
}

/** The outcome of the last drain, kept in the meta store so it survives a reload. */
export interface LastSync {
  at: string;
  ok: boolean;
  error: SyncError | null;
}

/** The wire report's `lastError` is at most this long (wire-schema's kiosk report). */
const WIRE_TEXT_MAX = 500;

/** The short stable text of a sync error for the kiosk report: "unauthorized (401)", "network: TypeError: …". */
export function syncErrorText(error: SyncError): string {
  const status = error.status === undefined ? '' : ` (${error.status})`;
  const detail = error.detail ? `: ${error.detail}` : '';
  return `${error.kind}${status}${detail}`.slice(0, WIRE_TEXT_MAX);
}

/** The kind of failure an HTTP answer that is not 2xx, 401 or 413 stands for. */
export function kindOfStatus(status: number): SyncErrorKind {
  return status >= 500 ? 'server' : 'refused';
}

function isSyncError(value: unknown): value is SyncError {
  const v = value as Partial<SyncError> | null;
  return !!v && typeof v === 'object' && (SYNC_ERROR_KINDS as readonly string[]).includes(v.kind as string);
}

/**
 * The stored last-sync record, read tolerantly: app versions before structured errors stored the
 * English message as `message: string`; that one is kept as the detail of an 'other' failure (the
 * next drain, at start, overwrites it anyway). Anything unreadable is treated as absent.
 */
export function lastSyncOf(stored: unknown): LastSync | undefined {
  const v = stored as { at?: unknown; ok?: unknown; error?: unknown; message?: unknown } | null | undefined;
  if (!v || typeof v !== 'object' || typeof v.at !== 'string' || typeof v.ok !== 'boolean') return undefined;
  if (isSyncError(v.error)) return { at: v.at, ok: v.ok, error: v.error };
  if (typeof v.message === 'string' && !v.ok) return { at: v.at, ok: v.ok, error: { kind: 'other', detail: v.message } };
  return { at: v.at, ok: v.ok, error: v.ok ? null : { kind: 'other' } };
}
