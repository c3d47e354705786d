/*
 * ResponseFilter.agencyCodes / TallyQuery.agencyCodes (issue 11 part 1, roll-ups up the unit tree): a
 * set of agencies selects exactly the union of what each agency selects alone, in every read the report
 * makes (tallies, place tallies, snapshots, latest answers), on both dialects.
 */
import { expect, it } from 'vitest';
import type { CollectorStore, ResponseSnapshot, TallyRow } from '../../../src/collector/stores';
import type { SurveyResponse } from '../../../src/shared/survey';
import { DEFINITIONS, deferCleanups, makeResponse, seedResponses } from '../helpers';
import { describeEachStore } from './store-contract';

const defer = deferCleanups();
const AGENCIES = ['TINH', 'TTHCC', 'XA-A', 'XA-B'] as const;

/** Response i: agencies, counters, flags and months in turn; every third one leaves a comment. */
function response(i: number): SurveyResponse {
  return makeResponse({
    seq: i + 1,
    agencyCode: AGENCIES[i % AGENCIES.length],
    counterCode: i % 2 === 0 ? 'Q01' : 'Q02',
    completedAt: new Date(Date.UTC(2026, 0, 1, 3) + ((i * 13) % 90) * 86_400_000).toISOString(),
    answers: { TC1: (i % 5) + 1, TT1: ((i * 3) % 5) + 1, PA0: 'no', ...(i % 3 === 0 ? { COMMENT: `ý kiến ${i}` } : {}) },
    flags: { tooFast: i % 7 === 0, belowMinInterval: false },
  });
}

async function readAll<T>(snapshot: ResponseSnapshot, read: (s: ResponseSnapshot) => AsyncIterable<readonly T[]>): Promise<T[]> {
  const rows: T[] = [];
  for await (const batch of read(snapshot)) rows.push(...batch);
  return rows;
}

/** Complete responses and TC1's counts per version, flags and month: what a sum of tallies must keep. */
function totals(rows: readonly TallyRow[]): Record<string, { responses: number; partial: number; tc1: number[] }> {
  const out: Record<string, { responses: number; partial: number; tc1: number[] }> = {};
  for (const row of rows) {
    const key = `${row.definitionVersion}/${row.flags}/${row.month}`;
    const found = (out[key] ??= { responses: 0, partial: 0, tc1: [] });
    found.responses += row.tally.responses;
    found.partial += row.tally.partial;
    (row.tally.items.TC1 ?? []).forEach((n, i) => (found.tc1[i] = (found.tc1[i] ?? 0) + n));
  }
  return out;
}

function sumTotals(parts: ReadonlyArray<ReturnType<typeof totals>>): ReturnType<typeof totals> {
  return totals(parts.flatMap((part) => Object.entries(part).map(([key, t]) => {
    const [version, flags, month] = key.split('/');
    return { definitionVersion: Number(version), flags: Number(flags), month, tally: { responses: t.responses, partial: t.partial, items: { TC1: t.tc1 } } } as unknown as TallyRow;
  })));
}

describeEachStore('agencyCodes selects the union of its agencies', defer, (kit) => {
  const seeded = async (): Promise<CollectorStore> => {
    const store = await kit.open(kit.database().url);
    await store.useDefinitions(DEFINITIONS);
    await seedResponses(store, null, 120, response, 'import');
    return store;
  };
  const UNION = ['TTHCC', 'XA-A'];

  it('readTallies: the sum of each agency\'s tallies, with and without a counter and a period', async () => {
    const store = await seeded();
    for (const narrow of [{}, { counterCode: 'Q02' }, { fromDay: '2026-01-10', toDay: '2026-02-20' }]) {
      const base = { definitionId: 'sipas-test', definitions: DEFINITIONS, ...narrow };
      const union = totals(await store.readTallies({ ...base, agencyCodes: UNION }));
      const each = await Promise.all(UNION.map(async (agencyCode) => totals(await store.readTallies({ ...base, agencyCode }))));
      expect(union).toEqual(sumTotals(each));
      expect(Object.values(union).reduce((n, t) => n + t.responses, 0)).toBeGreaterThan(0);
    }
    expect(await store.readTallies({ definitionId: 'sipas-test', definitions: DEFINITIONS, agencyCodes: [] })).toEqual([]);
  });

  it('readPlaceTallies: only the places of those agencies', async () => {
    const store = await seeded();
    const rows = await store.readPlaceTallies({ definitionId: 'sipas-test', definitions: DEFINITIONS, agencyCodes: UNION });
    expect([...new Set(rows.map((r) => r.agencyCode))].sort()).toEqual(UNION);
    const all = await store.readPlaceTallies({ definitionId: 'sipas-test', definitions: DEFINITIONS });
    expect(totals(rows)).toEqual(totals(all.filter((r) => UNION.includes(r.agencyCode))));
  });

  it('openResponseSnapshot and listLatestAnswers: exactly the rows of those agencies', async () => {
    const store = await seeded();
    const ids = async (filter: object) => (await readAll(await store.openResponseSnapshot(filter), (s) => s.responses())).map((row) => row.response.id).sort();
    const expected = (await Promise.all(UNION.map((agencyCode) => ids({ agencyCode })))).flat().sort();
    expect(expected.length).toBe(60);
    expect(await ids({ agencyCodes: UNION })).toEqual(expected);
    expect(await ids({ agencyCodes: UNION, counterCode: 'Q01' })).toEqual((await Promise.all(UNION.map((agencyCode) => ids({ agencyCode, counterCode: 'Q01' })))).flat().sort());
    expect(await ids({ agencyCodes: [] })).toEqual([]);

    const latest = await store.listLatestAnswers({ definitionId: 'sipas-test', agencyCodes: UNION }, [1], ['COMMENT'], 1000);
    const all = await store.listLatestAnswers({ definitionId: 'sipas-test' }, [1], ['COMMENT'], 1000);
    expect(latest.length).toBeGreaterThan(0);
    expect(latest).toEqual(all.filter((row) => UNION.includes(row.agencyCode)));
  });
});
