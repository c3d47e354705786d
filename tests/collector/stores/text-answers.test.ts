/*
 * The has_text_answer mark (migration 0014): kept at ingest from the definition, so a report's latest
 * comments walk an index of the responses that have one. Unmarked rows (stored before the step, or
 * under a definition the store did not know) are still read and checked, so the listing is the same
 * whatever the marks; ties in time come back by id, newest first, alike on both stores.
 */
import { expect, it } from 'vitest';
import { DEFINITIONS, deferCleanups, makeResponse, validItem } from '../helpers';
import { queryTestDatabase } from '../test-databases';
import { describeEachStore } from './store-contract';

const defer = deferCleanups();
const AT = (minute: number) => new Date(Date.UTC(2026, 2, 2, 2, minute)).toISOString();

describeEachStore('text answers are marked at ingest and the latest comments read through the mark', defer, (kit) => {
  const marks = async (url: string) =>
    Object.fromEntries(
      (
        await queryTestDatabase<{ seq: number; mark: string }>(
          url,
          "SELECT seq, CASE WHEN has_text_answer IS NULL THEN 'unknown' WHEN has_text_answer = 1 THEN 'text' ELSE 'none' END AS mark FROM responses",
          [],
          "SELECT seq, CASE WHEN has_text_answer IS NULL THEN 'unknown' WHEN has_text_answer THEN 'text' ELSE 'none' END AS mark FROM responses",
        )
      ).map((row) => [Number(row.seq), row.mark]),
    );

  it('marks text or none at ingest, leaves rows unmarked while the definition is unknown and marks them once it is given', async () => {
    const db = kit.database();
    const store = await kit.open(db.url);
    const ingest = (responses: ReturnType<typeof makeResponse>[]) =>
      store.ingest({ deviceId: null, receivedAt: '2026-03-03T00:00:00.000Z', report: null, source: 'import', items: responses.map((r) => validItem(r)) });
    // Before the store knows the definition: nothing can be decided, so the rows stay unmarked.
    await ingest([
      makeResponse({ seq: 1, completedAt: AT(1), answers: { TC1: 4, COMMENT: 'trước khi biết bộ câu hỏi' } }),
      makeResponse({ seq: 2, completedAt: AT(2), answers: { TC1: 3 } }),
    ]);
    expect(await marks(db.url)).toEqual({ 1: 'unknown', 2: 'unknown' });
    // Told the definitions (as at every start), the store marks what it stored unmarked.
    await store.useDefinitions(DEFINITIONS);
    expect(await marks(db.url)).toEqual({ 1: 'text', 2: 'none' });
    await ingest([
      makeResponse({ seq: 3, completedAt: AT(3), answers: { TC1: 5, COMMENT: 'Cán bộ tận tình' } }),
      makeResponse({ seq: 4, completedAt: AT(4), answers: { TC1: 2, COMMENT: '   ' } }),
      makeResponse({ seq: 5, completedAt: AT(5), answers: { TC1: 1 } }),
      makeResponse({ seq: 6, completedAt: AT(6), status: 'partial', answers: { TC1: 2, COMMENT: 'chưa xong' } }),
    ]);
    expect(await marks(db.url)).toEqual({ 1: 'text', 2: 'none', 3: 'text', 4: 'none', 5: 'none', 6: 'text' });

    const latest = await store.listLatestAnswers({ definitionId: 'sipas-test' }, [1], ['COMMENT'], 10);
    // Newest first; the blank one and the partial one are not comments; the unmarked one still is.
    expect(latest.map((row) => [row.completedAt, row.answers.COMMENT])).toEqual([
      [AT(3), 'Cán bộ tận tình'],
      [AT(1), 'trước khi biết bộ câu hỏi'],
    ]);
    expect(await store.listLatestAnswers({ definitionId: 'sipas-test' }, [1], ['COMMENT'], 1)).toEqual(latest.slice(0, 1));
    // Within a period (the placed-time index) the same rule holds.
    const inPeriod = await store.listLatestAnswers({ definitionId: 'sipas-test', completedFrom: AT(0), completedBefore: AT(2) }, [1], ['COMMENT'], 10);
    expect(inPeriod.map((row) => row.answers.COMMENT)).toEqual(['trước khi biết bộ câu hỏi']);
  });

  it('still lists the comments of rows left unmarked (a definition the store was not given)', async () => {
    const store = await kit.open();
    await store.useDefinitions(DEFINITIONS.filter((d) => d.id !== 'sipas-old'));
    const old = [1, 2].map((seq) => makeResponse({ seq, definitionId: 'sipas-old', definitionVersion: 2, completedAt: AT(seq), answers: { TC1: 4, ...(seq === 2 ? { COMMENT: 'phiên bản cũ' } : {}) } }));
    await store.ingest({ deviceId: null, receivedAt: '2026-03-03T00:00:00.000Z', report: null, source: 'import', items: old.map((r) => validItem(r)) });
    const listed = await store.listLatestAnswers({ definitionId: 'sipas-old' }, [2], ['COMMENT'], 10);
    expect(listed.map((row) => row.answers.COMMENT)).toEqual(['phiên bản cũ']);
  });

  it('reads past pages of rows that turn out blank to the comments behind them', async () => {
    const store = await kit.open();
    await store.useDefinitions(DEFINITIONS.filter((d) => d.id !== 'sipas-old'));
    // Unmarked rows whose comment is only spaces: read, checked and passed over, well beyond one page.
    const blanks = Array.from({ length: 130 }, (_, i) => makeResponse({ seq: i + 10, definitionId: 'sipas-old', definitionVersion: 2, completedAt: AT(20 + (i % 30)), answers: { TC1: 3, COMMENT: '  ' } }));
    const oldest = makeResponse({ seq: 1, definitionId: 'sipas-old', definitionVersion: 2, completedAt: AT(1), answers: { TC1: 4, COMMENT: 'ý kiến sau cùng' } });
    await store.ingest({ deviceId: null, receivedAt: '2026-03-03T00:00:00.000Z', report: null, source: 'import', items: [oldest, ...blanks].map((r) => validItem(r)) });
    const listed = await store.listLatestAnswers({ definitionId: 'sipas-old' }, [2], ['COMMENT'], 1);
    expect(listed.map((row) => row.answers.COMMENT)).toEqual(['ý kiến sau cùng']);
  });

  it('breaks a tie in time by id, newest first, with and without a period', async () => {
    const store = await kit.open();
    await store.useDefinitions(DEFINITIONS);
    const tied = [7, 8, 9].map((seq) => makeResponse({ seq, completedAt: AT(10), answers: { TC1: 4, COMMENT: `ý kiến ${seq}` } }));
    await store.ingest({ deviceId: null, receivedAt: '2026-03-03T00:00:00.000Z', report: null, source: 'import', items: tied.map((r) => validItem(r)) });
    const byIdNewestFirst = [...tied].sort((a, b) => (a.id < b.id ? 1 : -1)).map((r) => r.answers.COMMENT);
    const listed = await store.listLatestAnswers({ definitionId: 'sipas-test' }, [1], ['COMMENT'], 10);
    expect(listed.map((row) => row.answers.COMMENT)).toEqual(byIdNewestFirst);
    const period = await store.listLatestAnswers({ definitionId: 'sipas-test', completedFrom: AT(0), completedBefore: AT(30) }, [1], ['COMMENT'], 2);
    expect(period.map((row) => row.answers.COMMENT)).toEqual(byIdNewestFirst.slice(0, 2));
  });
});
