import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FunnelDay } from '../../../src/shared/wire';
import { FUNNEL_MAX_QUESTIONS, FUNNEL_REPORT_MAX_ENTRIES } from '../../../src/shared/wire';
import { kioskReportSchema } from '../../../src/shared/schemas';
import { makeBatch, makeReport, makeResponse, resultsOf, startTestCollector, type TestCollector } from '../helpers';

function day(overrides: Partial<FunnelDay> = {}): FunnelDay {
  return { day: '2026-03-02', definitionId: 'sipas-test', definitionVersion: 1, started: 3, completed: 1, completedByTimeout: 1, abandoned: { TC2: 1 }, ...overrides };
}

let c: TestCollector;
beforeEach(async () => {
  c = await startTestCollector({ now: () => new Date('2026-03-02T02:00:00.000Z') });
});
afterEach(async () => {
  await c.close();
});

describe('kioskReportSchema: the funnel', () => {
  it.each([
    ['no funnel (a kiosk from before it)', {}, true],
    ['an empty funnel', { funnel: [] }, true],
    ['a day of counts and the lost events', { funnel: [day()], funnelLost: 2 }, true],
    [`more than ${FUNNEL_REPORT_MAX_ENTRIES} entries`, { funnel: Array.from({ length: FUNNEL_REPORT_MAX_ENTRIES + 1 }, () => day()) }, false],
    [`more than ${FUNNEL_MAX_QUESTIONS} questions in one entry`, { funnel: [day({ abandoned: Object.fromEntries(Array.from({ length: FUNNEL_MAX_QUESTIONS + 1 }, (_, i) => [`Q${i}`, 1])) })] }, false],
    ['a count that is not a whole number', { funnel: [day({ started: 1.5 })] }, false],
    ['a negative count', { funnel: [day({ completed: -1 })] }, false],
    ['a count beyond any one tablet', { funnel: [day({ started: 10_000_000 })] }, false],
    ['a day that is not a date', { funnel: [day({ day: '2026-02-30' })] }, false],
    ['a time finer than the day', { funnel: [day({ day: '2026-03-02T08:00:00Z' })] }, false],
    ['a last question that is not a question id', { funnel: [day({ abandoned: { 'a b': 1 } })] }, false],
    ['an extra field (say, answers)', { funnel: [{ ...day(), answers: { TC1: 5 } }] }, false],
  ])('%s: accepted %s', (_case, extra, accepted) => {
    expect(kioskReportSchema.safeParse(makeReport(extra as never)).success).toBe(accepted);
  });
});

describe('POST /api/v1/responses: the funnel in the health report', () => {
  it('keeps a resent day once, not twice', async () => {
    const report = makeReport({ funnel: [day()] });
    resultsOf(await c.submit(makeBatch([makeResponse()], report)));
    resultsOf(await c.submit(makeBatch([], report)));
    expect(await c.store.readFunnel()).toEqual([
      { day: '2026-03-02', agencyCode: 'UBND-Q1', counterCode: 'Q01', definitionId: 'sipas-test', definitionVersion: 1, started: 3, completed: 1, completedByTimeout: 1, abandoned: { TC2: 1 } },
    ]);
  });

  it('takes the newer cumulative counts of a day, and a late older report takes nothing back', async () => {
    resultsOf(await c.submit(makeBatch([], makeReport({ funnel: [day({ started: 3, abandoned: { TC2: 1 } })] }))));
    resultsOf(await c.submit(makeBatch([], makeReport({ funnel: [day({ started: 5, completed: 2, abandoned: { TC2: 1, KQ1: 1 } })] }))));
    resultsOf(await c.submit(makeBatch([], makeReport({ funnel: [day({ started: 3, abandoned: { TC2: 1 } })] }))));
    const [row] = await c.store.readFunnel();
    expect(row).toMatchObject({ started: 5, completed: 2, completedByTimeout: 1, abandoned: { TC2: 1, KQ1: 1 } });
  });

  it('accepts a kiosk that sends no funnel and keeps what it had', async () => {
    resultsOf(await c.submit(makeBatch([], makeReport({ funnel: [day()] }))));
    resultsOf(await c.submit(makeBatch([makeResponse()], makeReport())));
    expect(await c.store.readFunnel()).toHaveLength(1);
  });

  it('does not repeat the funnel in the device’s last report, but keeps the lost count there', async () => {
    resultsOf(await c.submit(makeBatch([], makeReport({ funnel: [day()], funnelLost: 4 }))));
    const device = await c.store.getDevice(c.deviceId);
    expect(device?.lastReport).not.toHaveProperty('funnel');
    expect(device?.lastReport?.funnelLost).toBe(4);
  });

  it('refuses an oversized funnel as an invalid batch, storing nothing of it', async () => {
    const answer = await c.submit(makeBatch([], makeReport({ funnel: Array.from({ length: FUNNEL_REPORT_MAX_ENTRIES + 1 }, () => day()) })));
    expect(answer.statusCode).toBe(400);
    expect(await c.store.readFunnel()).toEqual([]);
  });
});
