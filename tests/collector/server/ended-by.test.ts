import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson, scoreResponses } from '../../../src/shared/survey';
import type { ScorableRow } from '../../../src/collector/stores';
import { DEFINITIONS, makeBatch, makeResponse, resultsOf, startTestCollector, type TestCollector } from '../helpers';
import { queryTestDatabase } from '../test-databases';

// A response the kiosk stored complete on idle timeout after the citizen passed the core
// (issue 8, part 2) is an ordinary complete response that says how it ended.

let c: TestCollector;
beforeEach(async () => {
  c = await startTestCollector({ now: () => new Date('2026-03-02T02:00:00.000Z') });
});
afterEach(async () => {
  await c.close();
});

/** Reads the database (SQLite or PostgreSQL) through its own connection. */
function rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]> {
  return queryTestDatabase<T>(c.file, sql, params);
}

async function scorableRows(): Promise<ScorableRow[]> {
  const snapshot = await c.store.openResponseSnapshot({});
  const all: ScorableRow[] = [];
  for await (const batch of snapshot.scorable()) all.push(...batch);
  return all;
}

describe('a response ended by timeout after the core', () => {
  it('is accepted, stored as complete with its ending in the content hash, and scored', async () => {
    // Core answered, no extra: the citizen walked away at the checkpoint.
    const response = makeResponse({ endedBy: 'timeout' });
    expect(resultsOf(await c.submit(makeBatch([response]))).results).toEqual([{ id: response.id, index: 0, status: 'created' }]);

    const [stored] = await rows<{ status: string; content_hash: string }>('SELECT status, content_hash FROM responses WHERE id = ?', response.id);
    expect(stored?.status).toBe('complete');
    expect(stored?.content_hash).toBe(createHash('sha256').update(canonicalJson(response), 'utf8').digest('hex'));
    expect(canonicalJson(response)).toContain('"endedBy":"timeout"');

    const score = scoreResponses(DEFINITIONS[0]!, await scorableRows());
    expect(score.responses).toBe(1);
    expect(score.excludedPartial).toBe(0);
    // TC1 4, TC2 5 → component 1 is 100 %; TT1 3 → component 2 is 0 %.
    expect(score.components.map((component) => component.percent)).toEqual([100, 0, 100, 100, null]);
  });

  it('answers a replay with duplicate, and the same id without the ending with conflict', async () => {
    const response = makeResponse({ endedBy: 'timeout' });
    resultsOf(await c.submit(makeBatch([response])));
    expect(resultsOf(await c.submit(makeBatch([response]))).results[0]?.status).toBe('duplicate');
    const { endedBy: _dropped, ...withoutEnding } = response;
    expect(resultsOf(await c.submit(makeBatch([withoutEnding]))).results[0]?.status).toBe('conflict');
    expect(await rows('SELECT id FROM responses')).toHaveLength(1);
  });

  it.each([
    ['citizen', 'created'],
    ['timeout', 'created'],
  ])('accepts endedBy "%s"', async (endedBy, status) => {
    const response = makeResponse({ endedBy: endedBy as 'citizen' | 'timeout' });
    expect(resultsOf(await c.submit(makeBatch([response]))).results[0]?.status).toBe(status);
  });

  it.each<[string, unknown]>([
    ['an unknown ending', 'staff'],
    ['a flag instead of a word', true],
    ['an empty text', ''],
  ])('rejects %s with the path', async (_name, endedBy) => {
    const response = { ...makeResponse(), endedBy };
    const [result] = resultsOf(await c.submit(makeBatch([response]))).results;
    expect(result?.status).toBe('rejected');
    expect(result && 'reason' in result ? result.reason : '').toContain('$.responses[0].endedBy');
    expect(await rows('SELECT id FROM responses')).toHaveLength(0);
  });
});
