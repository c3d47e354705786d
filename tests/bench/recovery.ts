/**
 * Recovery after a collector outage, on a virtual clock: how long after a 1-, 12- or 20-minute outage
 * ends the kiosk's queue is empty (issue 9 target: ≤ 60 s). The real sync engine and storage module
 * run on fake-indexeddb against an in-memory collector; only the timers are virtual, so 20 minutes take
 * a second. The unit tests (tests/kiosk/outbox/healing.test.ts) assert the same with vitest's fake timers.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { createSyncEngine } from '../../src/kiosk/outbox';
import { countByState, resetKioskDbForTests, storeResponse } from '../../src/kiosk/storage';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { HEALTH_PATH } from '../../src/shared/wire';

type Timer = { at: number; run: () => void; everyMs?: number };

/** setTimeout/setInterval on a clock that moves only when told; the engine's timers are global ones. */
class VirtualClock {
  nowMs = Date.UTC(2026, 10, 21, 9);
  private timers = new Map<number, Timer>();
  private nextId = 1;
  /** True while work a timer started is still going (the engine mid-drain): the clock waits for it. */
  busy: () => boolean = () => false;
  private saved: Pick<typeof globalThis, 'setTimeout' | 'clearTimeout' | 'setInterval' | 'clearInterval'> | null = null;

  install(): void {
    this.saved = { setTimeout, clearTimeout, setInterval, clearInterval };
    const add = (run: () => void, ms = 0, everyMs?: number) => {
      const id = this.nextId++;
      this.timers.set(id, { at: this.nowMs + Math.max(0, ms), run, everyMs });
      return id as unknown as ReturnType<typeof setTimeout>;
    };
    const remove = (id: unknown) => void this.timers.delete(id as number);
    Object.assign(globalThis, {
      setTimeout: (run: () => void, ms?: number) => add(run, ms),
      clearTimeout: remove,
      setInterval: (run: () => void, ms?: number) => add(run, ms, Math.max(1, ms ?? 0)),
      clearInterval: remove,
    });
  }

  uninstall(): void {
    if (this.saved) Object.assign(globalThis, this.saved);
    this.saved = null;
  }

  /** Moves the clock by `ms`, running each due timer and letting the work it starts finish. */
  async advance(ms: number): Promise<void> {
    const end = this.nowMs + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      const [id, timer] = due;
      this.nowMs = Math.max(this.nowMs, timer.at);
      if (timer.everyMs) timer.at += timer.everyMs;
      else this.timers.delete(id);
      timer.run();
      await this.settle();
    }
    this.nowMs = end;
    await this.settle();
  }

  /** Lets IndexedDB and the engine finish what the last timer started, before time moves on. */
  async settle(): Promise<void> {
    await settle();
    for (let i = 0; i < 100_000 && this.busy(); i++) await new Promise((resolve) => setImmediate(resolve));
    await settle();
  }
}

/** fake-indexeddb works on setImmediate, which the virtual clock leaves real. */
async function settle(): Promise<void> {
  for (let i = 0; i < 100; i++) await new Promise((resolve) => setImmediate(resolve));
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Seconds from the end of an outage of `outageMinutes` (every request answered 502) until the queue is empty. */
export async function measureRecovery(outageMinutes: number, queued = 30): Promise<{ seconds: number; delivered: number }> {
  globalThis.indexedDB = new IDBFactory();
  resetKioskDbForTests();
  for (let i = 0; i < queued; i++) {
    const at = new Date(Date.UTC(2026, 10, 21, 8) + i * 60_000).toISOString();
    await storeResponse(
      { id: crypto.randomUUID(), definitionId: 'sipas-2023', definitionVersion: 1, locale: 'vi', status: 'complete', startedAt: at, completedAt: at, durationMs: 40_000, agencyCode: 'SNV', counterCode: 'Q1', deviceLabel: '', appVersion: 'bench', answers: { TC1: 4 } },
      { minIntervalMs: 0, minMsPerAnswer: 0 },
    );
  }
  const clock = new VirtualClock();
  let down = true;
  const received = new Set<string>();
  const fetchImpl = (async (url: string | URL | Request, init?: RequestInit) => {
    if (down) return new Response('{"error":"bad_gateway","message":"down"}', { status: 502 });
    if (new URL(String(url)).pathname === HEALTH_PATH) return Response.json({ ok: true });
    const body = JSON.parse(String(init?.body)) as { responses: Array<{ id: string }> };
    const results = body.responses.map((r, index) => {
      const status = received.has(r.id) ? 'duplicate' : 'created';
      received.add(r.id);
      return { id: r.id, index, status };
    });
    return Response.json({ results, receivedAt: new Date(clock.nowMs).toISOString() });
  }) as typeof fetch;
  clock.install();
  const engine = createSyncEngine({
    loadSettings: async () => ({ ...DEFAULT_SETTINGS, deviceToken: 'dev1.benchbenchbenchbenchbench0123' }),
    activeDefinition: () => 'sipas-2023@1',
    appVersion: 'bench',
    origin: 'http://127.0.0.1:8080',
    fetch: fetchImpl,
    now: () => new Date(clock.nowMs),
    random: seededRandom(outageMinutes),
  });
  clock.busy = () => engine.status().state === 'syncing';
  try {
    engine.start();
    await clock.settle();
    await clock.advance(outageMinutes * 60_000);
    down = false;
    let seconds = 0;
    while ((await countByState()).pending > 0 && seconds < 30 * 60) {
      await clock.advance(1_000);
      seconds += 1;
    }
    return { seconds, delivered: received.size };
  } finally {
    engine.stop();
    clock.uninstall();
  }
}
