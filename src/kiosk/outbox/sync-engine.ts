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
  saveSettings,
  writeMeta,
  type DeliveryOutcome,
  type TabletRecord,
} from '../storage';
import { toWireResponse } from '../../shared/csv';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import { postBatch, submitUrl } from './transport';
import { syncErrorText, type SyncError } from './sync-error';

/** Web Lock name: one drain at a time across every tab of the kiosk. */
export const DRAIN_LOCK = 'sipas-kiosk-outbox-drain';
const DAY_MS = 24 * 60 * 60 * 1000;

/** Why a drain was asked for; events bypass the backoff wait, the timer does not. */
export type DrainReason = 'start' | 'response-stored' | 'online' | 'visible' | 'timer' | 'staff';

/** Where the drain stands (not to be confused with a response's DeliveryState). */
export type DrainState = 'idle' | 'syncing' | 'waiting-retry' | 'not-configured' | 'unauthorized';

/** What staff see of the sync engine. */
export interface DrainStatus {
  state: DrainState;
  lastSuccessAt: string | null;
  lastAttemptAt: string | null;
  lastError: SyncError | null;
  consecutiveFailures: number;
  nextRetryAt: string | null;
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
  /** Asks for a drain; resolves when the drain this request joined has finished. */
  requestDrain(reason: DrainReason): Promise<void>;
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

/** A failed POST, carried out of the batch loop to the retry handling. */
class DrainFailure extends Error {
  constructor(readonly failure: SyncError) {
    super(syncErrorText(failure));
    this.name = 'DrainFailure';
  }
}

/**
 * The outbox drain: reads pending responses in sequence order with a cursor, posts them in batches,
 * and marks each one only by the collector's own verdict on it. Nothing is ever deleted here.
 */
export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const now = options.now ?? (() => new Date());
  const policy = options.backoff ?? DEFAULT_BACKOFF;
  let status: DrainStatus = {
    state: 'idle',
    lastSuccessAt: null,
    lastAttemptAt: null,
    lastError: null,
    consecutiveFailures: 0,
    nextRetryAt: null,
  };
  let running: Promise<void> | null = null;
  let again = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let intervalTimer: ReturnType<typeof setInterval> | null = null;
  let unauthorizedToken: string | null = null;
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
    const [counts, oldest, storage, persistence, kioskId] = await Promise.all([
      countByState(),
      oldestPending(),
      estimateStorage(),
      readMeta('persistence'),
      readKioskId(),
    ]);
    return {
      kioskId,
      appVersion: options.appVersion,
      definition: options.activeDefinition(settings),
      queueDepth: counts.pending,
      oldestUnsentAt: oldest?.completedAt ?? null,
      conflicts: counts.conflict,
      rejected: counts.rejected,
      storage: { persisted: persistence?.persisted ?? null, usageBytes: storage.usageBytes, quotaBytes: storage.quotaBytes },
      lastError: status.lastError ? syncErrorText(status.lastError) : null,
    };
  }

  /** One full pass over the outbox. Returns normally on success; throws nothing. */
  async function drainOnce(): Promise<void> {
    const settings = await options.loadSettings();
    if (!settings.deviceToken) {
      setStatus({ state: 'not-configured' });
      return;
    }
    if (unauthorizedToken === settings.deviceToken) return; // wait for staff to fix the token
    unauthorizedToken = null;
    setStatus({ state: 'syncing', lastAttemptAt: now().toISOString() });
    const url = submitUrl(settings.endpointUrl, options.origin);
    let batchSize = settings.syncBatchSize;
    let afterSeq = 0;
    let sentSomething = false;
    // Counted once per drain: counting the outbox for every batch made a long queue drain in
    // quadratic time. Later batches carry the depth as it shrinks.
    const health = await report(settings);
    // Responses that left the queue in this drain: sent, and also set aside (conflict or rejected).
    let settled = 0;
    for (;;) {
      const batch = await readPendingBatch(afterSeq, batchSize);
      // An empty queue still reports once per drain, so the fleet view sees the kiosk alive.
      if (batch.length === 0 && sentSomething) break;
      const kiosk: KioskReport = {
        ...health,
        queueDepth: Math.max(0, health.queueDepth - settled),
        oldestUnsentAt: batch[0]?.completedAt ?? (settled > 0 ? null : health.oldestUnsentAt),
      };
      const outcome = await postBatch(url, settings.deviceToken, kiosk, batch.map(toWireResponse), options.fetch);
      sentSomething = true;
      if (outcome.kind === 'unauthorized') {
        unauthorizedToken = settings.deviceToken;
        setStatus({ state: 'unauthorized', lastError: { kind: 'unauthorized', status: 401 }, nextRetryAt: null });
        await raiseStaffAlert('auth', 'alerts.unauthorized', 'the collector refused the device token (401)');
        return;
      }
      if (outcome.kind === 'too-large') {
        if (batch.length > 1) {
          batchSize = Math.max(1, Math.floor(batch.length / 2)); // split and retry from the same place
          continue;
        }
        // One response alone is too large: it can never be delivered, so it waits for staff.
        await applyDeliveryOutcomes([{ id: batch[0].id, state: 'rejected', reason: `too large for the collector: ${outcome.message}` }], now());
        settled += 1;
        afterSeq = batch[0].seq;
        continue;
      }
      if (outcome.kind === 'failed') throw new DrainFailure(outcome.error);
      if (outcome.place !== undefined) await adoptPlace(outcome.place);
      const outcomes = outcomesFor(batch, outcome.results);
      await applyDeliveryOutcomes(outcomes, now());
      settled += outcomes.length;
      if (batch.length === 0) break;
      afterSeq = batch[batch.length - 1].seq;
    }
    const at = now();
    if (settings.keepSentDays >= 0) await purgeSentBefore(new Date(at.getTime() - settings.keepSentDays * DAY_MS));
    setStatus({ state: 'idle', lastSuccessAt: at.toISOString(), lastError: null, consecutiveFailures: 0, nextRetryAt: null });
    await writeMeta('lastSync', { at: at.toISOString(), ok: true, error: null });
  }

  async function drainWithLock(): Promise<void> {
    const work = async () => {
      try {
        await drainOnce();
      } catch (error) {
        const failures = status.consecutiveFailures + 1;
        const delay = backoffDelayMs(failures, policy, options.random);
        // Anything else that throws mid-drain (IndexedDB, a bug) is an 'other' failure with its message.
        const failure: SyncError =
          error instanceof DrainFailure ? error.failure : { kind: 'other', detail: error instanceof Error ? error.message : String(error) };
        setStatus({ state: 'waiting-retry', lastError: failure, consecutiveFailures: failures, nextRetryAt: new Date(now().getTime() + delay).toISOString() });
        await writeMeta('lastSync', { at: now().toISOString(), ok: false, error: failure }).catch(() => undefined);
        scheduleRetry(delay);
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

  function requestDrain(reason: DrainReason, fromRetry = false): Promise<void> {
    // The periodic timer respects the backoff wait; events (a new response, online, visible,
    // staff) try at once, since they are the likeliest moments for the network to be back.
    if (reason === 'timer' && !fromRetry && status.state === 'waiting-retry') return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    if (retryTimer && reason !== 'timer') {
      clearTimeout(retryTimer);
      retryTimer = null;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await drainWithLock();
        } while (again && status.state !== 'waiting-retry' && status.state !== 'unauthorized');
      } finally {
        running = null;
      }
    })();
    return running;
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
      if (retryTimer) clearTimeout(retryTimer);
    },
    requestDrain: (reason) => requestDrain(reason),
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
