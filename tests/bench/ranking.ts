/**
 * The ranking report (issue 11, part 3) for `npm run bench`: 100,000 sipas-2023 responses across the
 * 200 units of a tree of 1 province → 20 centres → 200 units with 400 counters, ranked as the page
 * ranks them (the province's 20 centres, each rolled up from its 10 units, over a year, with the
 * previous year and the same year a year earlier, targets applied). Cold is the first ranking after
 * the store is opened; warm the median of 5 after it. SQLite always; PostgreSQL too when
 * TEST_DATABASE_URL names a database the bench may create a schema in (the SQLite file copied over by
 * the collector's own migrate-to-postgres copy, so both rank the same rows).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { openStore, type CollectorStore } from '../../src/collector';
import { buildRanking, type RankingReport } from '../../src/collector/staff-pages';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../src/build/definitions';
import { copySqliteToPostgres, type UnitInput } from '../../src/collector/stores';
import { tempDatabase } from '../collector/helpers';
import { freshPostgresDatabase, TEST_DATABASE_URL } from '../collector/test-databases';
import { bulkSeed } from './bulk-seed';
import { sipasResponse } from './collector-admin';

/** The tree's shape. */
export const RANKING_TREE = { centres: 20, unitsPerCentre: 10, countersPerUnit: 2 } as const;
const UNITS = RANKING_TREE.centres * RANKING_TREE.unitsPerCentre;

/** Figures of one store. */
export interface RankingStoreFigures {
  /** The first ranking after opening the store, ms. */
  coldMs: number;
  /** Median of 5 rankings after it, ms. */
  warmMs: number;
  /**
   * The tally reads alone as the ranking made them before readPlaceTallies: readTallies once per
   * place and period, all in flight together (median of 3), beside the same reads grouped (3 reads).
   */
  perPlaceReadsMs: number;
  groupedReadsMs: number;
  /** Rows ranked and the responses they hold (a check that the figure measured real work). */
  rows: number;
  responses: number;
}

/** Figures of the bench. */
export interface RankingBenchResult {
  responses: number;
  units: number;
  counters: number;
  seedSeconds: number;
  sqlite: RankingStoreFigures;
  /** Null without TEST_DATABASE_URL. */
  postgres: (RankingStoreFigures & { copySeconds: number }) | null;
}

const centreCode = (c: number) => `TT${String(c + 1).padStart(2, '0')}`;
const unitCode = (u: number) => `DV${String(u + 1).padStart(3, '0')}`;
const counterCode = (k: number) => `Q${k + 1}`;

/** The tree as the units import takes it: the province, its centres, their units and the units' counters. */
export function rankingTree(): UnitInput[] {
  const rows: UnitInput[] = [{ code: 'TINH', name: 'Tỉnh Thử Nghiệm', parentCode: '', kind: 'province' }];
  for (let c = 0; c < RANKING_TREE.centres; c++) rows.push({ code: centreCode(c), name: `Trung tâm ${c + 1}`, parentCode: 'TINH', kind: 'centre' });
  for (let u = 0; u < UNITS; u++) {
    rows.push({ code: unitCode(u), name: `Đơn vị ${u + 1}`, parentCode: centreCode(Math.floor(u / RANKING_TREE.unitsPerCentre)), kind: 'commune' });
    for (let k = 0; k < RANKING_TREE.countersPerUnit; k++) rows.push({ code: counterCode(k), name: `Quầy ${k + 1}`, parentCode: unitCode(u), kind: 'counter' });
  }
  return rows;
}

/** Response i at unit i mod 200 and one of its counters (the bench's usual answers, from 2025-01-01 one every 5 minutes). */
function rankingResponse(i: number, kioskIds: readonly string[]) {
  const unit = i % UNITS;
  return { ...sipasResponse(i, kioskIds), agencyCode: unitCode(unit), counterCode: counterCode(Math.floor(i / UNITS) % RANKING_TREE.countersPerUnit) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** Ranks the province's centres over 2025 (all the seeded responses), as GET /api/v1/admin/ranking does. */
function rank(store: CollectorStore): Promise<RankingReport> {
  const { definitions } = loadDefinitionsFromDir(DEFINITIONS_DIR);
  return buildRanking(
    { store, definitions },
    {
      filters: { definition: 'sipas-2023', period: '2025' },
      ranking: {},
      values: { definition: 'sipas-2023', period: '2025' },
      generatedAt: new Date().toISOString(),
      words: { unplaced: '(chưa xếp đơn vị)', direct: (name) => `${name} (quầy trực thuộc)` },
    },
  );
}

/** The ranked year and its two comparisons (previous year, and the same year a year earlier: here the same). */
const RANGES = [
  { fromDay: '2025-01-01', toDay: '2025-12-31' },
  { fromDay: '2024-01-01', toDay: '2024-12-31' },
  { fromDay: '2024-01-01', toDay: '2024-12-31' },
];

/** Times the ranking's tally reads both ways, median of 3 each. */
async function timeTallyReads(store: CollectorStore, definitions: ReturnType<typeof loadDefinitionsFromDir>['definitions']): Promise<{ perPlaceReadsMs: number; groupedReadsMs: number }> {
  const known = definitions.filter((d) => d.id === 'sipas-2023');
  const places = await store.listPlaces();
  const perPlace: number[] = [];
  const grouped: number[] = [];
  for (let i = 0; i < 3; i++) {
    let began = performance.now();
    await Promise.all(RANGES.flatMap((range) => places.map((p) => store.readTallies({ definitionId: 'sipas-2023', agencyCode: p.agencyCode, counterCode: p.counterCode, ...range, definitions: known }))));
    perPlace.push(performance.now() - began);
    began = performance.now();
    await Promise.all(RANGES.map((range) => store.readPlaceTallies({ definitionId: 'sipas-2023', ...range, definitions: known })));
    grouped.push(performance.now() - began);
  }
  return { perPlaceReadsMs: round(median(perPlace)), groupedReadsMs: round(median(grouped)) };
}

/** Opens the store at `url`, ranks once (cold), then 5 times (warm). */
async function timeRanking(url: string): Promise<RankingStoreFigures> {
  const store = await openStore(url);
  try {
    const { definitions } = loadDefinitionsFromDir(DEFINITIONS_DIR);
    await store.useDefinitions(definitions);
    let began = performance.now();
    const first = await rank(store);
    const coldMs = performance.now() - began;
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      began = performance.now();
      await rank(store);
      times.push(performance.now() - began);
    }
    const { perPlaceReadsMs, groupedReadsMs } = await timeTallyReads(store, definitions);
    return { coldMs: round(coldMs), warmMs: round(median(times)), perPlaceReadsMs, groupedReadsMs, rows: first.rows.length, responses: first.rows.reduce((sum, row) => sum + row.n, 0) };
  } finally {
    await store.close();
  }
}

/** Seeds n responses across the tree (SQLite, in bulk), sets targets, and times the ranking on SQLite and, when it can, PostgreSQL. */
export async function benchRanking(n = 100_000, options: { databaseUrl?: string } = {}): Promise<RankingBenchResult> {
  const { definitions } = loadDefinitionsFromDir(DEFINITIONS_DIR);
  const db = tempDatabase();
  const kioskIds = Array.from({ length: 40 }, () => randomUUID());
  try {
    const began = performance.now();
    await bulkSeed(db.file, n, (i) => rankingResponse(i, kioskIds));
    const store = await openStore(db.file);
    try {
      // The tallies of the bulk rows are computed here, as a collector does on start.
      await store.useDefinitions(definitions);
      const written = await store.writeUnits(rankingTree(), 'import');
      if (!written.ok) throw new Error(`the bench tree was refused: ${JSON.stringify(written.problems.slice(0, 3))}`);
      const updatedAt = new Date().toISOString();
      await store.setTarget({ year: 2025, unitCode: null, figures: { overall: 95, c1: 95, c2: 97.5, c3: 97, c4: 98.5, c5: 95.5 }, updatedAt });
      await store.setTarget({ year: 2025, unitCode: centreCode(0), figures: { overall: 90 }, updatedAt });
    } finally {
      await store.close();
    }
    const seedSeconds = round((performance.now() - began) / 1000);
    const sqlite = await timeRanking(db.file);

    let postgres: RankingBenchResult['postgres'] = null;
    const base = options.databaseUrl ?? TEST_DATABASE_URL;
    if (base !== undefined) {
      const pg = freshPostgresDatabase(base);
      try {
        const copyBegan = performance.now();
        await copySqliteToPostgres(db.file, pg.url, definitions);
        const copySeconds = round((performance.now() - copyBegan) / 1000);
        postgres = { ...(await timeRanking(pg.url)), copySeconds };
      } finally {
        await pg.cleanup();
      }
    }
    return { responses: n, units: UNITS, counters: UNITS * RANKING_TREE.countersPerUnit, seedSeconds, sqlite, postgres };
  } finally {
    db.cleanup();
  }
}

// Run alone: `npx tsx tests/bench/ranking.ts [n]`.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const n = Number(process.argv[2]) || 100_000;
  console.log(JSON.stringify(await benchRanking(n)));
}
