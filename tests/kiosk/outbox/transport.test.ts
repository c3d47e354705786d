import { afterEach, describe, expect, it, vi } from 'vitest';
import { postBatch } from '../../../src/kiosk/outbox';
import { submitBatchSchema } from '../../../src/shared/schemas';
import type { KioskReport } from '../../../src/shared/schemas';

const REPORT: KioskReport = {
  kioskId: '7d1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
  appVersion: '0.1.0',
  definition: 'sipas-2023@1',
  queueDepth: 0,
  oldestUnsentAt: null,
  conflicts: 0,
  rejected: 0,
  storage: { persisted: true, usageBytes: 1024, quotaBytes: 1_000_000 },
  lastError: null,
};

afterEach(() => {
  vi.useRealTimers();
});

describe('postBatch', () => {
  it("sends the tablet's clock as sentAt, so the collector can tell how far off it is", async () => {
    vi.useFakeTimers({ now: new Date('2027-01-05T08:00:00.000Z'), toFake: ['Date'] });
    const bodies: unknown[] = [];
    const fetchImpl = (async (_url: string, init?: RequestInit) => {
      bodies.push(JSON.parse(String(init?.body)));
      return new Response(JSON.stringify({ results: [], receivedAt: '2027-01-05T08:00:00.000Z' }), { status: 200, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    const outcome = await postBatch('http://collector.test/api/v1/responses', 'token', REPORT, [], fetchImpl);
    expect(outcome.kind).toBe('ok');
    expect(bodies).toHaveLength(1);
    const batch = submitBatchSchema.parse(bodies[0]);
    expect(batch.sentAt).toBe('2027-01-05T08:00:00.000Z');
    expect(batch.responses).toEqual([]);
  });
});
