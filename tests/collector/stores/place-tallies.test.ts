/*
 * readPlaceTallies (issue 11's ranking, one read per period): every place's tallies at once must be
 * exactly what readTallies gives place by place, for every filter the ranking passes, on both dialects.
 */
import { describe, expect, it } from 'vitest';
import type { CollectorStore, PlaceTallyRow, TallyQuery, TallyRow } from '../../../src/collector/stores';
import type { SurveyResponse } from '../../../src/shared/survey';
import { DEFINITIONS, deferCleanups, makeResponse, seedResponses } from '../helpers';
import { describeEachStore } from './store-contract';

const defer = deferCleanups();
const AGENCIES = ['UBND-Q1', 'UBND-Q3', 'TTHCC'] as const;
const COUNTERS = ['Q01', 'Q02'] as const;
const FIELDS = ['dat-dai', 'tu-phap'] as const;

/** Response i: places, fields, flags, versions and days (Jan–Apr 2026, Vietnam) in turn, so every combination occurs. */
function response(i: number): SurveyResponse {
  const answers: SurveyResponse['answers'] = { TC1: (i % 5) + 1, TC2: ((i * 3) % 5) + 1, TT1: ((i * 7) % 5) + 1, CC1: 4, KQ1: (i % 2) + 4, PA0: i % 3 === 0 ? 'yes' : 'no' };
  if (i % 3 === 0) answers.PA1 = (i % 4) + 2;
  if (i % 4 !== 3) answers.FIELD = FIELDS[i % FIELDS.length];
  return makeResponse({
    seq: i + 1,
    definitionId: i % 5 === 4 ? 'sipas-old' : 'sipas-test',
    definitionVersion: i % 5 === 4 ? 2 : 1,
    agencyCode: AGENCIES[i % AGENCIES.length],
    // TTHCC's responses all at Q01: a place with only one counter.
    counterCode: AGENCIES[i % AGENCIES.length] === 'TTHCC' ? 'Q01' : COUNTERS[Math.floor(i / AGENCIES.length) % COUNTERS.length],
    completedAt: new Date(Date.UTC(2026, 0, 1, 3) + ((i * 37) % 120) * 86_400_000).toISOString(),
    status: i % 11 === 10 ? 'partial' : 'complete',
    flags: { tooFast: i % 7 === 0, belowMinInterval: false },
  });
}

const order = (a: TallyRow, b: TallyRow) => a.definitionVersion - b.definitionVersion || a.flags - b.flags || a.month.localeCompare(b.month);

/** readPlaceTallies' rows of one place, without the place, in a stable order. */
function rowsOf(rows: readonly PlaceTallyRow[], agencyCode: string, counterCode: string): TallyRow[] {
  return rows
    .filter((r) => r.agencyCode === agencyCode && r.counterCode === counterCode)
    .map(({ agencyCode: _a, counterCode: _c, ...row }) => row)
    .sort(order);
}

/** The filters the ranking passes: none, a version, a service field, and days that cut months at both ends. */
const QUERIES: Array<[string, Omit<TallyQuery, 'definitionId' | 'definitions' | 'agencyCode' | 'counterCode'>]> = [
  ['no filter', {}],
  ['one version', { definitionVersion: 1 }],
  ['one service field', { serviceField: 'tu-phap' }],
  ['days cutting two months', { fromDay: '2026-01-15', toDay: '2026-03-10' }],
  ['days inside one month', { fromDay: '2026-02-03', toDay: '2026-02-20' }],
  ['whole months with a field', { fromDay: '2026-02-01', toDay: '2026-03-31', serviceField: 'dat-dai' }],
];

describeEachStore('every place\'s tallies in one read', defer, (kit) => {
  const seeded = async (): Promise<CollectorStore> => {
    const store = await kit.open(kit.database().url);
    await store.useDefinitions(DEFINITIONS);
    await seedResponses(store, null, 300, response, 'import');
    return store;
  };

  describe.each(QUERIES)('with %s', (_name, filter) => {
    it('equal readTallies place by place, and list only places with responses', async () => {
      const store = await seeded();
      for (const definitionId of ['sipas-test', 'sipas-old']) {
        const query = { definitionId, definitions: DEFINITIONS, ...filter };
        const all = await store.readPlaceTallies(query);
        const places = new Set(all.map((r) => `${r.agencyCode}/${r.counterCode}`));
        for (const agencyCode of [...AGENCIES, 'NOWHERE']) {
          for (const counterCode of COUNTERS) {
            const one = (await store.readTallies({ ...query, agencyCode, counterCode })).sort(order);
            expect(rowsOf(all, agencyCode, counterCode)).toEqual(one);
            expect(places.has(`${agencyCode}/${counterCode}`)).toBe(one.length > 0);
          }
        }
      }
    });
  });

  it('recomputes a stale version first, as readTallies does: rows stored before the store had the definition are scored', async () => {
    const store = await kit.open(kit.database().url);
    // No definitions given yet: the tallies of these rows hold counts only, and the version is stale.
    await seedResponses(store, null, 60, response, 'import');
    const all = await store.readPlaceTallies({ definitionId: 'sipas-test', definitions: DEFINITIONS });
    // items.TC1 holds the counts at codes 1–5, then not applicable, then skipped.
    const answered = all.reduce((sum, row) => sum + (row.tally.items.TC1 ?? []).slice(0, 5).reduce((a, b) => a + b, 0), 0);
    const responses = all.reduce((sum, row) => sum + row.tally.responses, 0);
    expect(responses).toBeGreaterThan(0);
    // Every complete sipas-test response answered TC1: the recomputed tallies count them all.
    expect(answered).toBe(responses);
  });
});
