import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS, type KioskSettings } from '../../../src/shared/settings';
import { countByState, listResponses, listStaffAlerts, readMeta, resetKioskDbForTests, storeResponse, type NewResponse } from '../../../src/kiosk/storage';
import { backoffDelayMs, createSyncEngine, postBatch, REQUEST_TIMEOUT_MS, requestTimeoutMs, syncErrorText, type BatchOutcome, type SyncEngine } from '../../../src/kiosk/outbox';
import { canonicalJson } from '../../../src/shared/survey';

const TOKEN = 'dev1.abcdefghijklmnopqrstuvwxyz012345';

function draft(i: number): NewResponse {
  const minute = String(i % 60).padStart(2, '0');
  return {
    id: crypto.randomUUID(),
    definitionId: 'sipas-2023',
    definitionVersion: 1,
    locale: 'vi',
    status: 'complete',
    startedAt: `2026-11-21T08:${minute}:00.000Z`,
    completedAt: `2026-11-21T08:${minute}:40.000Z`,
    durationMs: 40_000,
    agencyCode: 'SNV',
    counterCode: 'Q1',
    deviceLabel: '',
    appVersion: '0.1.0',
    answers: { TC1: 4 },
  };
}

async function queue(n: number) {
  for (let i = 0; i < n; i++) await storeResponse(draft(i), { minIntervalMs: 0, minMsPerAnswer: 0 });
}

/** An in-memory collector that keeps the delivery contract: same id + same content = duplicate. */
class FakeCollector {
  rows = new Map<string, string>();
  requests: Array<{ count: number; at: number; queueDepth: number }> = [];
  /** The kiosk report's lastError of each request, as the fleet view receives it. */
  reportedErrors: Array<string | null> = [];
  verdicts: string[] = [];
  mode: 'up' | 'down' | 'unauthorized' | 'commit-then-drop' = 'up';
  maxBatch = Infinity;
  /** The device's registered place, sent in every answer when set (as the collector does). */
  place: unknown = undefined;

  fetch = vi.fn(async (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const body = JSON.parse(String(init?.body)) as { kiosk: { queueDepth: number; lastError: string | null }; responses: Array<{ id: string }> };
    this.requests.push({ count: body.responses.length, at: Date.now(), queueDepth: body.kiosk.queueDepth });
    this.reportedErrors.push(body.kiosk.lastError);
    if (this.mode === 'down') throw new TypeError('Failed to fetch');
    if (this.mode === 'unauthorized') return json(401, { error: 'unauthorized', message: 'missing or invalid device token' });
    if (body.responses.length > this.maxBatch) return json(413, { error: 'too_large', message: `at most ${this.maxBatch}` });
    const results = body.responses.map((response, index) => {
      const content = canonicalJson(response);
      const existing = this.rows.get(response.id);
      if (existing === undefined) {
        this.rows.set(response.id, content);
        return { id: response.id, index, status: 'created' };
      }
      return { id: response.id, index, status: existing === content ? 'duplicate' : 'conflict', reason: existing === content ? undefined : 'different content' };
    });
    this.verdicts.push(...results.map((r) => r.status));
    if (this.mode === 'commit-then-drop') {
      this.mode = 'up';
      throw new TypeError('connection reset after the server committed');
    }
    return json(200, { results, receivedAt: new Date().toISOString(), ...(this.place === undefined ? {} : { place: this.place }) });
  });
}

/** fake-indexeddb runs on the real setImmediate, which fake timers leave alone: let it finish. */
async function settle() {
  for (let i = 0; i < 60; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Advances fake time in steps, letting every drain started by a timer finish before the next step. */
async function elapse(totalMs: number, stepMs = 1_000) {
  for (let t = 0; t < totalMs; t += stepMs) {
    await vi.advanceTimersByTimeAsync(stepMs);
    await settle();
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

let settings: KioskSettings;
let engine: SyncEngine | undefined;

function makeEngine(collector: FakeCollector, extra: Partial<Parameters<typeof createSyncEngine>[0]> = {}) {
  engine = createSyncEngine({
    loadSettings: async () => settings,
    activeDefinition: () => 'sipas-2023@1',
    appVersion: '0.1.0',
    origin: 'http://127.0.0.1:8080',
    fetch: collector.fetch as unknown as typeof fetch,
    random: () => 1, // the top of the jitter range, so the schedule is exact
    ...extra,
  });
  return engine;
}

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetKioskDbForTests();
  settings = { ...DEFAULT_SETTINGS, deviceToken: TOKEN, syncBatchSize: 3 };
});

afterEach(() => {
  engine?.stop();
  engine = undefined;
  vi.useRealTimers();
});

describe('draining the outbox', () => {
  it('sends every pending response in batches and marks each sent only on acknowledgement', async () => {
    await queue(7);
    const collector = new FakeCollector();
    await makeEngine(collector).requestDrain('staff');
    expect(collector.requests.map((r) => r.count)).toEqual([3, 3, 1]);
    expect(collector.rows.size).toBe(7);
    expect(await countByState()).toEqual({ pending: 0, sent: 7, conflict: 0, rejected: 0 });
    expect(engine!.status()).toMatchObject({ state: 'idle', lastError: null, consecutiveFailures: 0 });
  });

  it('reports the queue depth on every request, and sends a heartbeat when nothing is queued', async () => {
    const collector = new FakeCollector();
    await makeEngine(collector).requestDrain('start');
    expect(collector.requests).toEqual([{ count: 0, at: expect.any(Number), queueDepth: 0 }]);
    await queue(2);
    await engine!.requestDrain('response-stored');
    expect(collector.requests[1]).toMatchObject({ count: 2, queueDepth: 2 });
  });

  it('keeps conflicts and rejections stored, counted, and out of the retry loop', async () => {
    await queue(3);
    const [first, second] = await listResponses();
    const collector = new FakeCollector();
    collector.rows.set(first.id, 'something else'); // the collector holds different content under this id
    collector.fetch.mockImplementationOnce(async (_url, init) => {
      const body = JSON.parse(String(init?.body)) as { responses: Array<{ id: string }> };
      collector.requests.push({ count: body.responses.length, at: Date.now(), queueDepth: 3 });
      return json(200, {
        receivedAt: new Date().toISOString(),
        results: body.responses.map((r, index) =>
          r.id === first.id
            ? { id: r.id, index, status: 'conflict', reason: 'same id, different content' }
            : r.id === second.id
              ? { id: r.id, index, status: 'rejected', reason: 'unknown definition sipas-2023 version 1' }
              : { id: r.id, index, status: 'created' },
        ),
      });
    });
    await makeEngine(collector).requestDrain('staff');
    expect(await countByState()).toEqual({ pending: 0, sent: 1, conflict: 1, rejected: 1 });
    await engine!.requestDrain('staff');
    // Only a heartbeat: the conflict and the rejection are not sent again.
    expect(collector.requests.map((r) => r.count)).toEqual([3, 0]);
    const stored = await listResponses();
    expect(stored.find((r) => r.id === second.id)?.syncReason).toBe('unknown definition sipas-2023 version 1');
  });

  it('reports, on each later batch of a drain, the depth left after earlier batches, set-aside responses included', async () => {
    await queue(5); // batches of 3 and 2
    const [first] = await listResponses();
    const collector = new FakeCollector();
    collector.rows.set(first.id, 'something else'); // the first response comes back as a conflict
    await makeEngine(collector).requestDrain('staff');
    expect(await countByState()).toEqual({ pending: 0, sent: 4, conflict: 1, rejected: 0 });
    // 5 waiting before the first batch; its 3 responses (2 sent, 1 set aside) all left the queue.
    expect(collector.requests.map((r) => r.queueDepth)).toEqual([5, 2]);
  });

  it('does nothing before the kiosk has a device token', async () => {
    settings = { ...settings, deviceToken: '' };
    await queue(1);
    const collector = new FakeCollector();
    await makeEngine(collector).requestDrain('start');
    expect(collector.fetch).not.toHaveBeenCalled();
    expect(engine!.status().state).toBe('not-configured');
  });
});

describe('failures', () => {
  it('retries on the exponential schedule with a cap, without a reload, and recovers', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-21T09:00:00.000Z'), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    await queue(2);
    const collector = new FakeCollector();
    collector.mode = 'down';
    const started = Date.now();
    await makeEngine(collector, { backoff: { baseMs: 5_000, capMs: 60_000 } }).requestDrain('start');
    await elapse(200_000);
    const offsets = collector.requests.map((r) => r.at - started);
    // 5 s, 10 s, 20 s, 40 s, then capped at 60 s between attempts.
    expect(offsets.slice(0, 7)).toEqual([0, 5_000, 15_000, 35_000, 75_000, 135_000, 195_000]);
    expect(engine!.status()).toMatchObject({ state: 'waiting-retry', consecutiveFailures: 7 });
    expect(await countByState()).toMatchObject({ pending: 2, sent: 0 });

    collector.mode = 'up';
    await elapse(60_000);
    expect(await countByState()).toMatchObject({ pending: 0, sent: 2 });
    expect(engine!.status()).toMatchObject({ state: 'idle', consecutiveFailures: 0, lastError: null });
  });

  it('jitters each delay between half and all of the exponential step', () => {
    expect(backoffDelayMs(1, { baseMs: 1_000, capMs: 10_000 }, () => 0)).toBe(500);
    expect(backoffDelayMs(3, { baseMs: 1_000, capMs: 10_000 }, () => 0.5)).toBe(3_000);
    expect(backoffDelayMs(10, { baseMs: 1_000, capMs: 10_000 }, () => 1)).toBe(10_000);
  });

  it('stops syncing on 401, keeps everything, alerts staff, and resumes with a new token', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    await queue(2);
    const collector = new FakeCollector();
    collector.mode = 'unauthorized';
    makeEngine(collector).start();
    await elapse(10 * 60_000, 10_000);
    expect(collector.requests).toHaveLength(1);
    expect(engine!.status()).toMatchObject({ state: 'unauthorized', lastError: { kind: 'unauthorized', status: 401 } });
    expect((await listStaffAlerts())[0]).toMatchObject({ kind: 'auth', messageKey: 'alerts.unauthorized' });
    expect(await countByState()).toMatchObject({ pending: 2 });

    collector.mode = 'up';
    settings = { ...settings, deviceToken: 'dev1.anotherSecretValue0123456789abc' };
    await engine!.requestDrain('staff');
    expect(await countByState()).toMatchObject({ pending: 0, sent: 2 });
    // The fleet view hears of the refusal once the kiosk gets through again, as a short stable text.
    expect(collector.reportedErrors).toEqual([null, 'unauthorized (401)']);
  });

  it('keeps a failure as a structured error, in its status and across a reload, and reports it as text', async () => {
    await queue(1);
    const collector = new FakeCollector();
    collector.mode = 'down';
    await makeEngine(collector).requestDrain('start');
    const failure = { kind: 'network', detail: 'TypeError: Failed to fetch' };
    expect(engine!.status()).toMatchObject({ state: 'waiting-retry', lastError: failure });
    expect(await readMeta('lastSync')).toEqual({ at: expect.any(String), ok: false, error: failure });
    collector.mode = 'up';
    await engine!.requestDrain('staff');
    expect(collector.reportedErrors).toEqual([null, 'network: TypeError: Failed to fetch']);
    expect(await readMeta('lastSync')).toEqual({ at: expect.any(String), ok: true, error: null });
    expect(engine!.status().lastError).toBeNull();
  });

  it('splits a batch the collector finds too large (413)', async () => {
    settings = { ...settings, syncBatchSize: 8 };
    await queue(8);
    const collector = new FakeCollector();
    collector.maxBatch = 2;
    await makeEngine(collector).requestDrain('staff');
    expect(collector.requests.map((r) => r.count)).toEqual([8, 4, 2, 2, 2, 2]);
    expect(collector.rows.size).toBe(8);
    expect(await countByState()).toMatchObject({ pending: 0, sent: 8 });
  });

  it('a response whose acknowledgement was lost comes back as duplicate, never a second row', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    await queue(2);
    const collector = new FakeCollector();
    collector.mode = 'commit-then-drop';
    await makeEngine(collector).requestDrain('start');
    expect(collector.rows.size).toBe(2); // committed on the server…
    expect(await countByState()).toMatchObject({ pending: 2 }); // …but the kiosk never heard.
    await elapse(10_000);
    expect(collector.rows.size).toBe(2);
    expect(await countByState()).toMatchObject({ pending: 0, sent: 2 });
    expect(collector.verdicts).toEqual(['created', 'created', 'duplicate', 'duplicate']);
  });

  it('leaves the draining to the tab that holds the lock', async () => {
    await queue(1);
    const collector = new FakeCollector();
    const busyLocks = {
      request: async (_name: string, _options: unknown, callback: (lock: Lock | null) => Promise<void>) => callback(null),
    } as unknown as LockManager;
    await makeEngine(collector, { locks: busyLocks }).requestDrain('staff');
    expect(collector.fetch).not.toHaveBeenCalled();
    expect(await countByState()).toMatchObject({ pending: 1 });
  });

  it('drains when the network comes back online and when the page becomes visible', async () => {
    await queue(1);
    const collector = new FakeCollector();
    const target = new EventTarget() as EventTarget & { document: { visibilityState: string } };
    target.document = { visibilityState: 'visible' };
    const engine = makeEngine(collector, { events: target as never });
    engine.start();
    await vi.waitFor(() => expect(collector.requests).toHaveLength(1));
    await queue(1);
    target.dispatchEvent(new Event('online'));
    await vi.waitFor(() => expect(collector.requests).toHaveLength(2));
    await queue(1);
    target.dispatchEvent(new Event('visibilitychange'));
    await vi.waitFor(() => expect(collector.requests).toHaveLength(3));
    expect(collector.rows.size).toBe(3);
  });
});

describe('what one POST comes to', () => {
  const post = (answer: () => Promise<Response>) =>
    postBatch('http://127.0.0.1:8080/api/v1/responses', TOKEN, {} as never, [], (() => answer()) as unknown as typeof fetch);

  it.each<[string, () => Promise<Response>, BatchOutcome]>([
    ['a 401', async () => json(401, { error: 'unauthorized', message: 'bad token' }), { kind: 'unauthorized' }],
    ['a 503 with a message', async () => json(503, { error: 'unavailable', message: 'busy' }), { kind: 'failed', error: { kind: 'server', status: 503, detail: 'busy' } }],
    ['a 500 without a body', async () => new Response('oops', { status: 500 }), { kind: 'failed', error: { kind: 'server', status: 500 } }],
    ['a 400', async () => json(400, { error: 'invalid_batch', message: '$.kiosk: expected an object' }), { kind: 'failed', error: { kind: 'refused', status: 400, detail: '$.kiosk: expected an object' } }],
    ['a 200 with an odd body', async () => json(200, { ok: true }), { kind: 'failed', error: { kind: 'badAnswer', status: 200 } }],
    ['no network', async () => Promise.reject(new TypeError('Failed to fetch')), { kind: 'failed', error: { kind: 'network', detail: 'TypeError: Failed to fetch' } }],
  ])('%s', async (_name, answer, outcome) => {
    expect(await post(answer)).toEqual(outcome);
  });

  it('gives up as a timeout once the allowance for the batch\'s bytes has passed, not before', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const hanging = (_url: unknown, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    let settled = false;
    const outcome = postBatch('http://127.0.0.1:8080/api/v1/responses', TOKEN, {} as never, [], hanging as unknown as typeof fetch).finally(() => (settled = true));
    const bytes = new TextEncoder().encode(JSON.stringify({ kiosk: {}, responses: [], sentAt: new Date().toISOString() })).byteLength;
    await vi.advanceTimersByTimeAsync(requestTimeoutMs(bytes) - 1);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toEqual({ kind: 'failed', error: { kind: 'timeout' } });
    expect(requestTimeoutMs(bytes)).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS);
  });

  it.each([
    [{ kind: 'unauthorized', status: 401 } as const, 'unauthorized (401)'],
    [{ kind: 'server', status: 503, detail: 'busy' } as const, 'server (503): busy'],
    [{ kind: 'timeout' } as const, 'timeout'],
    [{ kind: 'other', detail: 'x'.repeat(600) } as const, `other: ${'x'.repeat(493)}`],
  ])('writes %o for the fleet view as %s', (error, text) => {
    expect(syncErrorText(error)).toBe(text);
  });
});

describe('the place the collector tells', () => {
  const PLACE = { agencyCode: 'SO-TU-PHAP', agencyName: 'Sở Tư pháp', counterCode: 'QUAY-2', counterName: 'Quầy 2' };

  it('saves the device\'s place from a sync answer when it differs, and tells the kiosk', async () => {
    const collector = new FakeCollector();
    collector.place = PLACE;
    const saved: KioskSettings[] = [];
    const told: KioskSettings[] = [];
    const save = async (next: KioskSettings) => {
      saved.push(next);
      settings = next;
    };
    makeEngine(collector, { saveSettings: save }).onSettingsChanged((next) => told.push(next));
    await engine!.requestDrain('start');
    expect(saved).toEqual([{ ...settings, ...PLACE }]);
    expect(settings).toMatchObject(PLACE);
    expect(told).toEqual(saved);

    // The same place again changes nothing.
    await queue(2);
    await engine!.requestDrain('response-stored');
    expect(saved).toHaveLength(1);

    // Moved at the collector: the next answer moves the tablet; responses already queued keep their place.
    collector.place = { ...PLACE, counterCode: 'QUAY-5', counterName: 'Quầy 5' };
    await queue(1);
    await engine!.requestDrain('response-stored');
    expect(saved).toHaveLength(2);
    expect(settings).toMatchObject({ counterCode: 'QUAY-5', counterName: 'Quầy 5' });
    expect((await listResponses()).map((r) => r.counterCode)).toEqual(['Q1', 'Q1', 'Q1']);
  });

  it.each([
    ['no place (an older collector)', undefined],
    ['a blank code', { ...PLACE, agencyCode: '  ' }],
    ['a name that is not text', { ...PLACE, counterName: 5 }],
    ['a code over 64 characters', { ...PLACE, counterCode: 'X'.repeat(65) }],
  ])('leaves the settings alone for an answer with %s, and still delivers', async (_, place) => {
    const collector = new FakeCollector();
    collector.place = place;
    const saved: KioskSettings[] = [];
    await queue(1);
    await makeEngine(collector, { saveSettings: async (next) => void saved.push(next) }).requestDrain('staff');
    expect(saved).toEqual([]);
    expect(await countByState()).toMatchObject({ pending: 0, sent: 1 });
  });

  it('saves into the tablet\'s storage by default, keeping what staff saved meanwhile', async () => {
    const collector = new FakeCollector();
    collector.place = PLACE;
    await makeEngine(collector, { loadSettings: async () => ({ ...settings, idleTimeoutMs: 90_000 }) }).requestDrain('start');
    expect(await readMeta('settings')).toEqual({ ...settings, idleTimeoutMs: 90_000, ...PLACE });
  });
});
