/*
 * Two collector processes on one PostgreSQL database, as two stores (two pools) on one schema: the
 * primary key on the canonical id, not a prior SELECT, decides which batch stores a response.
 */
import { describe, expect, it } from 'vitest';
import { createCollector, openStore, registerDevice, setAdminPassword, type CollectorStore, type IngestItem } from '../../../src/collector';
import { ReadPool } from '../../../src/collector/staff-pages';
import type { SurveyResponse } from '../../../src/shared/survey';
import { ADMIN_PASSWORD, DEFINITIONS, deferCleanups, makeResponse, seedResponses, signIn, validItem } from '../helpers';
import { freshPostgresDatabase, TEST_DATABASE_URL } from '../test-databases';

const defer = deferCleanups();
const AT = '2026-03-02T02:00:00.000Z';

/** Two stores on one fresh schema, closed (then the schema dropped) after the test. */
async function twoProcesses(): Promise<[CollectorStore, CollectorStore, string]> {
  const db = freshPostgresDatabase();
  defer(() => db.cleanup());
  const first = await openStore(db.url);
  defer(() => first.close());
  const second = await openStore(db.url);
  defer(() => second.close());
  return [first, second, db.url];
}

/** Ingests `items` through `store` in batches of `size`, all batches at once; the statuses in item order. */
async function ingestInBatches(store: CollectorStore, deviceId: string, items: IngestItem[], size: number): Promise<string[]> {
  const batches: IngestItem[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  const outcomes = await Promise.all(batches.map((batch) => store.ingest({ deviceId, receivedAt: AT, report: null, source: 'sync', items: batch })));
  return outcomes.flat().map((o) => o.status);
}

const tally = (statuses: string[]) => statuses.reduce<Record<string, number>>((counts, s) => ({ ...counts, [s]: (counts[s] ?? 0) + 1 }), {});

describe.skipIf(TEST_DATABASE_URL === undefined)(`PostgreSQL store, two processes at once${TEST_DATABASE_URL ? '' : ' (skipped: set TEST_DATABASE_URL=postgres://… to run)'}`, () => {
  it('stores each of 100 ids sent by both at once exactly once; the other sending is a duplicate', async () => {
    const [first, second] = await twoProcesses();
    const { deviceId } = await registerDevice(first, { label: 'Quầy 1', agencyCode: 'UBND-Q1', counterCode: 'Q01' });
    const responses = Array.from({ length: 100 }, (_, i) => makeResponse({ seq: i + 1 }));
    const items = responses.map((r) => validItem(r));
    // Opposite orders and overlapping batches: without a fixed lock order the two would deadlock.
    const [a, b] = await Promise.all([ingestInBatches(first, deviceId, items, 10), ingestInBatches(second, deviceId, [...items].reverse(), 25)]);
    expect(tally([...a, ...b])).toEqual({ created: 100, duplicate: 100 });
    // Per id: one process created it, the other found it.
    const statusOf = new Map(responses.map((r, i) => [r.id, [a[i], b[99 - i]].sort().join('+')]));
    expect(new Set(statusOf.values())).toEqual(new Set(['created+duplicate']));
    expect(await first.countResponses(deviceId)).toBe(100);
    expect(await second.countResponses(deviceId)).toBe(100);
  }, 60_000);

  it('keeps the first of two contents sent at once for each id and sets the other aside once', async () => {
    const [first, second] = await twoProcesses();
    const { deviceId } = await registerDevice(first, { label: 'Quầy 1', agencyCode: 'UBND-Q1', counterCode: 'Q01' });
    const responses = Array.from({ length: 40 }, (_, i) => makeResponse({ seq: i + 1 }));
    const other = (r: SurveyResponse): SurveyResponse => ({ ...r, answers: { ...r.answers, TC1: 1 } });
    const [a, b] = await Promise.all([
      ingestInBatches(first, deviceId, responses.map((r) => validItem(r)), 8),
      ingestInBatches(second, deviceId, responses.map((r) => validItem(other(r))), 8),
    ]);
    expect(tally([...a, ...b])).toEqual({ created: 40, conflict: 40 });
    const { total, entries } = await second.listConflicts();
    expect(total).toBe(40);
    // What is set aside is always the content that lost, beside the one stored.
    for (const entry of entries) expect(entry.incoming.answers.TC1 === 1).toBe(entry.stored?.response.answers.TC1 !== 1);
  }, 60_000);

  it('lets a read worker thread open its own pool on the PostgreSQL URL and export what the main thread exports', async () => {
    const [store, , url] = await twoProcesses();
    const { deviceId } = await registerDevice(store, { label: 'Quầy 1', agencyCode: 'UBND-Q1', counterCode: 'Q01' });
    await seedResponses(store, deviceId, 30, (i) => makeResponse({ seq: i + 1 }));
    await setAdminPassword(store, ADMIN_PASSWORD, new Date('2026-03-03T02:00:00.000Z'));
    const export_ = async (reader: ReadPool) => {
      const app = await createCollector({ store, definitions: DEFINITIONS, reader });
      defer(() => app.close());
      const cookie = await signIn(app);
      return { answer: await app.inject({ method: 'GET', url: '/api/v1/admin/responses.csv', headers: { cookie } }), reader };
    };
    const viaWorker = await export_(new ReadPool({ store, storeUrl: url }));
    const inProcess = await export_(new ReadPool({ store, workers: 0 }));
    expect(viaWorker.answer.statusCode).toBe(200);
    expect(viaWorker.answer.headers['x-row-count']).toBe('30');
    expect(viaWorker.answer.rawPayload.equals(inProcess.answer.rawPayload)).toBe(true);
    expect(viaWorker.reader.stats).toMatchObject({ workerJobs: 1, inProcessJobs: 0, workersStarted: 1 });
  }, 60_000);
});
