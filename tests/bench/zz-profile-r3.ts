import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { openStore } from '../../src/collector';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../src/build/definitions';
import { validItem } from '../../tests/collector/helpers';
import { freshPostgresDatabase } from '../../tests/collector/test-databases';
import { sipasResponse } from '../../tests/bench/collector-admin';

const times = new Map<string, { n: number; ms: number }>();
const orig = pg.Client.prototype.query as any;
(pg.Client.prototype as any).query = function (config: any, values: any, cb: any) {
  const text: string = typeof config === 'string' ? config : config?.text ?? 'cursor';
  const key = text.replace(/\s+/g, ' ').trim().slice(0, 60);
  const t0 = performance.now();
  if (process.env.EXPLAIN && key.startsWith(process.env.EXPLAIN) && typeof config === 'object') {
    return orig.call(this, { text: 'EXPLAIN (ANALYZE, BUFFERS) ' + config.text, values: config.values }).then((r: any) => { console.log(r.rows.map((x: any) => x['QUERY PLAN']).join('\n')); return r; });
  }
  const r = orig.call(this, config, values, cb);
  if (r && typeof r.then === 'function') r.then(() => { const e = times.get(key) ?? { n: 0, ms: 0 }; e.n++; e.ms += performance.now() - t0; times.set(key, e); }, () => {});
  return r;
};
const { definitions } = loadDefinitionsFromDir(DEFINITIONS_DIR);
const db = freshPostgresDatabase('postgres://sipas:sipas@127.0.0.1:5432/sipas_test');
const store = await openStore(db.url);
await store.useDefinitions(definitions);
const kioskIds = [randomUUID()];
times.clear();
const N = Number(process.argv[2] ?? 50);
const began = performance.now();
let tallyMs = 0;
for (let b = 0; b < N; b++) {
  const items = [];
  for (let i = b * 100; i < (b + 1) * 100; i++) items.push(validItem(sipasResponse(i, kioskIds)));
  await store.ingest({ deviceId: null, receivedAt: new Date().toISOString(), report: null, source: 'import', items });
}
const total = performance.now() - began;
console.log(`batches ${N} total ${total.toFixed(0)} ms = ${(N * 100 / total * 1000).toFixed(0)} /s; per batch ${(total / N).toFixed(1)} ms`);
for (const [k, v] of [...times].sort((a, b) => b[1].ms - a[1].ms)) console.log(`${(v.ms / N).toFixed(2).padStart(8)} ms/batch  n=${v.n}  ${k}`);
await store.close();
await db.cleanup();
