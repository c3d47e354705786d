import { vi } from 'vitest';
import { storeResponse, type NewResponse } from '../../../src/kiosk/storage';
import { canonicalJson } from '../../../src/shared/survey';
import { HEALTH_PATH } from '../../../src/shared/wire';

/** A device token shaped like the collector's. */
export const TOKEN = 'dev1.abcdefghijklmnopqrstuvwxyz012345';

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

/** Stores `n` complete responses as the kiosk does. */
export async function queue(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await storeResponse(draft(i), { minIntervalMs: 0, minMsPerAnswer: 0 });
}

/** How the fake collector (and the network to it) behaves. */
export type CollectorMode = 'up' | 'down' | '5xx' | 'hang' | 'unauthorized' | 'busy';

/**
 * An in-memory collector that keeps the delivery contract (same id + same content = duplicate), with
 * the failures of issue 9: a network gone, 5xx, a hang, 401, 503 with Retry-After, and a slow link
 * (`maxBodyBytes`: a bigger body does not get through before the kiosk gives up).
 */
export class FakeCollector {
  rows = new Map<string, string>();
  /** Every batch POST: its size, its body bytes and when (fake time). */
  posts: Array<{ count: number; bytes: number; at: number; ids: string[] }> = [];
  healthChecks: number[] = [];
  verdicts: string[] = [];
  mode: CollectorMode = 'up';
  /** A batch body larger than this hangs until the kiosk aborts it (a link too slow for it). */
  maxBodyBytes = Infinity;
  retryAfter = '30';

  fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const path = new URL(String(url)).pathname;
    if (path === HEALTH_PATH) {
      this.healthChecks.push(Date.now());
      return this.failure(init) ?? json(200, { ok: true });
    }
    const text = String(init?.body);
    const body = JSON.parse(text) as { responses: Array<{ id: string }> };
    const bytes = new TextEncoder().encode(text).byteLength;
    this.posts.push({ count: body.responses.length, bytes, at: Date.now(), ids: body.responses.map((r) => r.id) });
    const failed = this.failure(init);
    if (failed) return failed;
    if (this.mode === 'unauthorized') return json(401, { error: 'unauthorized', message: 'missing or invalid device token' });
    if (this.mode === 'busy') return json(503, { error: 'busy', message: 'try later' }, { 'retry-after': this.retryAfter });
    if (bytes > this.maxBodyBytes) return hangUntilAborted(init);
    const results = body.responses.map((response, index) => {
      const content = canonicalJson(response);
      const existing = this.rows.get(response.id);
      if (existing === undefined) {
        this.rows.set(response.id, content);
        return { id: response.id, index, status: 'created' };
      }
      return { id: response.id, index, status: existing === content ? 'duplicate' : 'conflict' };
    });
    this.verdicts.push(...results.map((r) => r.status));
    return json(200, { results, receivedAt: new Date().toISOString() });
  });

  /** The answer of a collector that is away, or undefined when it is there. */
  private failure(init?: RequestInit): Promise<Response> | undefined {
    if (this.mode === 'down') return Promise.reject(new TypeError('Failed to fetch'));
    if (this.mode === '5xx') return Promise.resolve(json(502, { error: 'bad_gateway', message: 'upstream down' }));
    if (this.mode === 'hang') return hangUntilAborted(init);
    return undefined;
  }
}

function hangUntilAborted(init?: RequestInit): Promise<Response> {
  return new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** fake-indexeddb and WebCrypto finish on the real event loop, which fake timers leave alone: let them. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 100; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Advances fake time in steps, letting every drain started by a timer finish before the next step. */
export async function elapse(totalMs: number, stepMs = 1_000): Promise<void> {
  for (let t = 0; t < totalMs; t += stepMs) {
    await vi.advanceTimersByTimeAsync(stepMs);
    await settle();
  }
}

/** A seeded generator, so jittered schedules are varied and yet the same at every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The timers the sync engine uses, faked; IndexedDB's setImmediate stays real. */
export const FAKED = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] as const;
