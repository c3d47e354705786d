/**
 * `npm run bench`: prints each figure with its target, then one JSON line with all of them.
 * Targets are reported, not asserted: speed lives here, not in the test suite.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CITIZEN_BUNDLE_BUDGET_BYTES, citizenBundleSize } from './bundle-size';
import { measureStoreInChromium } from './store-in-chromium';
import { measureQueueMemory, measureSyncFromChromium } from './sync-in-chromium';
import { benchIngest } from './collector-ingest';
import { benchExportCsv, benchReport } from './collector-admin';
import { benchReadLoad } from './collector-read-load';
import { measureRecovery } from './recovery';
import { citizenPathFigures, citizenPathKey } from './citizen-path';
import { benchTallies, type BenchStore } from './tallies';
import { benchExportMemory } from './export-memory';
import { benchFleet } from './fleet-figures';
import { benchRanking } from './ranking';
import { benchMultiProcessIngest } from './multi-process';
import { benchIngestCeiling } from './ingest-ceiling';
import { benchStoreIngest } from './store-ingest';
import { measureTapToPaint } from './tap-to-paint';
import { loadavg } from 'node:os';

const root = fileURLToPath(new URL('../..', import.meta.url));
const figures: Record<string, number | string | boolean> = {};

function report(name: string, value: number, unit: string, target: string, ok: boolean) {
  figures[name] = value;
  console.log(`${name.padEnd(34)} ${String(value).padStart(10)} ${unit.padEnd(12)} target ${target.padEnd(10)} ${ok ? 'ok' : 'MISSED'}`);
}

async function main() {
  // The citizen's path from the definitions (issue 8): no build needed, so first.
  for (const figure of citizenPathFigures()) {
    const key = citizenPathKey(figure);
    report(`${key}_core_seconds`, round(figure.core.seconds), 's', '—', true);
    report(`${key}_full_seconds`, round(figure.full.seconds), 's', '—', true);
    figures[`${key}_core_screens`] = figure.core.screens;
    figures[`${key}_full_screens`] = figure.full.screens;
  }

  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error'], { cwd: root, stdio: 'inherit' });
  const bundle = citizenBundleSize(`${root}/dist`);
  report('citizen_bundle_gzip_kb', round(bundle.totalGzipBytes / 1024), 'KB gzip', `≤ ${CITIZEN_BUNDLE_BUDGET_BYTES / 1024}`, bundle.totalGzipBytes <= CITIZEN_BUNDLE_BUDGET_BYTES);
  figures.citizen_bundle_js_gzip_kb = round(bundle.jsGzipBytes / 1024);
  figures.citizen_bundle_css_gzip_kb = round(bundle.cssGzipBytes / 1024);

  // Tap → next question painted (issue 8), on the build just made, at 1024×600; the work is CDP
  // TaskDuration over the span (an upper bound: it counts the click's dispatch and the probe too).
  const tap = await measureTapToPaint(15);
  report('tapToPaintMsP50', tap.throttled.tapToPaintMs.p50, 'ms (4× CPU)', '≤ 100', tap.throttled.tapToPaintMs.p50 <= 100);
  figures.tapToPaintMsP95 = tap.throttled.tapToPaintMs.p95;
  report('tapWorkMsP50', tap.throttled.workMs.p50, 'ms (4× CPU)', '≤ 16', tap.throttled.workMs.p50 <= 16);
  figures.tapWorkMsP95 = tap.throttled.workMs.p95;
  figures.tapBeyondPauseMsP50 = tap.throttled.beyondPauseMs.p50;
  figures.tapBeyondPauseMsP95 = tap.throttled.beyondPauseMs.p95;
  figures.tapIdleWorkMsP50 = tap.throttled.idleWorkMs.p50;
  figures.tapPauseMs = tap.pauseMs;
  figures.tapToPaintUnthrottledMsP50 = tap.unthrottled.tapToPaintMs.p50;
  figures.tapToPaintUnthrottledMsP95 = tap.unthrottled.tapToPaintMs.p95;
  figures.tapWorkUnthrottledMsP50 = tap.unthrottled.workMs.p50;
  figures.tapWorkUnthrottledMsP95 = tap.unthrottled.workMs.p95;
  figures.tapBeyondPauseUnthrottledMsP50 = tap.unthrottled.beyondPauseMs.p50;
  figures.tap_load_average = round(loadavg()[0]);

  const store = await measureStoreInChromium();
  report('store_response_median_ms', store.medianMs, 'ms', '≤ 5', store.medianMs <= 5);
  figures.store_response_p95_ms = store.p95Ms;

  const sync = await measureSyncFromChromium(10_000);
  report('sync_10k_seconds', sync.seconds, 's', '≤ 10', sync.seconds <= 10 && sync.delivered === 10_000);
  figures.sync_responses_per_second = sync.perSecond;

  const ingest = await benchIngest(10_000);
  report('collector_ingest_per_second', Math.round(ingest.perSecond), 'responses/s', '≥ 5000', ingest.perSecond >= 5_000);

  const memory = await measureQueueMemory(100_000);
  const growth = memory.queuedPeakHeapMb - memory.emptyHeapMb;
  report('kiosk_heap_empty_queue_mb', memory.emptyHeapMb, 'MB', '—', true);
  report('kiosk_heap_100k_queued_mb', memory.queuedPeakHeapMb, 'MB', 'flat', growth < 10);
  figures.kiosk_heap_growth_mb = Math.round(growth * 100) / 100;

  const csv = await benchExportCsv(100_000);
  report('collector_csv_100k_seconds', csv.seconds, 's', '≤ 3', csv.seconds <= 3 && csv.rows === 100_000);
  figures.collector_csv_100k_rss_growth_mb = csv.peakRssMb - csv.baselineRssMb;
  figures.collector_csv_100k_rows = csv.rows;

  const sipas = await benchReport(100_000);
  report('collector_report_100k_seconds', sipas.seconds, 's', '≤ 1', sipas.seconds <= 1);
  figures.collector_report_100k_rss_growth_mb = sipas.peakRssMb - sipas.baselineRssMb;

  // Reading never stalls writing: ingest latency at 100 batches/s, idle and while a 100k report and CSV export run.
  const load = await benchReadLoad(100_000);
  report('ingest_idle_p50_ms', load.idle.p50Ms, 'ms', '—', load.idle.failed === 0);
  report('ingest_idle_p99_ms', load.idle.p99Ms, 'ms', '—', load.idle.failed === 0);
  report('ingest_during_reads_p50_ms', load.duringReads.p50Ms, 'ms', '—', load.duringReads.failed === 0);
  const limit = 3 * load.idle.p99Ms;
  report('ingest_during_reads_p99_ms', load.duringReads.p99Ms, 'ms', `≤ ${round(limit)}`, load.duringReads.p99Ms <= limit && load.duringReads.failed === 0);
  figures.ingest_during_reads_p99_over_idle = round(load.duringReads.p99Ms / Math.max(load.idle.p99Ms, 0.1));
  figures.ingest_during_reads_in_process_p50_ms = load.duringReadsInProcess.p50Ms;
  figures.ingest_during_reads_in_process_p99_ms = load.duringReadsInProcess.p99Ms;
  figures.ingest_during_reads_reports = load.reads.reports;
  figures.ingest_during_reads_exports = load.reads.exports;
  figures.ingest_during_reads_report_mean_seconds = load.reads.reportMeanSeconds;
  figures.ingest_during_reads_export_mean_seconds = load.reads.exportMeanSeconds;
  figures.collector_loop_delay_idle_p99_ms = load.loopDelayMs.idleP99;
  figures.collector_loop_delay_during_reads_p99_ms = load.loopDelayMs.duringReadsP99;
  figures.collector_loop_delay_during_reads_in_process_p99_ms = load.loopDelayMs.duringReadsInProcessP99;

  // Reports from tallies and the fleet from kept figures (issue 12): what a figure costs must not grow
  // with the responses. `--scale 10m` also seeds 10,000,000 (long: tens of minutes on a small machine).
  // The load average is printed beside them: on a shared machine it explains more than the code does.
  // On each store `--store sqlite|postgres|both` asks for (default: both when TEST_DATABASE_URL is set,
  // else SQLite); PostgreSQL figures are prefixed collector_pg_. PostgreSQL is seeded by COPY and the
  // store's own tally and fleet recomputation (pg-bulk-seed.ts).
  const tallySizes = [100_000, 1_000_000, ...(benchScale() === '10m' ? [10_000_000] : [])];
  for (const kind of benchStores()) {
    const prefix = kind === 'postgres' ? 'collector_pg_' : 'collector_';
    const tallyReportMs = new Map<number, number>();
    for (const n of tallySizes) {
      const key = sizeKey(n);
      const tallies = await benchTallies(n, { store: kind });
      tallyReportMs.set(n, tallies.reportMs);
      report(`${prefix}report_tallies_${key}_ms`, tallies.reportMs, 'ms', '≤ 200', tallies.reportMs <= 200);
      if (n === 1_000_000) report(`${prefix}report_tallies_filtered_${key}_ms`, tallies.filteredReportMs, 'ms', '≤ 100', tallies.filteredReportMs <= 100);
      else figures[`${prefix}report_tallies_filtered_${key}_ms`] = tallies.filteredReportMs;
      figures[`${prefix}report_tallies_seed_${key}_per_second`] = tallies.seedPerSecond;
      figures[`${prefix}report_tallies_${key}_load_average`] = round(loadavg()[0]);
    }
    const tallyRatio = round(tallyReportMs.get(1_000_000)! / Math.max(tallyReportMs.get(100_000)!, 0.1));
    report(`${prefix}report_tallies_1m_over_100k`, tallyRatio, '×', '≤ 2', tallyRatio <= 2);
    const exported = await benchExportMemory(1_000_000, kind);
    report(`${prefix}csv_1m_rss_growth_mb`, exported.rssGrowthMb, 'MB', '≤ 50', exported.rssGrowthMb <= 50 && exported.rows === 1_000_000);
    figures[`${prefix}csv_1m_seconds`] = exported.seconds;
    figures[`${prefix}csv_1m_heap_growth_mb`] = exported.heapGrowthMb;
    figures[`${prefix}csv_1m_load_average`] = round(loadavg()[0]);
    const fleet = await benchFleet(1_000, 1_000_000, kind);
    report(`${prefix}fleet_1000_devices_1m_ms`, fleet.pageMs, 'ms', '≤ 200', fleet.pageMs <= 200 && fleet.missingShown > 0);
    figures[`${prefix}fleet_1000_devices_1m_figures_ms`] = fleet.figuresMs;
    figures[`${prefix}fleet_seed_seconds`] = fleet.seedSeconds;
    figures[`${prefix}fleet_load_average`] = round(loadavg()[0]);
  }

  // The ranking report (issue 11): 100,000 responses across the 200 units of a 1 → 20 → 200 tree with
  // 400 counters; cold (first after opening the store) and warm, SQLite and, with TEST_DATABASE_URL, PostgreSQL.
  const ranking = await benchRanking(100_000);
  report('collector_ranking_100k_200_units_warm_ms', ranking.sqlite.warmMs, 'ms', '≤ 500', ranking.sqlite.warmMs <= 500 && ranking.sqlite.responses > 0);
  figures.collector_ranking_100k_200_units_cold_ms = ranking.sqlite.coldMs;
  figures.collector_ranking_100k_per_place_reads_ms = ranking.sqlite.perPlaceReadsMs;
  figures.collector_ranking_100k_grouped_reads_ms = ranking.sqlite.groupedReadsMs;
  figures.collector_ranking_seed_seconds = ranking.seedSeconds;
  if (ranking.postgres === null) {
    console.log('collector_pg_ranking_100k_200_units: skipped (TEST_DATABASE_URL is not set)');
    figures.collector_pg_ranking_skipped = true;
  } else {
    report('collector_pg_ranking_100k_200_units_warm_ms', ranking.postgres.warmMs, 'ms', '≤ 500', ranking.postgres.warmMs <= 500 && ranking.postgres.responses === ranking.sqlite.responses);
    figures.collector_pg_ranking_100k_200_units_cold_ms = ranking.postgres.coldMs;
    figures.collector_pg_ranking_100k_per_place_reads_ms = ranking.postgres.perPlaceReadsMs;
    figures.collector_pg_ranking_100k_grouped_reads_ms = ranking.postgres.groupedReadsMs;
  }
  figures.collector_ranking_load_average = round(loadavg()[0]);

  // Straight into each store, one stream of batches of 100 (issue 12, part 3): the store's own cost
  // per batch, apart from HTTP and from the other processes a loaded machine runs.
  for (const kind of benchStores()) {
    const direct = await benchStoreIngest(kind === 'postgres' ? 'PostgreSQL' : 'SQLite', 10_000, 100);
    const prefix = kind === 'postgres' ? 'collector_pg_' : 'collector_';
    figures[`${prefix}store_ingest_per_second`] = direct.perSecond;
    figures[`${prefix}store_ingest_batch_p99_ms`] = direct.batchMs.p99;
    figures[`${prefix}store_ingest_tallies_exact`] = direct.talliesExact;
    figures[`${prefix}store_ingest_load_average`] = round(loadavg()[0]);
  }

  // Several collector processes on PostgreSQL (issue 12, part 5): 50 kiosks, batches of 100, two processes behind a proxy.
  const multi = await benchMultiProcessIngest({ kiosks: 50, batchesPerKiosk: 20, batchSize: 100, processes: 2 });
  if (multi === null) {
    console.log('collector_pg_2proc_ingest_per_second: skipped (TEST_DATABASE_URL is not set)');
    figures.collector_pg_2proc_ingest_skipped = true;
  } else {
    report('collector_pg_2proc_ingest_per_second', multi.perSecond, 'responses/s', '≥ 20000', multi.perSecond >= 20_000 && multi.exactlyOnce);
    figures.collector_pg_2proc_batch_p50_ms = multi.batchMs.p50;
    figures.collector_pg_2proc_batch_p99_ms = multi.batchMs.p99;
    figures.collector_pg_2proc_exactly_once = multi.exactlyOnce;
    figures.collector_pg_2proc_busy_retries = multi.busyRetries;
    figures.collector_pg_2proc_load_average = round(loadavg()[0]);
  }

  // The ceiling under that figure (issue 12): the same batches' statements replayed on PostgreSQL alone,
  // then through the store, then with the checks, at the 12 batches in flight the two processes admit.
  const ceiling = await benchIngestCeiling({ kiosks: 50, batchesPerKiosk: 10, batchSize: 100, connections: 12 });
  if (ceiling === null) {
    figures.collector_pg_ingest_ceiling_skipped = true;
  } else {
    for (const [part, rate] of [['replay', ceiling.replay], ['store', ceiling.store], ['checked', ceiling.checked]] as const) {
      figures[`collector_pg_ceiling_${part}_per_second`] = rate.perSecond;
      figures[`collector_pg_ceiling_${part}_batch_p99_ms`] = rate.batchMs.p99;
      figures[`collector_pg_ceiling_${part}_exactly_once`] = rate.exactlyOnce;
      figures[`collector_pg_ceiling_${part}_load_average`] = rate.loadAverage;
    }
    figures.collector_pg_ceiling_statements_per_batch = ceiling.statementsPerBatch;
  }

  // Queue empty after an outage ends (virtual clock): the health check during backoff, not the 15-min cap.
  for (const minutes of [1, 12, 20]) {
    const recovery = await measureRecovery(minutes);
    report(`recovery_after_${minutes}min_outage_s`, recovery.seconds, 's', '≤ 60', recovery.seconds <= 60 && recovery.delivered === 30);
  }

  figures.load_average_at_end = round(loadavg()[0]);
  console.log(JSON.stringify({ bench: 'sipas-kiosk', ...figures }));
}

/** The `--scale` asked for (`--scale 10m` or `--scale=10m`), if any. */
function benchScale(): string | undefined {
  const args = process.argv.slice(2);
  const at = args.indexOf('--scale');
  if (at >= 0) return args[at + 1];
  return args.find((arg) => arg.startsWith('--scale='))?.slice('--scale='.length);
}

/**
 * The stores the tally, export and fleet figures are measured on: `--store sqlite|postgres|both`
 * (or `--store=…`); without it both when TEST_DATABASE_URL is set, else SQLite alone.
 */
function benchStores(): BenchStore[] {
  const args = process.argv.slice(2);
  const at = args.indexOf('--store');
  const asked = at >= 0 ? args[at + 1] : args.find((arg) => arg.startsWith('--store='))?.slice('--store='.length);
  const wanted = asked ?? (process.env.TEST_DATABASE_URL ? 'both' : 'sqlite');
  if (wanted !== 'sqlite' && wanted !== 'postgres' && wanted !== 'both') throw new Error(`--store must be sqlite, postgres or both, not ${wanted}`);
  if (wanted !== 'sqlite' && !process.env.TEST_DATABASE_URL) throw new Error('--store postgres needs TEST_DATABASE_URL (a PostgreSQL database the bench may create schemas in)');
  return wanted === 'both' ? ['sqlite', 'postgres'] : [wanted];
}

/** 100000 → "100k", 1000000 → "1m". */
function sizeKey(n: number): string {
  return n >= 1_000_000 ? `${n / 1_000_000}m` : `${n / 1_000}k`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
