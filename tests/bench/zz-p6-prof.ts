import pg from 'pg';
import { performance } from 'node:perf_hooks';
const times = new Map<string, { n: number; ms: number }>();
const original = pg.Client.prototype.query;
(pg.Client.prototype as any).query = function (this: any, config: any, values?: any, cb?: any) {
  const text: string = typeof config === 'string' ? config : config?.text ?? config?.cursor?.text ?? 'cursor';
  const key = text.replace(/\s+/g, ' ').trim().slice(0, 50);
  const t0 = performance.now();
  const result = original.call(this, config, values, cb);
  if (result && typeof result.then === 'function') {
    result.then(() => {
      const e = times.get(key) ?? { n: 0, ms: 0 };
      e.n++; e.ms += performance.now() - t0; times.set(key, e);
    }, () => {});
  }
  return result;
};
const { benchStoreIngest } = await import('./store-ingest');
console.log(JSON.stringify(await benchStoreIngest('PostgreSQL', 3000, 100, 4)));
for (const [k, v] of [...times].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) console.log(v.n, Math.round(v.ms), k);
