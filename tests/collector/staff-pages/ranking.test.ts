/*
 * The ranking (issue 11, parts 3 and 9) on a hand-computed three-level tree, on both stores:
 *
 *   BN Tỉnh Bắc Ninh
 *   ├── TTA Trung tâm A (centre): Q1 Quầy A1, Q2 Quầy A2
 *   ├── TTB Trung tâm B (centre): Q1 Quầy B1, Q2 Quầy B2
 *   ├── XA  UBND xã Tam Sơn (commune): Q1 Quầy một cửa
 *   └── XB  UBND xã Hoàn Sơn (commune): Q1 Quầy một cửa
 *   (and responses from DEMO/UNSET, a place the tree does not have)
 *
 * sipas-2023 v1, answers (TC1, CC1) only, so C1 = TC1 and C3 = CC1 and SIPAS = (C1 + C3) / 2.
 * Ranked period 2026-Q1 (responses in March 2026):
 *   TTA/Q1 (5,5) (4,2)   TTA/Q2 (3,4)        TTA: TC1 2/3, CC1 2/3 → 66.67 (counters: Q1 75, Q2 50; their mean 62.5 is NOT the unit's)
 *   TTB/Q1 (4,4) (5,1)   TTB/Q2 (2,5)        TTB: TC1 2/3, CC1 2/3 → 66.67 (a tie with TTA: both rank 1)
 *   XA/Q1  (5,5) (4,3) (3,3)                 XA:  TC1 2/3, CC1 1/3 → 50    (rank 3)
 *   XB/Q1  (5,5)                             XB:  100 but n = 1 < 3: shown, not ranked
 *   DEMO/UNSET (5,5) (5,5) (5,5)             "(chưa xếp đơn vị)": not ranked
 * Previous period 2025-Q4: TTA/Q1 (5,5) → 100, change 66.67 − 100 = −33.33; TTB none → "—".
 * Same period a year earlier 2025-Q1: TTB/Q2 (4,4) (2,2) → 50, change +16.67; TTA none → "—".
 * Targets 2026: province overall 60; TTB overall 70. Gaps: TTA +6.67 met, TTB −3.33 missed, XA −10 missed.
 * Funnel (March 2026): TTA/Q1 started 5, completed 2, by timeout 1, abandoned TC1 1; TTA/Q2 started 2,
 *   completed 1, abandoned TC2 1 → TTA 7 / 3 / 1 / 2, completion 4/7; a December day is outside the period.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../../src/build/definitions';
import { registerDevice, type CollectorStore } from '../../../src/collector';
import { buildRanking, dayYearEarlier, rankingPeriods, readUnitCsv, sortRows, type RankingReport, type RankingRequest } from '../../../src/collector/staff-pages';
import { scoreResponses, type SurveyDefinition, type SurveyResponse } from '../../../src/shared/survey';
import { adminCollectors, deferCleanups, makeResponse, seedResponses } from '../helpers';
import { describeEachStore } from '../stores/store-contract';

let sipas2023: SurveyDefinition;
beforeAll(() => {
  sipas2023 = loadDefinitionsFromDir(DEFINITIONS_DIR).definitions.find((d) => d.id === 'sipas-2023' && d.version === 1)!;
});

const defer = deferCleanups();
const admin = adminCollectors(defer);

const TREE_CSV = [
  'code,name,parent_code,kind',
  'BN,Tỉnh Bắc Ninh,,province',
  'TTA,Trung tâm A,BN,centre',
  'Q1,Quầy A1,TTA,counter',
  'Q2,Quầy A2,TTA,counter',
  'TTB,Trung tâm B,BN,centre',
  'Q1,Quầy B1,TTB,counter',
  'Q2,Quầy B2,TTB,counter',
  'XA,UBND xã Tam Sơn,BN,commune',
  'Q1,Quầy một cửa Tam Sơn,XA,counter',
  'XB,UBND xã Hoàn Sơn,BN,commune',
  'Q1,Quầy một cửa Hoàn Sơn,XB,counter',
].join('\n');

type Answer = [tc1: number, cc1: number];
const DATA: Array<[agency: string, counter: string, day: string, answers: Answer[]]> = [
  ['TTA', 'Q1', '2026-03-05', [[5, 5], [4, 2]]],
  ['TTA', 'Q2', '2026-03-06', [[3, 4]]],
  ['TTB', 'Q1', '2026-03-07', [[4, 4], [5, 1]]],
  ['TTB', 'Q2', '2026-03-08', [[2, 5]]],
  ['XA', 'Q1', '2026-03-09', [[5, 5], [4, 3], [3, 3]]],
  ['XB', 'Q1', '2026-03-10', [[5, 5]]],
  ['DEMO', 'UNSET', '2026-03-11', [[5, 5], [5, 5], [5, 5]]],
  ['TTA', 'Q1', '2025-12-15', [[5, 5]]],
  ['TTB', 'Q2', '2025-03-15', [[4, 4], [2, 2]]],
];

function dataset(): SurveyResponse[] {
  let seq = 0;
  return DATA.flatMap(([agencyCode, counterCode, day, answers]) =>
    answers.map(([TC1, CC1]) =>
      makeResponse({ definitionId: 'sipas-2023', definitionVersion: 1, agencyCode, counterCode, seq: ++seq, completedAt: `${day}T02:00:00.000Z`, answers: { TC1, CC1 }, status: 'complete' }),
    ),
  );
}

const NOW = new Date('2026-04-15T03:00:00.000Z');
const WORDS: RankingRequest['words'] = { unplaced: '(chưa xếp đơn vị)', direct: (name) => `${name} (quầy trực thuộc)` };

/** Seeds the tree, the targets, the responses and the funnel into a store. */
async function seed(store: CollectorStore): Promise<void> {
  await store.useDefinitions([sipas2023]);
  const read = readUnitCsv(TREE_CSV);
  if (!read.ok) throw new Error('tree CSV');
  expect(await store.writeUnits(read.inputs, 'import')).toMatchObject({ ok: true });
  expect(await store.setTarget({ year: 2026, unitCode: null, figures: { overall: 60 }, updatedAt: NOW.toISOString() })).toBe(true);
  expect(await store.setTarget({ year: 2026, unitCode: 'TTB', figures: { overall: 70 }, updatedAt: NOW.toISOString() })).toBe(true);
  const responses = dataset();
  await seedResponses(store, null, responses.length, (i) => responses[i]);
  const a1 = (await registerDevice(store, { label: 'A1', agencyCode: 'TTA', counterCode: 'Q1' })).deviceId;
  const a2 = (await registerDevice(store, { label: 'A2', agencyCode: 'TTA', counterCode: 'Q2' })).deviceId;
  const day = (d: string, counts: { started: number; completed?: number; completedByTimeout?: number; abandoned?: Record<string, number> }) => ({
    day: d,
    definitionId: 'sipas-2023',
    definitionVersion: 1,
    completed: 0,
    completedByTimeout: 0,
    abandoned: {},
    ...counts,
  });
  const at = NOW.toISOString();
  await store.recordFunnel(a1, '7d1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b', { agencyCode: 'TTA', counterCode: 'Q1' }, [day('2026-03-02', { started: 5, completed: 2, completedByTimeout: 1, abandoned: { TC1: 1 } }), day('2025-12-02', { started: 9, completed: 9 })], at);
  await store.recordFunnel(a2, '0b1c2d3e-4f50-4a6b-9c7d-8e9f0a1b2c3d', { agencyCode: 'TTA', counterCode: 'Q2' }, [day('2026-03-03', { started: 2, completed: 1, abandoned: { TC2: 1 } })], at);
}

function rank(store: CollectorStore, values: Partial<RankingRequest['filters']>, ranking: RankingRequest['ranking'] = {}): Promise<RankingReport> {
  return buildRanking(
    { store, definitions: [sipas2023] },
    { filters: { definition: 'sipas-2023', period: '2026-Q1', from: '2026-01-01', to: '2026-03-31', minValid: 3, ...values }, ranking, values: {}, generatedAt: NOW.toISOString(), words: WORDS },
  );
}

const rowOf = (report: RankingReport, key: string) => report.rows.find((r) => r.key === key)!;
const close = (value: number | null, expected: number) => expect(value).toBeCloseTo(expected, 9);

describeEachStore('the ranking over a three-level tree', defer, (kit) => {
  it('rolls each unit up from the tallies of all its counters: equal to scoring the union of its rows, not the mean of its counters', async () => {
    const store = await kit.open();
    await seed(store);
    const report = await rank(store, {});
    expect(report.rows.map((r) => [r.key, r.name, r.kind])).toEqual([
      ['TTA', 'Trung tâm A', 'unit'],
      ['TTB', 'Trung tâm B', 'unit'],
      ['XA', 'UBND xã Tam Sơn', 'unit'],
      ['XB', 'UBND xã Hoàn Sơn', 'unit'],
      ['', '(chưa xếp đơn vị)', 'unplaced'],
    ]);
    const inQuarter = dataset().filter((r) => r.completedAt >= '2026-01-01');
    for (const unit of ['TTA', 'TTB', 'XA', 'XB']) {
      const union = scoreResponses(sipas2023, inQuarter.filter((r) => r.agencyCode === unit));
      const row = rowOf(report, unit);
      expect(row.n).toBe(union.responses);
      close(row.overall, union.percent!);
      for (const c of union.components) close(row.components[c.component - 1].percent, c.percent!);
    }
    close(rowOf(report, 'TTA').overall, 200 / 3);
    close(rowOf(report, 'XA').overall, 50);
    expect(rowOf(report, '').n).toBe(3);
    // The counters of TTA, and the unit is not their mean.
    const counters = await rank(store, { minValid: 1 }, { unit: 'TTA' });
    expect(counters.show).toBe('counters');
    expect(counters.rows.map((r) => [r.key, r.name, r.overall, r.rank])).toEqual([
      ['TTA/Q1', 'Quầy A1', 75, 1],
      ['TTA/Q2', 'Quầy A2', 50, 2],
    ]);
    expect((75 + 50) / 2).not.toBeCloseTo(rowOf(report, 'TTA').overall!, 3);
  });

  it('ranks by the overall index, ties sharing a rank, and shows but does not rank units under the threshold or outside the tree', async () => {
    const store = await kit.open();
    await seed(store);
    const report = await rank(store, {});
    expect(report.rows.map((r) => [r.key, r.rank, r.ranked])).toEqual([
      ['TTA', 1, true],
      ['TTB', 1, true],
      ['XA', 3, true],
      ['XB', null, false],
      ['', null, false],
    ]);
    close(rowOf(report, 'XB').overall, 100);
    // A threshold of 1 ranks XB first.
    const low = await rank(store, { minValid: 1 });
    expect(low.rows.map((r) => [r.key, r.rank])).toEqual([
      ['XB', 1],
      ['TTA', 2],
      ['TTB', 2],
      ['XA', 4],
      ['', null],
    ]);
  });

  it('compares with the previous period of the same length and the same period a year earlier, "—" when a side has no data', async () => {
    const store = await kit.open();
    await seed(store);
    const report = await rank(store, {});
    expect(report.periods).toEqual({
      current: { from: '2026-01-01', to: '2026-03-31' },
      previous: { from: '2025-10-01', to: '2025-12-31' },
      yearAgo: { from: '2025-01-01', to: '2025-03-31' },
      period: '2026-Q1',
    });
    const tta = rowOf(report, 'TTA');
    close(tta.previous, 100);
    close(tta.changePreviousPp, 200 / 3 - 100);
    expect(tta.changeYearAgoPp).toBeNull();
    const ttb = rowOf(report, 'TTB');
    expect(ttb.changePreviousPp).toBeNull();
    close(ttb.yearAgo, 50);
    close(ttb.changeYearAgoPp, 200 / 3 - 50);
  });

  it('gives each unit its gap to the target that applies to it, figure by figure', async () => {
    const store = await kit.open();
    await seed(store);
    const report = await rank(store, {});
    expect(rowOf(report, 'TTA').gaps.overall).toEqual({ target: 60, met: true, gapPp: 6.67 });
    expect(rowOf(report, 'TTB').gaps.overall).toEqual({ target: 70, met: false, gapPp: -3.33 });
    expect(rowOf(report, 'XA').gaps.overall).toEqual({ target: 60, met: false, gapPp: -10 });
    expect(rowOf(report, 'TTA').gaps.c1).toBeNull();
  });

  it('lists each unit\'s weakest items with n, lowest first (ties in questionnaire order)', async () => {
    const store = await kit.open();
    await seed(store);
    const report = await rank(store, {});
    const weak = (key: string) => rowOf(report, key).weakest.map((w) => [w.questionId, Math.round(w.percent * 100) / 100, w.valid]);
    expect(weak('XA')).toEqual([
      ['CC1', 33.33, 3],
      ['TC1', 66.67, 3],
    ]);
    expect(weak('TTA')).toEqual([
      ['TC1', 66.67, 3],
      ['CC1', 66.67, 3],
    ]);
  });

  it('sums the drop-off funnel per unit over its counters, in the period only', async () => {
    const store = await kit.open();
    await seed(store);
    const report = await rank(store, {});
    expect(rowOf(report, 'TTA').funnel).toEqual({ started: 7, completed: 3, completedByTimeout: 1, abandoned: 2, unaccounted: 1, completionRate: 4 / 7 });
    expect(rowOf(report, 'TTB').funnel.started).toBe(0);
    expect(rowOf(report, 'TTB').funnel.completionRate).toBeNull();
    const counters = await rank(store, {}, { unit: 'TTA' });
    expect(counters.rows.map((r) => [r.key, r.funnel.started, r.funnel.completionRate])).toEqual([
      ['TTA/Q1', 5, 3 / 5],
      ['TTA/Q2', 2, 1 / 2],
    ]);
  });

  it('sorts by any column either way, rows without a value and the unplaced row last', async () => {
    const store = await kit.open();
    await seed(store);
    const keys = async (sort: RankingRequest['ranking']['sort'], dir: 'asc' | 'desc') => (await rank(store, {}, { sort, dir })).rows.map((r) => r.key);
    expect(await keys('overall', 'asc')).toEqual(['XA', 'TTA', 'TTB', 'XB', '']);
    expect(await keys('overall', 'desc')).toEqual(['XB', 'TTA', 'TTB', 'XA', '']);
    expect(await keys('name', 'desc')).toEqual(['XA', 'XB', 'TTB', 'TTA', '']);
    expect(await keys('previous', 'asc')).toEqual(['TTA', 'TTB', 'XB', 'XA', '']);
    expect(await keys('n', 'desc')).toEqual(['TTA', 'TTB', 'XA', 'XB', '']);
    expect(await keys('completion', 'desc')).toEqual(['TTA', 'TTB', 'XB', 'XA', '']);
  });
});

describe('ranking periods', () => {
  it.each([
    ['a month', { period: '2026-03', from: '2026-03-01', to: '2026-03-31' }, ['2026-02-01', '2026-02-28'], ['2025-03-01', '2025-03-31']],
    ['January', { period: '2026-01', from: '2026-01-01', to: '2026-01-31' }, ['2025-12-01', '2025-12-31'], ['2025-01-01', '2025-01-31']],
    ['a year', { period: '2026', from: '2026-01-01', to: '2026-12-31' }, ['2025-01-01', '2025-12-31'], ['2025-01-01', '2025-12-31']],
    ['ten days', { from: '2026-03-11', to: '2026-03-20' }, ['2026-03-01', '2026-03-10'], ['2025-03-11', '2025-03-20']],
    ['no period: the year so far', {}, ['2025-09-18', '2025-12-31'], ['2025-01-01', '2025-04-15']],
  ])('%s', (_name, query, previous, yearAgo) => {
    const periods = rankingPeriods(query, '2026-04-15');
    expect([periods.previous.from, periods.previous.to]).toEqual(previous);
    expect([periods.yearAgo.from, periods.yearAgo.to]).toEqual(yearAgo);
  });

  it('takes 29 February a year back to 28 February', () => {
    expect(dayYearEarlier('2024-02-29')).toBe('2023-02-28');
    expect(dayYearEarlier('2024-03-01')).toBe('2023-03-01');
  });

  it('sorts nothing away: an empty list stays empty', () => {
    expect(sortRows([], 'rank', 'asc')).toEqual([]);
  });
});

describe('the ranking page', () => {
  it('renders names, ranks, "chưa xếp hạng: ít phiếu", sortable headers with aria-sort, weakest items and the funnel; the JSON twin agrees', async () => {
    const c = await admin({ definitions: [sipas2023], now: () => NOW });
    await seed(c.store);
    const page = await c.get('/admin/ranking?definition=sipas-2023&period=2026-Q1&minValid=3&sort=overall&dir=desc');
    expect(page.statusCode).toBe(200);
    const text = page.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    for (const name of ['Trung tâm A', 'Trung tâm B', 'UBND xã Tam Sơn', 'UBND xã Hoàn Sơn', '(chưa xếp đơn vị)', 'chưa xếp hạng: ít phiếu', 'Những câu bị mất điểm', 'Tỷ lệ bỏ dở theo đơn vị']) expect(text).toContain(name);
    expect(text).not.toMatch(/\bDEMO\b/);
    expect(page.body).toContain('aria-sort="descending"');
    expect(page.body).toMatch(/href="\/admin\/ranking\?[^"]*sort=overall&amp;dir=asc"/);
    expect(page.body).toMatch(/href="\/admin\/ranking\?[^"]*unit=TTA&amp;show=counters"/);
    expect(page.body).toContain('href="/admin/ranking" aria-current="page"');
    // The order of the rows on the page follows the sort.
    // (An empty attribute renders bare: the unplaced row's key is '').
    const order = [...page.body.matchAll(/<tr data-key(?:="([^"]*)")?/g)].map((m) => m[1] ?? '');
    expect(order).toEqual(['XB', 'TTA', 'TTB', 'XA', '']);
    expect(text).toContain('66,67%');
    expect(text).toContain('−33,33 điểm %');

    const api = await c.get('/api/v1/admin/ranking?definition=sipas-2023&period=2026-Q1&minValid=3');
    expect(api.statusCode).toBe(200);
    const json = api.json() as RankingReport;
    expect(json.rows.map((r) => [r.key, r.rank])).toEqual([
      ['TTA', 1],
      ['TTB', 1],
      ['XA', 3],
      ['XB', null],
      ['', null],
    ]);
  });

  it('refuses a unit that is not in the tree, naming it, and a bad sort column', async () => {
    const c = await admin({ definitions: [sipas2023], now: () => NOW });
    await seed(c.store);
    const page = await c.get('/admin/ranking?unit=NOPE');
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('Không có đơn vị “NOPE” trong cây đơn vị.');
    const api = await c.get('/api/v1/admin/ranking?sort=colour');
    expect(api.statusCode).toBe(400);
  });
});
