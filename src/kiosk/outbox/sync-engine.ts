import type { KioskReport } from '../../shared/schemas';
import type { KioskSettings } from '../../shared/settings';
import type { DevicePlace } from '../../shared/wire';
import { PLACE_NAME_MAX_LENGTH, STORED_PLACE_CODE_MAX_LENGTH } from '../../shared/ids';
import {
  applyDeliveryOutcomes,
  countByState,
  estimateStorage,
  oldestPending,
  purgeSentBefore,
  raiseStaffAlert,
  readKioskId,
  readMeta,
  readPendingBatch,
  readFunnelReport,
  retryHeldResponses,
  saveSettings,
  storageWriteState,
  writeMeta,
  type DeliveryOutcome,
  type TabletRecord,
} from '../storage';
import { toWireResponse } from '../../shared/wire';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import { BatchSizer } from './batch-size';
import { collectorReachable, healthUrl, postBatch, submitUrl } from './transport';
import { syncErrorText, type SyncError, type SyncErrorKind } from './sync-error';

/** Web Lock name: one drain at a time across every tab of the kiosk. */
export const DRAIN_LOCK = 'sipas-kiosk-outbox-drain';
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How often a refused token is tried again: often enough that a proxy's stray 401 or a collector
 * restart heals within a quarter of an hour, rarely enough that a truly revoked token costs nothing.
 */
export const AUTH_PROBE_INTERVAL_MS = 15 * 60_000;
/** The reachability check during a backoff wait comes at least this long after the last (issue 9: at most every 30 s). */
export const HEALTH_CHECK_INTERVAL_MS = 30_000;
/** …plus up to this much at random, so a fleet that lost the collector together does not probe in step. */
export const HEALTH_CHECK_JITTER_MS = 10_000;
/**
 * A collector's Retry-After is honoured plus a random share of it (at least RETRY_AFTER_MIN_JITTER_MS):
 * thousands of kiosks told "30 s" at once must not all come back at second 30.
 */
export const RETRY_AFTER_JITTER_SHARE = 0.5;
export const RETRY_AFTER_MIN_JITTER_MS = 5_000;

/** Failures a successful reachability check can end early: the collector was away, not refusing. */
const REACHABILITY_KINDS: ReadonlySet<SyncErrorKind> = new Set(['network', 'timeout', 'server']);

/**
 * Why a drain was asked for. Events bypass the backoff wait, the periodic timer does not; 'health' is a
 * reachability check that succeeded during the wait; 'auth-probe' tries a refused token again.
 */
export type DrainReason = 'start' | 'response-stored' | 'online' | 'visible' | 'timer' | 'staff' | 'health' | 'auth-probe';

/** Where the drain stands (not to be confused with a response's DeliveryState). */
export type DrainState = 'idle' | 'syncing' | 'waiting-retry' | 'not-configured' | 'unauthorized';

/** What staff see of the sync engine. */
export interface DrainStatus {
  state: DrainState;
  lastSuccessAt: string | null;
  lastAttemptAt: string | null;
  lastError: SyncError | null;
  consecutiveFailures: number;
  /** The next retry after a failure, or the next probe of a refused token. */
  nextRetryAt: string | null;
}

/**
 * The collector's refusal (401) of a device token, kept in the meta store so a reload still knows it:
 * the token's SHA-256 fingerprint (never the token itself in another place), so a new token clears it.
 */
export interface RefusedToken {
  fingerprint: string;
  at: string;
}

export interface SyncEngineOptions {
  loadSettings: () => Promise<KioskSettings>;
  /** "id@version" of the definition these settings make active, for the collector's fleet view. */
  activeDefinition: (settings: KioskSettings) => string;
  appVersion: string;
  origin: string;
  fetch?: typeof fetch;
  now?: () => Date;
  random?: () => number;
  backoff?: BackoffPolicy;
  /** How often a refused token is tried again (default AUTH_PROBE_INTERVAL_MS). */
  authProbeIntervalMs?: number;
  /** What is kept of a refused token (default tokenFingerprint, SHA-256); tests with fake timers pass a synchronous stand-in. */
  fingerprintToken?: (token: string) => Promise<string>;
  /** Web Locks; absent in old browsers and in Node tests, where a single tab is assumed. */
  locks?: LockManager;
  /** Where triggers come from (window in the kiosk); absent in unit tests that call drain directly. */
  events?: Pick<Window, 'addEventListener' | 'removeEventListener'> & { document?: Pick<Document, 'visibilityState'> };
  onStatus?: (status: DrainStatus) => void;
  /** Where settings the engine changes are saved (default: the tablet's storage). */
  saveSettings?: (settings: KioskSettings) => Promise<void>;
}

export interface SyncEngine {
  /** Wires the triggers (online, visibilitychange, timer) and drains once. */
  start(): void;
  stop(): void;
  /** Asks for a drain; resolves when the drain this request joined has finished. 'staff' also tries a refused token again. */
  requestDrain(reason: DrainReason): Promise<void>;
  /**
   * Staff opened Health: a refused token is tried again at once, and during a backoff wait the
   * collector's reachability is checked (draining when it is back). Nothing happens otherwise.
   */
  probeNow(reason: 'staff'): Promise<void>;
  status(): DrainStatus;
  /**
   * Calls `listener` (the one listener: a new one replaces it) with the settings whenever a sync
   * answer moved the kiosk (the collector's registration of the device changed its place); returns
   * the function that removes it.
   */
  onSettingsChanged(listener: (settings: KioskSettings) => void): () => void;
}

/**
 * The settings with the device's place as the collector's answer gives it, or null when they already
 * hold it or the answer's place is not shaped like one (codes 1 to 64 characters and not blank, names
 * at most 200; hand-checked, as the answer is: the citizen bundle has no zod).
 */
export function settingsWithPlace(settings: KioskSettings, answer: unknown): KioskSettings | null {
  const place = (answer ?? {}) as DevicePlace;
  const fits = (key: (typeof PLACE_KEYS)[number]) => {
    const text: unknown = place[key];
    return typeof text === 'string' && (key.endsWith('Name') ? text.length <= PLACE_NAME_MAX_LENGTH : text.trim() !== '' && text.length <= STORED_PLACE_CODE_MAX_LENGTH);
  };
  if (!PLACE_KEYS.every(fits) || PLACE_KEYS.every((key) => settings[key] === place[key])) return null;
  // Field by field: nothing else the answer may carry reaches the settings.
  const next = { ...settings };
  for (const key of PLACE_KEYS) next[key] = place[key];
  return next;
}

const PLACE_KEYS = ['agencyCode', 'agencyName', 'counterCode', 'counterName'] as const;

/** The SHA-256 of a device token in hex: what the kiosk keeps of a refused token. */
export async function tokenFingerprint(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A failed POST, carried out of the batch loop to the retry handling. */
class DrainFailure extends Error {
  constructor(
    readonly failure: SyncError,
    readonly retryAfterMs?: number,
  ) {
    super(syncErrorText(failure));
    this.name = 'DrainFailure';
  }
}

/**
 * The outbox drain: reads pending responses in sequence order with a cursor, posts them in batches
 * sized to the link, and marks each one only by the collector's own verdict on it. Nothing is ever
 * deleted here.
 */
export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const policy = options.backoff ?? DEFAULT_BACKOFF;
  const authProbeIntervalMs = options.authProbeIntervalMs ?? AUTH_PROBE_INTERVAL_MS;
  const fetchImpl = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  let status: DrainStatus = {
    state: 'idle',
    lastSuccessAt: null,
    lastAttemptAt: null,
    lastError: null,
    consecutiveFailures: 0,
    nextRetryAt: null,
  };
  let running: Promise<void> | null = null;
  /** Something asked for a drain while one was running. */
  let again = false;
  /** …and it was an event (not the periodic timer): it gets an attempt of its own even after a failure. */
  let eventDuringAttempt = false;
  /** …and it was staff or the auth probe: that attempt tries a refused token too. */
  let probeDuringAttempt = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let healthTimer: ReturnType<typeof setTimeout> | null = null;
  let authTimer: ReturnType<typeof setTimeout> | null = null;
  let intervalTimer: ReturnType<typeof setInterval> | null = null;
  /** End (ms) of a wait the collector asked for with Retry-After; events do not cut it short. */
  let serverWaitUntilMs = 0;
  /** The refusal as stored: undefined until read from the meta store, null when there is none. */
  let refusal: RefusedToken | null | undefined;
  let fingerprintCache: { token: string; fingerprint: string } | null = null;
  /** Learnt at the first drain from the meta store; kept in memory, where it works even when writes fail. */
  let sizer: BatchSizer | null = null;
  /**
   * Verdicts the collector gave that could not be written (IndexedDB full or failing). Those responses
   * are delivered: they are skipped in later batches, so a failing write never becomes a re-upload
   * loop, and their marks are written again at the start of each drain.
   */
  const unmarked = new Map<string, DeliveryOutcome>();
  let healthCheckUrl: string | null = null;
  let settingsListener: ((settings: KioskSettings) => void) | undefined;
  const persistSettings = options.saveSettings ?? saveSettings;

  /**
   * Takes the device's place from the collector's answer: its registration is the source of truth, so
   * moving a tablet is one edit there. Read afresh before saving, so staff's other settings saved
   * meanwhile are kept. Responses already stored keep the place they were completed in.
   */
  async function adoptPlace(place: unknown): Promise<void> {
    const next = settingsWithPlace(await options.loadSettings(), place);
    if (!next) return;
    await persistSettings(next);
    settingsListener?.(next);
  }

  const setStatus = (change: Partial<DrainStatus>) => {
    status = { ...status, ...change };
    options.onStatus?.(status);
  };

  async function report(settings: KioskSettings): Promise<KioskReport> {
    const [counts, oldest, storage, persistence, kioskId, funnel] = await Promise.all([
      countByState(),
      oldestPending(),
      estimateStorage(),
      readMeta('persistence'),
      readKioskId(),
      // The drop-off counts of the last days (issue 8); never throws, a failed read sends none.
      readFunnelReport(now()),
    ]);
    return {
      kioskId,
      appVersion: options.appVersion,
      definition: options.activeDefinition(settings),
      queueDepth: counts.pending,
      oldestUnsentAt: oldest?.completedAt ?? null,
      conflicts: counts.conflict,
      rejected: counts.rejected,
      storage: { persisted: persistence?.persisted ?? null, usageBytes: storage.usageBytes, quotaBytes: storage.quotaBytes, ...writeFailure() },
      lastError: status.lastError ? syncErrorText(status.lastError) : null,
      ...funnel,
    };
  }

  /** "Storage full" as the failed write itself said it (issue 9; storage/ keeps it), only while it holds. */
  function writeFailure(): Partial<KioskReport['storage']> {
    const state = storageWriteState();
    if (!state.writeFailing && state.heldResponses === 0) return {};
    return { writeFailing: state.writeFailing, lastWriteError: state.lastWriteError, heldInMemory: state.heldResponses };
  }

  async function fingerprintOf(token: string): Promise<string> {
    if (fingerprintCache?.token !== token) fingerprintCache = { token, fingerprint: await (options.fingerprintToken ?? tokenFingerprint)(token) };
    return fingerprintCache.fingerprint;
  }

  /** Is this token the one the collector refused? A different token clears the refusal. */
  async function isRefused(token: string): Promise<boolean> {
    // Unreadable storage counts as "not refused": trying costs one request, wrongly waiting costs the queue.
    if (refusal === undefined) refusal = await readMeta('refusedToken').then((stored) => stored ?? null, () => undefined);
    if (!refusal) return false;
    if ((await fingerprintOf(token)) === refusal.fingerprint) return true;
    await clearRefusal();
    return false;
  }

  async function clearRefusal(): Promise<void> {
    refusal = null;
    if (authTimer) clearTimeout(authTimer);
    authTimer = null;
    // Best-effort: memory is what this page acts on; a stale stored refusal is cleared at the next success.
    await writeMeta('refusedToken', null).catch(() => undefined);
  }

  /** The next try of a refused token, unless one is already due (events must not postpone it). */
  function scheduleAuthProbe(): void {
    if (authTimer) return;
    setStatus({ nextRetryAt: new Date(now().getTime() + authProbeIntervalMs).toISOString() });
    authTimer = setTimeout(() => {
      authTimer = null;
      void requestDrain('auth-probe');
    }, authProbeIntervalMs);
  }

  async function onUnauthorized(token: string): Promise<void> {
    const fingerprint = await fingerprintOf(token);
    const known = refusal?.fingerprint === fingerprint;
    const at = now().toISOString();
    refusal = { fingerprint, at };
    const error: SyncError = { kind: 'unauthorized', status: 401 };
    setStatus({ state: 'unauthorized', lastError: error, nextRetryAt: null });
    // Best-effort writes: the refusal holds in memory, and the alert is raised where it can be.
    await writeMeta('refusedToken', refusal).catch(() => undefined);
    await writeMeta('lastSync', { at, ok: false, error }).catch(() => undefined);
    // Raised once per refused token, not at every probe a quarter of an hour apart.
    if (!known) await raiseStaffAlert('auth', 'alerts.unauthorized', 'the collector refused the device token (401)').catch(() => undefined);
    scheduleAuthProbe();
  }

  /** Writes verdicts; those that cannot be written are held in `unmarked` instead of failing the drain. */
  async function markOutcomes(outcomes: DeliveryOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    try {
      await applyDeliveryOutcomes(outcomes, now());
      for (const outcome of outcomes) unmarked.delete(outcome.id);
    } catch {
      // The collector has these responses: sending them again would only loop. Marked again later.
      for (const outcome of outcomes) unmarked.set(outcome.id, outcome);
    }
  }

  async function persistBatchSize(changed: boolean): Promise<void> {
    // Best-effort: the size in memory is what this page uses; the stored one spares a reload the relearning.
    if (changed && sizer) await writeMeta('outboxBatchSize', sizer.size).catch(() => undefined);
  }

  /** One full pass over the outbox. Returns normally on success or refusal; throws a DrainFailure to retry. */
  async function drainOnce(probe: boolean): Promise<void> {
    // Responses held in memory (storage was full) are tried first, so they join this drain (issue 9; never throws).
    await retryHeldResponses().catch(() => undefined);
    const settings = await options.loadSettings();
    if (!settings.deviceToken) {
      setStatus({ state: 'not-configured' });
      return;
    }
    const token = settings.deviceToken;
    if ((await isRefused(token)) && !probe) {
      // Wait for the probe, staff, or a new token; nothing is sent meanwhile.
      setStatus({ state: 'unauthorized', lastError: status.lastError ?? { kind: 'unauthorized', status: 401 } });
      scheduleAuthProbe();
      return;
    }
    setStatus({ state: 'syncing', lastAttemptAt: now().toISOString() });
    const url = submitUrl(settings.endpointUrl, options.origin);
    healthCheckUrl = healthUrl(settings.endpointUrl, options.origin);
    if (!sizer) sizer = new BatchSizer(settings.syncBatchSize, await readMeta('outboxBatchSize').catch(() => undefined));
    sizer.setCeiling(settings.syncBatchSize);
    if (unmarked.size > 0) await markOutcomes([...unmarked.values()]);
    const delivered = unmarked.size;
    let afterSeq = 0;
    let sentSomething = false;
    // Counted once per drain: counting the outbox for every batch made a long queue drain in
    // quadratic time. Later batches carry the depth as it shrinks.
    const health = await report(settings);
    // Responses that left the queue in this drain: sent, and also set aside (conflict or rejected).
    let settled = 0;
    for (;;) {
      const read = await readPendingBatch(afterSeq, sizer.size);
      const batch = read.filter((record) => !unmarked.has(record.id));
      if (batch.length === 0 && read.length > 0) {
        afterSeq = read[read.length - 1].seq; // all delivered already, only their marks are missing
        continue;
      }
      // An empty queue still reports once per drain, so the fleet view sees the kiosk alive.
      if (batch.length === 0 && sentSomething) break;
      const kiosk: KioskReport = {
        ...health,
        queueDepth: Math.max(0, health.queueDepth - delivered - settled),
        oldestUnsentAt: batch[0]?.completedAt ?? (settled > 0 ? null : health.oldestUnsentAt),
      };
      const outcome = await postBatch(url, token, kiosk, batch.map(toWireResponse), fetchImpl, { timeoutFactor: sizer.timeoutFactor, now });
      sentSomething = true;
      if (outcome.kind === 'unauthorized') return onUnauthorized(token);
      // Any answer but 401 means the token was accepted: a refusal probed again is healed.
      if (refusal) await clearRefusal();
      if (outcome.kind === 'too-large') {
        await persistBatchSize(sizer.tooLarge(batch.length));
        if (batch.length > 1) continue; // split and retry from the same place
        // One response alone is too large: it can never be delivered, so it waits for staff.
        await markOutcomes([{ id: batch[0].id, state: 'rejected', reason: `too large for the collector: ${outcome.message}` }]);
        settled += 1;
        afterSeq = batch[0].seq;
        continue;
      }
      if (outcome.kind === 'failed') {
        // A timeout is the link (or the collector) saying "less at a time": the next attempt sends half.
        if (outcome.error.kind === 'timeout') await persistBatchSize(sizer.timedOut(batch.length));
        throw new DrainFailure(outcome.error, outcome.retryAfterMs);
      }
      await persistBatchSize(sizer.succeeded(batch.length));
      if (outcome.place !== undefined) await adoptPlace(outcome.place);
      const outcomes = outcomesFor(batch, outcome.results);
      await markOutcomes(outcomes);
      settled += outcomes.length;
      if (batch.length === 0) break;
      afterSeq = batch[batch.length - 1].seq;
    }
    const at = now();
    // Best-effort housekeeping: a purge or a record that cannot be written (storage full) must not
    // turn a delivered queue into a failed drain and a retry loop.
    if (settings.keepSentDays >= 0) await purgeSentBefore(new Date(at.getTime() - settings.keepSentDays * DAY_MS)).catch(() => undefined);
    setStatus({ state: 'idle', lastSuccessAt: at.toISOString(), lastError: null, consecutiveFailures: 0, nextRetryAt: null });
    await writeMeta('lastSync', { at: at.toISOString(), ok: true, error: null }).catch(() => undefined);
  }

  /** The wait a Retry-After asked for, plus jitter, never beyond the backoff cap (a bad header must not park the kiosk for days). */
  function honouredWaitMs(retryAfterMs: number): number {
    const jitter = random() * Math.max(retryAfterMs * RETRY_AFTER_JITTER_SHARE, RETRY_AFTER_MIN_JITTER_MS);
    return Math.round(Math.min(policy.capMs, retryAfterMs + jitter));
  }

  async function drainWithLock(probe: boolean): Promise<void> {
    const work = async () => {
      try {
        await drainOnce(probe);
      } catch (error) {
        const failures = status.consecutiveFailures + 1;
        const retryAfterMs = error instanceof DrainFailure ? error.retryAfterMs : undefined;
        const delay = retryAfterMs === undefined ? backoffDelayMs(failures, policy, random) : honouredWaitMs(retryAfterMs);
        serverWaitUntilMs = retryAfterMs === undefined ? 0 : now().getTime() + delay;
        // Anything else that throws mid-drain (IndexedDB, a bug) is an 'other' failure with its message.
        const failure: SyncError =
          error instanceof DrainFailure ? error.failure : { kind: 'other', detail: error instanceof Error ? error.message : String(error) };
        setStatus({ state: 'waiting-retry', lastError: failure, consecutiveFailures: failures, nextRetryAt: new Date(now().getTime() + delay).toISOString() });
        await writeMeta('lastSync', { at: now().toISOString(), ok: false, error: failure }).catch(() => undefined);
        scheduleRetry(delay);
        // The collector's own "come back later" is obeyed; otherwise a cheap check may end the wait early.
        if (retryAfterMs === undefined && REACHABILITY_KINDS.has(failure.kind)) scheduleHealthCheck();
      }
    };
    if (!options.locks) return work();
    // ifAvailable: when another tab holds the lock it is draining the same outbox; nothing to do here.
    await options.locks.request(DRAIN_LOCK, { ifAvailable: true }, async (lock) => {
      if (lock) await work();
    });
  }

  function scheduleRetry(delayMs: number) {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void requestDrain('timer', true);
    }, delayMs);
  }

  /** A reachability check during the backoff wait, unless the retry itself comes first. */
  function scheduleHealthCheck(): void {
    if (healthTimer) clearTimeout(healthTimer);
    healthTimer = null;
    const delay = HEALTH_CHECK_INTERVAL_MS + Math.round(random() * HEALTH_CHECK_JITTER_MS);
    const retryAt = status.nextRetryAt ? Date.parse(status.nextRetryAt) : Infinity;
    if (now().getTime() + delay >= retryAt) return;
    healthTimer = setTimeout(() => {
      healthTimer = null;
      void checkReachability();
    }, delay);
  }

  async function checkReachability(): Promise<void> {
    if (status.state !== 'waiting-retry' || running || !healthCheckUrl || now().getTime() < serverWaitUntilMs) return;
    const reachable = await collectorReachable(healthCheckUrl, fetchImpl);
    if (status.state !== 'waiting-retry' || running) return;
    if (reachable) await requestDrain('health');
    else scheduleHealthCheck();
  }

  function clearWaitTimers(): void {
    if (retryTimer) clearTimeout(retryTimer);
    if (healthTimer) clearTimeout(healthTimer);
    retryTimer = null;
    healthTimer = null;
  }

  function requestDrain(reason: DrainReason, fromRetry = false): Promise<void> {
    // The periodic timer respects the backoff wait; events (a new response, online, visible,
    // staff) try at once, since they are the likeliest moments for the network to be back.
    if (reason === 'timer' && !fromRetry && status.state === 'waiting-retry') return Promise.resolve();
    // A wait the collector asked for holds against events too: a fleet's `online` all at once is the
    // herd it protects against. Staff pressing "send now" is one kiosk, and is let through.
    if (!fromRetry && reason !== 'staff' && status.state === 'waiting-retry' && now().getTime() < serverWaitUntilMs) return Promise.resolve();
    const probe = reason === 'staff' || reason === 'auth-probe';
    if (running) {
      again = true;
      if (reason !== 'timer') eventDuringAttempt = true;
      if (probe) probeDuringAttempt = true;
      return running;
    }
    running = (async () => {
      try {
        let probing = probe;
        let retryForEvent = false;
        do {
          again = false;
          eventDuringAttempt = false;
          probeDuringAttempt = false;
          clearWaitTimers();
          await drainWithLock(probing);
          probing = probeDuringAttempt;
          // An event during a doomed attempt is not swallowed: it gets an attempt right after (once
          // per event, so a failing collector is not hammered in a loop).
          retryForEvent = eventDuringAttempt && status.state !== 'unauthorized' && now().getTime() >= serverWaitUntilMs;
        } while (again && (probing || retryForEvent || (status.state !== 'waiting-retry' && status.state !== 'unauthorized')));
      } finally {
        running = null;
      }
    })();
    return running;
  }

  async function probeNow(): Promise<void> {
    if (status.state === 'unauthorized') return requestDrain('auth-probe');
    if (status.state === 'waiting-retry') return checkReachability();
  }

  const onOnline = () => void requestDrain('online');
  const onVisibility = () => {
    if (options.events?.document?.visibilityState === 'visible') void requestDrain('visible');
  };

  return {
    start() {
      options.events?.addEventListener('online', onOnline);
      options.events?.addEventListener('visibilitychange', onVisibility);
      void options.loadSettings().then((settings) => {
        intervalTimer = setInterval(() => void requestDrain('timer'), settings.syncIntervalMs);
      });
      void requestDrain('start');
    },
    stop() {
      options.events?.removeEventListener('online', onOnline);
      options.events?.removeEventListener('visibilitychange', onVisibility);
      if (intervalTimer) clearInterval(intervalTimer);
      if (authTimer) clearTimeout(authTimer);
      authTimer = null;
      clearWaitTimers();
    },
    requestDrain: (reason) => requestDrain(reason),
    probeNow: () => probeNow(),
    status: () => status,
    onSettingsChanged(listener) {
      settingsListener = listener;
      return () => void (settingsListener = undefined);
    },
  };
}

/**
 * Maps the collector's verdicts onto the batch by id. A response the answer does not mention stays
 * pending, so it is retried rather than assumed delivered.
 */
function outcomesFor(batch: TabletRecord[], results: Array<{ id: string | null; status: string; reason?: string }>): DeliveryOutcome[] {
  const ids = new Set(batch.map((r) => r.id));
  const outcomes: DeliveryOutcome[] = [];
  for (const result of results) {
    if (!result.id || !ids.has(result.id)) continue;
    if (result.status === 'created' || result.status === 'duplicate') outcomes.push({ id: result.id, state: 'sent' });
    else if (result.status === 'conflict') outcomes.push({ id: result.id, state: 'conflict', reason: result.reason });
    else if (result.status === 'rejected') outcomes.push({ id: result.id, state: 'rejected', reason: result.reason });
  }
  return outcomes;
}
