/**
 * Run as production runs the collector (`node --import tsx`, what `npm start` amounts to): a report and
 * a CSV export through a read pool's worker thread; prints where they ran and what they gave.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../../src/collector';
import { ReadPool } from '../../../../src/collector/staff-pages';
import { DEFINITIONS, makeResponse, seedResponses } from '../../helpers';

const dir = mkdtempSync(join(tmpdir(), 'sipas-read-worker-'));
const file = join(dir, 'collector.sqlite');
const store = await openStore(file);
const pool = new ReadPool({ store, storeUrl: file, log: (message) => console.error(message) });
try {
  await seedResponses(store, null, 30, (i) => makeResponse({ seq: i + 1 }), 'import');
  const report = await pool.report(DEFINITIONS, { query: { definition: 'sipas-test' }, values: {}, generatedAt: '2026-03-03T00:00:00.000Z' });
  const body = await pool.export(DEFINITIONS, { definition: 'sipas-test' }, 'vi', 'csv');
  let bytes = 0;
  for await (const chunk of body.stream as AsyncIterable<Buffer>) bytes += chunk.length;
  console.log(JSON.stringify({ stats: pool.stats, responses: report.responses, rowCount: body.rowCount, bytes }));
} finally {
  await pool.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
