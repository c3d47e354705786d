/**
 * The fleet page over many devices (issue 12, part 4), for `npm run bench`: `devices` kiosks registered,
 * n responses stored through them (every 50th sequence number never sent, so each kiosk has gaps to
 * show), then the staff fleet page (GET /admin/fleet, HTML) timed in-process, as staff open it, and
 * apart from it the read of what it shows (loadFleet), the part that grew with the responses.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createCollector, openStore, registerDevice, setAdminPassword } from '../../src/collector';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../src/build/definitions';
import { FLEET_PAGE_ROWS, loadFleet } from '../../src/collector/staff-pages';
import type { IngestItem } from '../../src/collector/stores';
import { makeResponse, signIn, validItem } from '../collector/helpers';
import { bulkSeed } from './bulk-seed';
import { benchDatabase } from './bench-database';
import { bulkSeedPostgres } from './pg-bulk-seed';
import type { BenchStore } from './tallies';

/** Figures of one size. */
export interface FleetBenchResult {
  store: BenchStore;
  devices: number;
  responses: number;
  seedSeconds: number;
  /** Median of 5 page loads after one warm-up, in ms (the first page: FLEET_PAGE_ROWS devices, the counts of all). */
  pageMs: number;
  /** The same for the last page, and for a search by agency code (the ways staff reach the other devices). */
  lastPageMs: number;
  searchMs: number;
  /** Device rows on the first page. */
  rowsShown: number;
  /** Median of 5 reads of what the page shows (loadFleet: the store's figures, judged and ordered), in ms. */
  figuresMs: number;
  /** Missing numbers the page showed, summed over devices (a check that it read the gaps). */
  missingShown: number;
}

/** Every this many sequence numbers, one is never sent. */
const GAP_EVERY = 50;

/** Median time of 5 runs after one warm-up, in ms to a tenth. */
async function medianMs(run: () => Promise<unknown>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[2] * 10) / 10;
}

/** Above this many responses the bench seeds in bulk (bulk-seed.ts); through ingest, 1M takes minutes here. */
const INGEST_SEED_MAX = 100_000;

/** The k-th number (from 0) a kiosk sends: every GAP_EVERY-th one is never sent. */
function seqOf(k: number): number {
  return k + 1 + Math.floor(k / (GAP_EVERY - 1));
}

/** Seeds `devices` devices with n responses between them, then times the fleet page. */
export async function benchFleet(devices: number, n: number, kind: BenchStore = 'sqlite'): Promise<FleetBenchResult> {
  const { definitions } = loadDefinitionsFromDir(DEFINITIONS_DIR);
  // PostgreSQL: a fresh schema in TEST_DATABASE_URL, seeded above INGEST_SEED_MAX by COPY and the store's fleet rebuild.
  // FLEET_BENCH_FILE names a SQLite file kept between runs: seeded once when missing, then reused
  // (seeding a million rows takes minutes; profiling the page takes several runs).
  const db = benchDatabase(kind, 'FLEET_BENCH_FILE');
  const { reuse } = db;
  try {
    const ids: string[] = [];
    const registering = await openStore(db.url);
    try {
      if (reuse) ids.push(...(await registering.listDevices()).map((d) => d.id));
      else for (let d = 0; d < devices; d++) {
        ids.push((await registerDevice(registering, { label: `Quầy ${d + 1}`, agencyCode: `CQ${d % 50}`, counterCode: `Q${d}` })).deviceId);
      }
    } finally {
      await registering.close();
    }
    const kioskIds = ids.map(() => randomUUID());
    const perDevice = Math.ceil(n / devices);
    // Responses of a definition the bench store does not have: only their counts are tallied, so the
    // seeding costs what the fleet page reads (sequence numbers), not the scoring.
    const response = (i: number) => makeResponse({ kioskId: kioskIds[Math.floor(i / perDevice)], seq: seqOf(i % perDevice) });
    const deviceOf = (i: number) => ids[Math.floor(i / perDevice)];
    const began = performance.now();
    if (reuse) {
      // Seeded by an earlier run.
    } else if (n > INGEST_SEED_MAX && kind === 'postgres') await bulkSeedPostgres(db.url, n, response, deviceOf);
    else if (n > INGEST_SEED_MAX) await bulkSeed(db.url, n, response, deviceOf);
    const store = await openStore(db.url);
    try {
      if (reuse) {
        // Seeded, health reports included, by an earlier run.
      } else if (n > INGEST_SEED_MAX) {
        // One health report per device, so that each has a last contact as through ingest.
        for (const id of ids) await store.ingest({ deviceId: id, receivedAt: new Date().toISOString(), report: null, source: 'sync', items: [] });
      } else {
        for (let start = 0; start < n; start += perDevice) {
          const items: IngestItem[] = [];
          for (let i = start; i < Math.min(n, start + perDevice); i++) items.push(validItem(response(i)));
          await store.ingest({ deviceId: deviceOf(start), receivedAt: new Date().toISOString(), report: null, source: 'sync', items });
        }
      }
      const seedSeconds = Math.round((performance.now() - began) / 100) / 10;
      await setAdminPassword(store, 'bench-password-fleet');
      const app = await createCollector({ store, definitions });
      try {
        const cookie = await signIn(app, 'bench-password-fleet');
        const load = async (url = '/admin/fleet') => {
          const answer = await app.inject({ method: 'GET', url, headers: { cookie } });
          if (answer.statusCode !== 200) throw new Error(`fleet page answered ${answer.statusCode}: ${answer.body.slice(0, 200)}`);
          return answer.body;
        };
        const pageMs = await medianMs(load);
        const rowsShown = ((await load()).match(/<tr class="(attention|ok|revoked)">/g) ?? []).length;
        const lastPageMs = await medianMs(() => load(`/admin/fleet?page=${Math.max(1, Math.ceil(ids.length / FLEET_PAGE_ROWS))}`));
        const searchMs = await medianMs(() => load('/admin/fleet?q=CQ7'));
        const figuresMs = await medianMs(() => loadFleet(store, new Date()));
        const api = await app.inject({ method: 'GET', url: '/api/v1/admin/fleet', headers: { cookie } });
        const missingShown = (JSON.parse(api.body) as { devices: Array<{ missing: number }> }).devices.reduce((sum, d) => sum + d.missing, 0);
        return { store: kind, devices, responses: n, seedSeconds, pageMs, lastPageMs, searchMs, rowsShown, figuresMs, missingShown };
      } finally {
        await app.close();
      }
    } finally {
      await store.close();
    }
  } finally {
    await db.cleanup();
  }
}

// Run alone: `[TEST_DATABASE_URL=…] npx tsx tests/bench/fleet-figures.ts [sqlite|postgres] [devices] [n …]`.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const kind: BenchStore = process.argv.includes('postgres') ? 'postgres' : 'sqlite';
  const [devices = 1_000, ...sizes] = process.argv.slice(2).map(Number).filter((v) => v > 0);
  for (const n of sizes.length > 0 ? sizes : [100_000]) console.log(JSON.stringify(await benchFleet(devices, n, kind)));
}
