import 'fake-indexeddb/auto';
import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  countFunnelEvent,
  funnelEventsLost,
  funnelForReport,
  readFunnelDays,
  readFunnelReport,
  recordFunnelEvent,
  resetFunnelLostForTests,
  resetKioskDbForTests,
  type FunnelDay,
  type FunnelEvent,
} from '../../../src/kiosk/storage';
import { kioskReportSchema } from '../../../src/shared/schemas';
import { FUNNEL_KEEP_DAYS, FUNNEL_MAX_QUESTIONS, FUNNEL_REPORT_DAYS, FUNNEL_REPORT_MAX_ENTRIES } from '../../../src/shared/wire';

const SIPAS_2023 = { id: 'sipas-2023', version: 1 };
/** 10:00 in Vietnam on 21 November 2026. */
const MORNING = new Date('2026-11-21T03:00:00.000Z');

function entry(overrides: Partial<FunnelDay> = {}): FunnelDay {
  return { day: '2026-11-21', definitionId: 'sipas-2023', definitionVersion: 1, started: 0, completed: 0, completedByTimeout: 0, abandoned: {}, ...overrides };
}

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetKioskDbForTests();
  resetFunnelLostForTests();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('recordFunnelEvent', () => {
  it('counts started, completed by the citizen, completed by timeout and abandoned per last question', async () => {
    const events: FunnelEvent[] = [
      { kind: 'started' },
      { kind: 'completed', endedBy: 'citizen' },
      { kind: 'started' },
      { kind: 'completed', endedBy: 'timeout' },
      { kind: 'started' },
      { kind: 'abandoned', lastQuestionId: 'TC3' },
      { kind: 'started' },
      { kind: 'abandoned', lastQuestionId: 'TC3' },
      { kind: 'started' },
      { kind: 'abandoned', lastQuestionId: 'CC1' },
    ];
    for (const event of events) await recordFunnelEvent(event, SIPAS_2023, MORNING);
    expect(await readFunnelDays()).toEqual([entry({ started: 5, completed: 1, completedByTimeout: 1, abandoned: { TC3: 2, CC1: 1 } })]);
    expect(funnelEventsLost()).toBe(0);
  });

  it('keeps the counts across a reload of the page', async () => {
    await recordFunnelEvent({ kind: 'started' }, SIPAS_2023, MORNING);
    resetKioskDbForTests();
    await recordFunnelEvent({ kind: 'started' }, SIPAS_2023, MORNING);
    expect((await readFunnelDays())[0].started).toBe(2);
  });

  it('keeps definition versions apart', async () => {
    await recordFunnelEvent({ kind: 'started' }, SIPAS_2023, MORNING);
    await recordFunnelEvent({ kind: 'started' }, { id: 'sipas-2023', version: 2 }, MORNING);
    await recordFunnelEvent({ kind: 'started' }, { id: 'sipas-2017', version: 1 }, MORNING);
    expect((await readFunnelDays()).map((day) => `${day.definitionId}@${day.definitionVersion}:${day.started}`)).toEqual([
      'sipas-2017@1:1',
      'sipas-2023@1:1',
      'sipas-2023@2:1',
    ]);
  });

  it.each([
    ['23:59 in Vietnam is still the 21st', '2026-11-21T16:59:59.999Z', '2026-11-21'],
    ['midnight in Vietnam is the 22nd, while UTC is still on the 21st', '2026-11-21T17:00:00.000Z', '2026-11-22'],
    ['06:59 in Vietnam is the same day as UTC 23:59 before it', '2026-11-20T23:59:00.000Z', '2026-11-21'],
  ])('files an event by the calendar day in Vietnam: %s', async (_case, instant, day) => {
    await recordFunnelEvent({ kind: 'started' }, SIPAS_2023, new Date(instant));
    expect((await readFunnelDays()).map((entry) => entry.day)).toEqual([day]);
  });

  it(`keeps only the last ${FUNNEL_KEEP_DAYS} days`, async () => {
    const first = Date.parse('2026-01-01T03:00:00.000Z');
    for (let day = 0; day < FUNNEL_KEEP_DAYS + 10; day += 1) {
      await recordFunnelEvent({ kind: 'started' }, SIPAS_2023, new Date(first + day * 86_400_000));
    }
    const days = await readFunnelDays();
    expect(days).toHaveLength(FUNNEL_KEEP_DAYS);
    expect(days[0].day).toBe('2026-01-11');
    expect(days.at(-1)?.day).toBe('2026-03-13');
  });

  it('swallows a failed write and counts the event as lost', async () => {
    await recordFunnelEvent({ kind: 'started' }, SIPAS_2023, MORNING);
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('quota', 'QuotaExceededError');
    });
    await expect(recordFunnelEvent({ kind: 'completed', endedBy: 'citizen' }, SIPAS_2023, MORNING)).resolves.toBeUndefined();
    vi.restoreAllMocks();
    expect(funnelEventsLost()).toBe(1);
    expect(await readFunnelDays()).toEqual([entry({ started: 1 })]);
  });

  it('swallows a database that cannot even open', async () => {
    vi.spyOn(globalThis.indexedDB, 'open').mockImplementation(() => {
      throw new DOMException('blocked', 'InvalidStateError');
    });
    await recordFunnelEvent({ kind: 'started' }, SIPAS_2023, MORNING);
    expect(funnelEventsLost()).toBe(1);
  });

  it('counts an abandonment at something that is not a question id as lost, storing nothing', async () => {
    await recordFunnelEvent({ kind: 'abandoned', lastQuestionId: '<script>' }, SIPAS_2023, MORNING);
    expect(funnelEventsLost()).toBe(1);
    expect(await readFunnelDays()).toEqual([]);
  });
});

describe('countFunnelEvent', () => {
  it('does not change the history it is given', () => {
    const history = [entry({ started: 1, abandoned: { TC1: 1 } })];
    const snapshot = structuredClone(history);
    countFunnelEvent(history, { kind: 'abandoned', lastQuestionId: 'TC1' }, SIPAS_2023, '2026-11-21');
    expect(history).toEqual(snapshot);
  });

  it(`refuses a ${FUNNEL_MAX_QUESTIONS + 1}th question in one entry but still counts known ones`, () => {
    const full = Object.fromEntries(Array.from({ length: FUNNEL_MAX_QUESTIONS }, (_, i) => [`Q${i}`, 1]));
    const history = [entry({ abandoned: full })];
    expect(countFunnelEvent(history, { kind: 'abandoned', lastQuestionId: 'EXTRA' }, SIPAS_2023, '2026-11-21')).toBeNull();
    expect(countFunnelEvent(history, { kind: 'abandoned', lastQuestionId: 'Q7' }, SIPAS_2023, '2026-11-21')?.[0].abandoned.Q7).toBe(2);
  });
});

describe('funnelForReport', () => {
  it(`sends the last ${FUNNEL_REPORT_DAYS} days up to today, within the wire schema`, () => {
    const history = Array.from({ length: 30 }, (_, i) => entry({ day: `2026-11-${String(i + 1).padStart(2, '0')}`, started: i }));
    const sent = funnelForReport(history, new Date('2026-11-21T03:00:00.000Z'));
    expect(sent.map((day) => day.day)).toEqual(Array.from({ length: FUNNEL_REPORT_DAYS }, (_, i) => `2026-11-${String(i + 8).padStart(2, '0')}`));
  });

  it(`never sends more than ${FUNNEL_REPORT_MAX_ENTRIES} entries, newest kept`, () => {
    const history = Array.from({ length: 100 }, (_, i) => entry({ definitionId: `def-${String(i).padStart(3, '0')}` }));
    const sent = funnelForReport(history, MORNING);
    expect(sent).toHaveLength(FUNNEL_REPORT_MAX_ENTRIES);
    expect(sent.at(-1)?.definitionId).toBe('def-099');
  });

  it('builds a report part the collector accepts', async () => {
    await recordFunnelEvent({ kind: 'started' }, SIPAS_2023, MORNING);
    await recordFunnelEvent({ kind: 'abandoned', lastQuestionId: 'TC1' }, SIPAS_2023, MORNING);
    const part = await readFunnelReport(MORNING);
    expect(part).toEqual({ funnel: [entry({ started: 1, abandoned: { TC1: 1 } })], funnelLost: 0 });
    const report = {
      kioskId: crypto.randomUUID(),
      appVersion: '0.1.0',
      definition: 'sipas-2023@1',
      queueDepth: 0,
      oldestUnsentAt: null,
      conflicts: 0,
      rejected: 0,
      storage: { persisted: false, usageBytes: null, quotaBytes: null },
      lastError: null,
      ...part,
    };
    expect(kioskReportSchema.safeParse(report).success).toBe(true);
  });
});
