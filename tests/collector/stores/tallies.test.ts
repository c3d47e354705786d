import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { addTally, emptyTally, scoreFromTally, scoreResponses, type SurveyResponse } from '../../../src/shared/survey';
import { vietnamDay } from '../../../src/shared/l10n';
import type { CollectorStore, IngestItem, TallyQuery } from '../../../src/collector/stores';
import { DEFINITIONS, deferCleanups, makeResponse, seedResponses, validItem } from '../helpers';
import pg from 'pg';
import { openStore, TALLY_SHARD_LOCK_KEY, TALLY_SHARDS } from '../../../src/collector/stores';
import { freshPostgresDatabase, queryPostgres, TEST_DATABASE_URL } from '../test-databases';
import { describeEachStore, type StoreKit } from './store-contract';

const defer = deferCleanups();
const definition = DEFINITIONS[0];

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A response with random answers, place, field, flags, status and day (Jan–Apr 2026). */
function randomResponse(next: () => number, seq: number, kioskId?: string): SurveyResponse {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const answers: SurveyResponse['answers'] = {};
  for (const id of ['TC1', 'TC2', 'TT1', 'CC1', 'KQ1']) if (next() < 0.85) answers[id] = 1 + Math.floor(next() * 5);
  answers.PA0 = pick(['yes', 'no']);
  if (answers.PA0 === 'yes' && next() < 0.8) answers.PA1 = 1 + Math.floor(next() * 5);
  if (next() < 0.7) answers.FIELD = pick(['dat-dai', 'tu-phap', 'xay-dung']);
  if (next() < 0.3) answers.COMMENT = `ý kiến ${seq}`;
  const completedAt = new Date(Date.UTC(2026, 0, 1) + Math.floor(next() * 120 * 86_400_000)).toISOString();
  return makeResponse({
    ...(kioskId === undefined ? {} : { kioskId }),
    seq,
    agencyCode: pick(['UBND-Q1', 'UBND-Q3']),
    counterCode: pick(['Q01', 'Q02']),
    status: next() < 0.1 ? 'partial' : 'complete',
    completedAt,
    answers,
    flags: { tooFast: next() < 0.1, belowMinInterval: next() < 0.1 },
  });
}

/** Runs SQL straight on a store's database (SQLite file or PostgreSQL schema), as a damaged or older database would hold. */
async function raw(kit: StoreKit, url: string, sql: string): Promise<void> {
  if (kit.kind === 'PostgreSQL') {
    await queryPostgres(url, sql);
    return;
  }
  const db = new Database(url);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

/** Ingests `count` random responses in random batches, each with retries (duplicates) and changed copies (conflicts). */
async function ingestRandom(store: CollectorStore, seed: number, count: number, kioskId?: string): Promise<SurveyResponse[]> {
  const next = random(seed);
  const stored: SurveyResponse[] = [];
  let seq = 0;
  while (stored.length < count) {
    const items: IngestItem[] = [];
    const size = 1 + Math.floor(next() * 40);
    for (let i = 0; i < size; i++) {
      const roll = next();
      if (roll < 0.15 && stored.length > 0) items.push(validItem(stored[Math.floor(next() * stored.length)])); // a retry
      else if (roll < 0.25 && stored.length > 0) {
        const original = stored[Math.floor(next() * stored.length)];
        items.push(validItem({ ...original, answers: { ...original.answers, TC1: original.answers.TC1 === 1 ? 2 : 1 } })); // a conflict
      } else {
        const response = randomResponse(next, ++seq, kioskId);
        items.push(validItem(response));
        stored.push(response);
      }
    }
    const outcomes = await store.ingest({ deviceId: null, receivedAt: '2026-05-01T00:00:00.000Z', report: null, source: 'import', items });
    expect(outcomes.every((o) => o.status !== 'rejected')).toBe(true);
  }
  return stored;
}

/** The figures the tallies of a query give, for the version of `definition`. */
async function scoreOfTallies(store: CollectorStore, query: Omit<TallyQuery, 'definitionId' | 'definitions'>) {
  const rows = await store.readTallies({ definitionId: definition.id, definitions: DEFINITIONS, ...query });
  const tally = emptyTally();
  for (const row of rows) if (row.definitionVersion === definition.version) addTally(tally, row.tally);
  return scoreFromTally(definition, tally);
}

describeEachStore('scoring tallies kept at ingest', defer, (kit) => {
  const freshStore = async (): Promise<{ store: CollectorStore; file: string }> => {
    const db = kit.database();
    return { store: await kit.open(db.url), file: db.url };
  };

  it('match the rows after random batches with duplicates and conflicts: the check finds nothing', async () => {
    const { store } = await freshStore();
    await store.useDefinitions(DEFINITIONS);
    const stored = await ingestRandom(store, 7, 400);
    expect(await store.checkTallies(DEFINITIONS)).toEqual([]);
    expect(await scoreOfTallies(store, {})).toEqual(scoreResponses(definition, stored));
  });

  it.each([
    ['one agency', { agencyCode: 'UBND-Q3' }, (r: SurveyResponse) => r.agencyCode === 'UBND-Q3'],
    ['one counter', { counterCode: 'Q02' }, (r: SurveyResponse) => r.counterCode === 'Q02'],
    ['one service field', { serviceField: 'tu-phap' }, (r: SurveyResponse) => r.answers.FIELD === 'tu-phap'],
    ['a place and a field', { agencyCode: 'UBND-Q1', counterCode: 'Q01', serviceField: 'dat-dai' }, (r: SurveyResponse) => r.agencyCode === 'UBND-Q1' && r.counterCode === 'Q01' && r.answers.FIELD === 'dat-dai'],
    ['whole months', { fromDay: '2026-02-01', toDay: '2026-03-31' }, (r: SurveyResponse) => vietnamDay(r.completedAt) >= '2026-02-01' && vietnamDay(r.completedAt) <= '2026-03-31'],
    ['days cut from months', { fromDay: '2026-01-17', toDay: '2026-03-09' }, (r: SurveyResponse) => vietnamDay(r.completedAt) >= '2026-01-17' && vietnamDay(r.completedAt) <= '2026-03-09'],
    ['days inside one month', { fromDay: '2026-02-03', toDay: '2026-02-20' }, (r: SurveyResponse) => vietnamDay(r.completedAt) >= '2026-02-03' && vietnamDay(r.completedAt) <= '2026-02-20'],
    ['days of two neighbouring months', { fromDay: '2026-02-20', toDay: '2026-03-05' }, (r: SurveyResponse) => vietnamDay(r.completedAt) >= '2026-02-20' && vietnamDay(r.completedAt) <= '2026-03-05'],
    ['from a day on', { fromDay: '2026-03-15' }, (r: SurveyResponse) => vietnamDay(r.completedAt) >= '2026-03-15'],
    ['up to a day', { toDay: '2026-01-31' }, (r: SurveyResponse) => vietnamDay(r.completedAt) <= '2026-01-31'],
  ] as const)('give the rows’ figures for %s', async (_name, query, keep) => {
    const { store } = await freshStore();
    await store.useDefinitions(DEFINITIONS);
    const stored = await ingestRandom(store, 11, 300);
    expect(await scoreOfTallies(store, query)).toEqual(scoreResponses(definition, stored.filter(keep)));
  });

  it('keep only counts while the store lacks the definition, and recompute the answers when a report brings it', async () => {
    const { store } = await freshStore();
    const stored = await ingestRandom(store, 3, 120);
    const countsOnly = await store.readTallies({ definitionId: definition.id, definitions: [] });
    expect(countsOnly.reduce((n, row) => n + row.tally.responses + row.tally.partial, 0)).toBe(stored.length);
    expect(countsOnly.every((row) => Object.keys(row.tally.items).length === 0)).toBe(true);
    expect(await scoreOfTallies(store, {})).toEqual(scoreResponses(definition, stored));
    expect(await store.checkTallies(DEFINITIONS)).toEqual([]);
  });

  it('are recomputed for rows stored before tallies existed, when the store is given the definitions', async () => {
    const { store, file } = await freshStore();
    await store.useDefinitions(DEFINITIONS);
    const stored = await ingestRandom(store, 5, 100);
    // As migration 0009 leaves a database: rows without tallies, their versions marked stale.
    await raw(kit, file, `DELETE FROM tallies; INSERT INTO tally_stale_versions SELECT DISTINCT definition_id, definition_version, ${kit.kind === 'SQLite' ? 0 : false} FROM responses`);
    expect((await store.checkTallies(DEFINITIONS)).length).toBeGreaterThan(0);
    await store.useDefinitions(DEFINITIONS);
    expect(await store.checkTallies(DEFINITIONS)).toEqual([]);
    expect(await scoreOfTallies(store, {})).toEqual(scoreResponses(definition, stored));
  });

  it('are recomputed exactly over more rows than one page of the recomputation reads (5,000)', async () => {
    const { store, file } = await freshStore();
    await store.useDefinitions(DEFINITIONS);
    const next = random(13);
    const stored = Array.from({ length: 5_300 }, (_, i) => randomResponse(next, i + 1));
    await seedResponses(store, null, stored.length, (i) => stored[i], 'import');
    await raw(kit, file, `DELETE FROM tallies; INSERT INTO tally_stale_versions SELECT DISTINCT definition_id, definition_version, ${kit.kind === 'SQLite' ? 0 : false} FROM responses`);
    await store.useDefinitions(DEFINITIONS);
    expect(await store.checkTallies(DEFINITIONS)).toEqual([]);
    expect(await scoreOfTallies(store, {})).toEqual(scoreResponses(definition, stored));
  });

  it('are checked against the rows: a corrupted, a missing and a left-over tally row are each found', async () => {
    const { store, file } = await freshStore();
    await store.useDefinitions(DEFINITIONS);
    await ingestRandom(store, 9, 60);
    // One more response in the first month's national roll-up than the rows hold (on PostgreSQL, in one of its shards).
    await raw(
      kit,
      file,
      `UPDATE tallies SET responses = responses + 1
       WHERE rollup = 7 AND period = (SELECT min(period) FROM tallies WHERE rollup = 7)${kit.kind === 'PostgreSQL' ? ' AND shard = (SELECT min(shard) FROM tallies WHERE rollup = 7)' : ''}`,
    );
    await raw(kit, file, 'DELETE FROM tallies WHERE rollup = 0 AND period = (SELECT max(period) FROM tallies WHERE rollup = 0)');
    await raw(
      kit,
      file,
      kit.kind === 'SQLite'
        ? "INSERT INTO tallies VALUES ('sipas-test', 7, '', '', '', '1999-01', 1, 0, 1, 0, 0, 1, x'')"
        : "INSERT INTO tallies VALUES ('sipas-test', 7, '', '', '', '1999-01', 1, 0, 0, 1, 0, 0, 2, ''::bytea)",
    );
    const differences = await store.checkTallies(DEFINITIONS);
    expect(differences.some((d) => d.stored !== null && d.expected !== null)).toBe(true);
    expect(differences.some((d) => d.stored === null)).toBe(true);
    expect(differences.some((d) => d.expected === null && d.key.period === '1999-01')).toBe(true);
  });

  it('count neither duplicates nor conflicts', async () => {
    const { store } = await freshStore();
    await store.useDefinitions(DEFINITIONS);
    const response = makeResponse({ answers: { TC1: 5, PA0: 'no' } });
    await store.ingest({ deviceId: null, receivedAt: '2026-05-01T00:00:00.000Z', report: null, source: 'import', items: [validItem(response)] });
    const outcomes = await store.ingest({
      deviceId: null,
      receivedAt: '2026-05-01T00:00:00.000Z',
      report: null,
      source: 'import',
      items: [validItem(response), validItem({ ...response, answers: { TC1: 1, PA0: 'no' } })],
    });
    expect(outcomes.map((o) => o.status)).toEqual(['duplicate', 'conflict']);
    const score = await scoreOfTallies(store, {});
    expect(score.responses).toBe(1);
    expect(score.components[0].items[0].counts).toEqual([0, 0, 0, 0, 1]);
  });

  it('stay exact when several kiosks send batches at the same time', async () => {
    const { store } = await freshStore();
    await store.useDefinitions(DEFINITIONS);
    const kiosks = Array.from({ length: 6 }, (_, k) => `00000000-0000-4000-8000-00000000000${k}`);
    const stored = (await Promise.all(kiosks.map((kioskId, k) => ingestRandom(store, 100 + k, 80, kioskId)))).flat();
    expect(await store.checkTallies(DEFINITIONS)).toEqual([]);
    expect(await scoreOfTallies(store, {})).toEqual(scoreResponses(definition, stored));
  });
});

describe.skipIf(TEST_DATABASE_URL === undefined)('tally shards on PostgreSQL', () => {
  /** Holds, on a connection of its own, the advisory lock of every shard of the schema but `free` (none when null). */
  async function holdShards(url: string, free: number | null): Promise<() => Promise<void>> {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema') as string;
    parsed.searchParams.delete('schema');
    const client = new pg.Client({ connectionString: parsed.toString(), options: `-c search_path=${schema}` });
    await client.connect();
    await client.query('BEGIN');
    for (let shard = 0; shard < TALLY_SHARDS; shard++) {
      if (shard !== free) await client.query("SELECT pg_advisory_xact_lock($1, hashtext(current_schema() || '/' || $2::text))", [TALLY_SHARD_LOCK_KEY, shard]);
    }
    return async () => {
      await client.query('COMMIT');
      await client.end();
    };
  }

  it('writes a batch under the one shard no running batch holds, waits for its own when all are held, and reads the sum of them', async () => {
    const db = freshPostgresDatabase();
    defer(() => db.cleanup());
    const store = await openStore(db.url);
    defer(() => store.close());
    await store.useDefinitions(DEFINITIONS);
    const stored: SurveyResponse[] = [];
    for (const free of [5, 11]) {
      const release = await holdShards(db.url, free);
      try {
        stored.push(...(await ingestRandom(store, 40 + free, 30)));
      } finally {
        await release();
      }
    }
    expect((await queryPostgres<{ shard: number }>(db.url, 'SELECT DISTINCT shard FROM tallies ORDER BY shard')).map((row) => row.shard)).toEqual([5, 11]);
    // Every shard held: the batch waits for its own (an advisory lock not granted) until one is let go.
    const release = await holdShards(db.url, null);
    let settled = false;
    const waiting = ingestRandom(store, 77, 1).then((responses) => ((settled = true), responses));
    const waitingLocks = async () => (await queryPostgres<{ n: number }>(db.url, "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"))[0].n;
    for (let tries = 0; (await waitingLocks()) === 0; tries++) expect(tries).toBeLessThan(500);
    expect(settled).toBe(false);
    await release();
    stored.push(...(await waiting));
    const used = (await queryPostgres<{ shard: number }>(db.url, 'SELECT DISTINCT shard FROM tallies ORDER BY shard')).map((row) => row.shard);
    expect(used).toEqual(expect.arrayContaining([5, 11]));
    expect(used.length).toBeLessThanOrEqual(3);
    expect(await store.checkTallies(DEFINITIONS)).toEqual([]);
    expect(await scoreOfTallies(store, {})).toEqual(scoreResponses(definition, stored));
  });
});
