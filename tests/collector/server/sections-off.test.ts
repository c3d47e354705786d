import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/shared/survey';
import type { ScorableRow, StoredRow } from '../../../src/collector/stores';
import { makeBatch, makeResponse, resultsOf, startTestCollector, type TestCollector } from '../helpers';
import { queryTestDatabase } from '../test-databases';

// Each response says which optional sections were switched off on its tablet (issue 11, part 5), so
// the report can tell "not asked here" from "asked, not answered". The test definition's one optional
// section is "comment"; "access" is a scored component.

let c: TestCollector;
beforeEach(async () => {
  c = await startTestCollector({ now: () => new Date('2026-03-02T02:00:00.000Z') });
});
afterEach(async () => {
  await c.close();
});

function rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]> {
  return queryTestDatabase<T>(c.file, sql, params);
}

async function read<T>(pick: (snapshot: Awaited<ReturnType<TestCollector['store']['openResponseSnapshot']>>) => AsyncIterable<readonly T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const batch of pick(await c.store.openResponseSnapshot({}))) all.push(...batch);
  return all;
}

describe('the sections a response says were switched off', () => {
  it('are accepted, kept in the content, stored, and read back as sent (absent stays absent)', async () => {
    const off = makeResponse({ seq: 1, sectionsOff: ['comment'] });
    const allOn = makeResponse({ seq: 2 });
    const emptyList = makeResponse({ seq: 3, sectionsOff: [] });
    expect(resultsOf(await c.submit(makeBatch([off, allOn, emptyList]))).results.map((r) => r.status)).toEqual(['created', 'created', 'created']);
    expect(canonicalJson(off)).toContain('"sectionsOff":["comment"]');

    const stored = await rows<{ seq: number; sections_off: string | null }>('SELECT seq, sections_off FROM responses ORDER BY seq');
    expect(stored.map((row) => [Number(row.seq), row.sections_off])).toEqual([[1, '["comment"]'], [2, null], [3, '[]']]);

    const full = await read<StoredRow>((s) => s.responses());
    expect(new Map(full.map((row) => [row.response.id, row.response]))).toEqual(new Map([off, allOn, emptyList].map((r) => [r.id, r])));
    expect('sectionsOff' in full.find((row) => row.response.id === allOn.id)!.response).toBe(false);
    const scorable = await read<ScorableRow>((s) => s.scorable());
    expect(scorable.map((row) => row.sectionsOff ?? null).sort()).toEqual([['comment'], [], null].sort());
  });

  it('answers a replay with duplicate, and the same id with other sections off with conflict', async () => {
    const response = makeResponse({ sectionsOff: ['comment'] });
    resultsOf(await c.submit(makeBatch([response])));
    expect(resultsOf(await c.submit(makeBatch([response]))).results[0]?.status).toBe('duplicate');
    const { sectionsOff: _dropped, ...allOn } = response;
    expect(resultsOf(await c.submit(makeBatch([allOn]))).results[0]?.status).toBe('conflict');
  });

  it.each<[string, unknown, string]>([
    ['a scored component', ['access'], '$.responses[0].sectionsOff[0]: expected an optional section of sipas-test version 1 (comment), found "access"'],
    ['a section the definition does not have', ['comment', 'nowhere'], '$.responses[0].sectionsOff[1]: expected an optional section of sipas-test version 1 (comment), found "nowhere"'],
    ['the same section twice', ['comment', 'comment'], '$.responses[0].sectionsOff[1]: expected each section once, found "comment" again'],
    ['an id longer than 40 characters', ['c'.repeat(41)], '$.responses[0].sectionsOff[0]'],
    ['more than 50 ids', Array.from({ length: 51 }, () => 'comment'), '$.responses[0].sectionsOff'],
    ['a text instead of a list', 'comment', '$.responses[0].sectionsOff'],
  ])('rejects %s with the path, what was expected and what was found', async (_name, sectionsOff, reason) => {
    const response = { ...makeResponse(), sectionsOff };
    const [result] = resultsOf(await c.submit(makeBatch([response]))).results;
    expect(result?.status).toBe('rejected');
    expect(result && 'reason' in result ? result.reason : '').toContain(reason);
    expect(await rows('SELECT id FROM responses')).toHaveLength(0);
  });

  it('rejects an answer to a question of a section the response says was switched off', async () => {
    const response = makeResponse({ sectionsOff: ['comment'], answers: { TC1: 4, PA0: 'no', COMMENT: 'Tốt' } });
    const [result] = resultsOf(await c.submit(makeBatch([response]))).results;
    expect(result?.status).toBe('rejected');
    expect(result && 'reason' in result ? result.reason : '').toContain('$.responses[0].answers.COMMENT: answered but not asked: its section comment is switched off on this kiosk');
  });
});
