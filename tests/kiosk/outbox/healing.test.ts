import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS, type KioskSettings } from '../../../src/shared/settings';
import { countByState, listStaffAlerts, readMeta, resetKioskDbForTests } from '../../../src/kiosk/storage';
import {
  ASSUMED_SLOW_LINK_BYTES_PER_SECOND,
  AUTH_PROBE_INTERVAL_MS,
  BatchSizer,
  createSyncEngine,
  REQUEST_TIMEOUT_BASE_MS,
  REQUEST_TIMEOUT_MAX_MS,
  requestTimeoutMs,
  retryAfterMsOf,
  tokenFingerprint,
  type SyncEngine,
  type SyncEngineOptions,
} from '../../../src/kiosk/outbox';
import { MAX_BATCH_RESPONSES } from '../../../src/shared/wire';
import { elapse, FAKED, FakeCollector, queue, seededRandom, settle, TOKEN } from './healing-fixtures';

let settings: KioskSettings;
let engines: SyncEngine[] = [];

function makeEngine(collector: FakeCollector, extra: Partial<SyncEngineOptions> = {}): SyncEngine {
  const engine = createSyncEngine({
    loadSettings: async () => settings,
    activeDefinition: () => 'sipas-2023@1',
    appVersion: '0.1.0',
    origin: 'http://127.0.0.1:8080',
    fetch: collector.fetch as unknown as typeof fetch,
    random: () => 1, // the top of every jitter range, so schedules are exact
    fingerprintToken,
    ...extra,
  });
  engines.push(engine);
  return engine;
}

/**
 * WebCrypto digests finish on Node's thread pool, at no fixed point of the fake-timer steps: the
 * engine's tests use this stand-in (not a hash; never for real tokens), and the real fingerprint is
 * checked on its own below.
 */
const fingerprintToken = async (token: string) => `fp:${[...token].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7)}`;

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetKioskDbForTests();
  settings = { ...DEFAULT_SETTINGS, deviceToken: TOKEN, syncBatchSize: 8 };
});

afterEach(() => {
  for (const engine of engines) engine.stop();
  engines = [];
  vi.useRealTimers();
});

describe('batch sizing', () => {
  it.each<[string, (sizer: BatchSizer) => void, number]>([
    ['halves on a timeout', (s) => s.timedOut(100), 50],
    ['halves on a 413', (s) => s.tooLarge(100), 50],
    ['halves what was sent when the batch was short', (s) => s.timedOut(30), 15],
    ['never goes below one', (s) => [1, 2, 3, 4, 5, 6, 7, 8].forEach(() => s.timedOut(100)), 1],
    ['keeps its size when an empty heartbeat times out', (s) => s.timedOut(0), 100],
    ['grows by half after three full batches in a row', (s) => (s.tooLarge(100), [1, 2, 3].forEach(() => s.succeeded(50))), 75],
    ['does not grow on two', (s) => (s.tooLarge(100), [1, 2].forEach(() => s.succeeded(50))), 50],
    ['does not grow on short batches (the tail of a queue)', (s) => (s.tooLarge(100), [1, 2, 3].forEach(() => s.succeeded(10))), 50],
    ['a failure restarts the count', (s) => (s.tooLarge(100), s.succeeded(50), s.succeeded(50), s.timedOut(50), [1, 2].forEach(() => s.succeeded(25))), 25],
    ['never grows past the ceiling', (s) => (s.timedOut(100), Array.from({ length: 30 }).forEach(() => s.succeeded(s.size))), 100],
  ])('%s', (_name, act, size) => {
    const sizer = new BatchSizer(100);
    act(sizer);
    expect(sizer.size).toBe(size);
  });

  it('starts from a learnt size within the ceiling, which staff may lower and never above the collector\'s limit', () => {
    expect(new BatchSizer(100, 12).size).toBe(12);
    expect(new BatchSizer(100, 400).size).toBe(100);
    expect(new BatchSizer(10_000).size).toBe(MAX_BATCH_RESPONSES);
    const sizer = new BatchSizer(100, 60);
    sizer.setCeiling(20);
    expect(sizer.size).toBe(20);
  });

  it('stretches the time allowance after timeouts in a row, up to four times, and resets it on success', () => {
    const sizer = new BatchSizer(100);
    expect([0, 1, 2, 3].map(() => (sizer.timedOut(0), sizer.timeoutFactor))).toEqual([2, 4, 4, 4]);
    sizer.succeeded(1);
    expect(sizer.timeoutFactor).toBe(1);
  });

  it.each([
    [0, 1, REQUEST_TIMEOUT_BASE_MS],
    [56_000, 1, REQUEST_TIMEOUT_BASE_MS + (56_000 / ASSUMED_SLOW_LINK_BYTES_PER_SECOND) * 1000], // 100 responses: 86 s
    [28_000, 2, 2 * (REQUEST_TIMEOUT_BASE_MS + 28_000)],
    [500_000, 1, REQUEST_TIMEOUT_MAX_MS],
    [0, 8, REQUEST_TIMEOUT_MAX_MS],
  ])('allows a body of %i bytes (factor %i) %i ms', (bytes, factor, ms) => {
    expect(requestTimeoutMs(bytes, factor)).toBe(ms);
  });

  it('halves a batch that timed out, keeps the size that worked for the next drain and across a reload, and grows it back', async () => {
    vi.useFakeTimers({ toFake: [...FAKED] });
    await queue(40);
    const collector = new FakeCollector();
    collector.maxBodyBytes = 3_000; // about 5 responses fit the link in time, 8 do not
    const engine = makeEngine(collector);
    void engine.requestDrain('staff');
    await elapse(10 * 60_000);
    expect(await countByState()).toMatchObject({ pending: 0, sent: 40 });
    const sizes = collector.posts.map((p) => p.count);
    expect(sizes.slice(0, 3)).toEqual([8, 4, 4]); // timed out at 8, then 4 at a time
    expect(collector.posts.filter((p) => p.bytes > collector.maxBodyBytes).length).toBeLessThanOrEqual(2); // grew to 6 once, and learnt
    expect(await readMeta('outboxBatchSize')).toBeLessThanOrEqual(5);
    expect(collector.verdicts.filter((v) => v === 'duplicate')).toEqual([]);

    // A reload: a new engine on the same database starts from the learnt size, not from 8.
    engine.stop();
    await queue(4);
    const learnt = (await readMeta('outboxBatchSize'))!;
    collector.posts = [];
    await makeEngine(collector).requestDrain('start');
    await settle();
    expect(collector.posts[0].count).toBe(Math.min(4, learnt));
    expect(await countByState()).toMatchObject({ pending: 0, sent: 44 });
  });

  it('grows back to the ceiling by half every three full batches once the link carries them again', () => {
    const sizer = new BatchSizer(100, 4);
    const grown: number[] = [];
    for (let i = 0; i < 27; i++) {
      sizer.succeeded(sizer.size);
      grown.push(sizer.size);
    }
    expect([...new Set(grown)]).toEqual([4, 6, 9, 14, 21, 32, 48, 72, 100]);
  });
});

describe('a refused token', () => {
  it('is kept as its SHA-256 in hex, never in clear', async () => {
    expect(await tokenFingerprint('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('is stored by its real fingerprint by default', async () => {
    const collector = new FakeCollector();
    collector.mode = 'unauthorized';
    await makeEngine(collector, { fingerprintToken: undefined }).requestDrain('start');
    expect(await readMeta('refusedToken')).toEqual({ fingerprint: await tokenFingerprint(TOKEN), at: expect.any(String) });
  });

  it('pauses on 401, stores the refusal by fingerprint and the last sync as unauthorized, and a probe 15 minutes later heals it', async () => {
    vi.useFakeTimers({ toFake: [...FAKED] });
    await queue(3);
    const collector = new FakeCollector();
    collector.mode = 'unauthorized';
    const engine = makeEngine(collector);
    engine.start();
    await elapse(5_000);
    expect(engine.status()).toMatchObject({ state: 'unauthorized', lastError: { kind: 'unauthorized', status: 401 } });
    const stored = await readMeta('refusedToken');
    expect(stored).toEqual({ fingerprint: await fingerprintToken(TOKEN), at: expect.any(String) });
    expect(JSON.stringify(stored)).not.toContain(TOKEN.slice(5));
    expect(await readMeta('lastSync')).toMatchObject({ ok: false, error: { kind: 'unauthorized', status: 401 } });
    expect(await listStaffAlerts()).toHaveLength(1);

    // Events while refused send nothing, and do not postpone the probe.
    await engine.requestDrain('response-stored');
    await engine.requestDrain('online');
    expect(collector.posts).toHaveLength(1);

    collector.mode = 'up'; // the 401 was a proxy's, or a collector restarting
    await elapse(AUTH_PROBE_INTERVAL_MS - 10_000);
    expect(collector.posts).toHaveLength(1);
    await elapse(10_000);
    expect(await countByState()).toMatchObject({ pending: 0, sent: 3 });
    expect(engine.status().state).toBe('idle');
    expect(await readMeta('refusedToken')).toBeNull();
    expect(await readMeta('lastSync')).toMatchObject({ ok: true });
  });

  it('probes again every 15 minutes while refused, alerting staff only once', async () => {
    vi.useFakeTimers({ toFake: [...FAKED] });
    const collector = new FakeCollector();
    collector.mode = 'unauthorized';
    makeEngine(collector).start();
    await elapse(3 * AUTH_PROBE_INTERVAL_MS + 5_000, 5_000);
    expect(collector.posts).toHaveLength(4);
    expect(collector.posts[1].at - collector.posts[0].at).toBe(AUTH_PROBE_INTERVAL_MS);
    expect((await listStaffAlerts()).map((a) => a.kind)).toEqual(['auth']);
  });

  it('remembers the refusal across a reload: sends nothing with that token, probes when staff open Health, and a new token clears it', async () => {
    vi.useFakeTimers({ toFake: [...FAKED] });
    await queue(2);
    const collector = new FakeCollector();
    collector.mode = 'unauthorized';
    await makeEngine(collector).requestDrain('start');
    expect(collector.posts).toHaveLength(1);

    // The page reloads: same token, still refused as far as the kiosk knows.
    resetKioskDbForTests();
    const reloaded = makeEngine(collector);
    await reloaded.requestDrain('start');
    expect(reloaded.status().state).toBe('unauthorized');
    expect(collector.posts).toHaveLength(1);

    // Staff open Health: one probe, still refused.
    await reloaded.probeNow('staff');
    expect(collector.posts).toHaveLength(2);
    expect(reloaded.status().state).toBe('unauthorized');

    // A new provisioning link gives a new token: sending resumes at once.
    collector.mode = 'up';
    settings = { ...settings, deviceToken: 'dev1.anotherSecretValue0123456789abc' };
    await reloaded.requestDrain('response-stored');
    expect(await countByState()).toMatchObject({ pending: 0, sent: 2 });
    expect(await readMeta('refusedToken')).toBeNull();
  });
});

describe('recovery', () => {
  it('checks reachability during a long backoff wait and drains as soon as the collector answers', async () => {
    vi.useFakeTimers({ toFake: [...FAKED] });
    await queue(2);
    const collector = new FakeCollector();
    collector.mode = '5xx';
    const engine = makeEngine(collector, { backoff: { baseMs: 10 * 60_000, capMs: 15 * 60_000 } });
    await engine.requestDrain('start');
    expect(engine.status().state).toBe('waiting-retry'); // next retry in 10 minutes
    await elapse(100_000);
    // At most every 30 s (+10 s jitter, at its top here): 40, 80 s.
    expect(collector.healthChecks.map((at) => at - collector.posts[0].at)).toEqual([40_000, 80_000]);
    expect(collector.posts).toHaveLength(1);
    collector.mode = 'up';
    await elapse(40_000);
    expect(await countByState()).toMatchObject({ pending: 0, sent: 2 });
    expect(collector.posts[1].at - collector.posts[0].at).toBe(120_000);
  });

  it('does not probe reachability for failures it cannot end (the collector refusing the batch)', async () => {
    vi.useFakeTimers({ toFake: [...FAKED] });
    await queue(1);
    const collector = new FakeCollector();
    collector.fetch.mockImplementationOnce(async () => new Response(JSON.stringify({ error: 'invalid_batch', message: 'no' }), { status: 400 }));
    await makeEngine(collector, { backoff: { baseMs: 10 * 60_000, capMs: 15 * 60_000 } }).requestDrain('start');
    await elapse(120_000);
    expect(collector.healthChecks).toEqual([]);
  });

  it('an event that arrives while a doomed attempt is in flight gets an attempt right after it', async () => {
    vi.useFakeTimers({ toFake: [...FAKED] });
    await queue(2);
    const collector = new FakeCollector();
    collector.mode = 'hang';
    const engine = makeEngine(collector, { backoff: { baseMs: 10 * 60_000, capMs: 15 * 60_000 } });
    void engine.requestDrain('start');
    await elapse(5_000);
    collector.mode = 'up';
    void engine.requestDrain('online'); // the network is back while the first request still hangs
    await elapse(REQUEST_TIMEOUT_BASE_MS + 10_000);
    expect(await countByState()).toMatchObject({ pending: 0, sent: 2 });
    // Right after the doomed request gave up, not 10 minutes later; half the batch, as after any timeout.
    expect(collector.posts.map((p) => p.count)).toEqual([2, 1, 1]);
    expect(collector.posts[1].at - collector.posts[0].at).toBeLessThanOrEqual(requestTimeoutMs(collector.posts[0].bytes) + 1_000);
  });

  it.each([
    ['seconds', '30', 0, 30_000],
    ['seconds, top of the jitter', '30', 1, 45_000],
    ['a short wait, jittered by at least 5 s', '2', 1, 7_000],
    ['an HTTP date', 'Sat, 21 Nov 2026 09:01:00 GMT', 0, 60_000],
  ])('honours a 503 Retry-After in %s, with jitter, and events do not cut it short', async (_name, header, jitter, waitMs) => {
    vi.useFakeTimers({ now: new Date('2026-11-21T09:00:00.000Z'), toFake: [...FAKED] });
    await queue(1);
    const collector = new FakeCollector();
    collector.mode = 'busy';
    collector.retryAfter = header;
    const engine = makeEngine(collector, { random: () => jitter });
    await engine.requestDrain('start');
    const first = collector.posts[0].at;
    expect(engine.status().nextRetryAt).toBe(new Date(first + waitMs).toISOString());
    collector.mode = 'up';
    await engine.requestDrain('online');
    await engine.requestDrain('response-stored');
    await elapse(waitMs - 1_000, 500);
    expect(collector.posts).toHaveLength(1);
    expect(collector.healthChecks).toEqual([]);
    await elapse(2_000, 500);
    expect(await countByState()).toMatchObject({ pending: 0, sent: 1 });
  });

  it.each([
    ['seconds', '120', 120_000],
    ['an HTTP date', 'Sat, 21 Nov 2026 09:00:30 GMT', 30_000],
    ['a date already past', 'Sat, 21 Nov 2026 08:00:00 GMT', 0],
    ['nonsense', 'soon', undefined],
    ['no header', null, undefined],
  ])('reads Retry-After as %s', (_name, header, ms) => {
    expect(retryAfterMsOf(header, Date.parse('2026-11-21T09:00:00.000Z'))).toBe(ms);
  });

  /** Minutes of outage → seconds from its end until the queue is empty, with the default schedule. */
  const recoveryFigures: Record<string, number> = {};

  it.each([
    [1, '5xx'],
    [12, '5xx'],
    [20, '5xx'],
    [12, 'hang'],
    [20, 'down'],
  ] as const)('empties the queue within 60 s after a %i-minute outage (%s)', async (minutes, mode) => {
    vi.useFakeTimers({ now: new Date('2026-11-21T09:00:00.000Z'), toFake: [...FAKED] });
    await queue(30);
    const collector = new FakeCollector();
    collector.mode = mode;
    const engine = makeEngine(collector, { random: seededRandom(minutes * 7 + mode.length) });
    engine.start();
    await elapse(minutes * 60_000);
    expect(await countByState()).toMatchObject({ pending: 30 });
    collector.mode = 'up';
    const ended = Date.now();
    for (let waited = 0; (await countByState()).pending > 0; waited += 1_000) {
      if (waited > 15 * 60_000) break;
      await elapse(1_000);
    }
    const seconds = (Date.now() - ended) / 1000;
    recoveryFigures[`${minutes} min ${mode}`] = seconds;
    console.log(`recovery after a ${minutes}-minute outage (${mode}): ${seconds} s`);
    expect(await countByState()).toMatchObject({ pending: 0, sent: 30 });
    expect(seconds).toBeLessThanOrEqual(60);
    expect(collector.verdicts.filter((v) => v === 'duplicate')).toEqual([]);
  });
});
