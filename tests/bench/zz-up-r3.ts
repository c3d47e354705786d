import pg from 'pg';
const c = new pg.Client({ connectionString: 'postgres://sipas:sipas@127.0.0.1:5432/sipas_test' });
await c.connect();
await c.query('CREATE TEMP TABLE tt (k text primary key, tally_json text not null)');
const SUM = (await import('node:fs')).readFileSync('/work/main/src/collector/stores/pg-tallies.ts', 'utf8').match(/const SUM_TALLIES_SQL = `([\s\S]*?)`;/)![1];
const keys = Array.from({ length: 300 }, (_, i) => `k${i}`);
const vals = keys.map(() => JSON.stringify([1, 0, 0, { A: [1, 2, 3, 4, 5, 6, 7] }, { S: 1 }, { F: [1, 1, { x: 1 }] }]));
for (const explain of ['EXPLAIN (ANALYZE, COSTS OFF) ', '', '']) {
  const t0 = Date.now();
  const r = await c.query(`${explain}INSERT INTO tt AS stored (k, tally_json) SELECT t.k, t.j FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(k, j, n) ORDER BY t.n
    ON CONFLICT (k) DO UPDATE SET tally_json = (SELECT ${SUM} FROM (SELECT stored.tally_json::jsonb, excluded.tally_json::jsonb) AS sides(a, b))`, [keys, vals]);
  console.log(Date.now() - t0, 'ms', explain ? r.rows.map((x: any) => x['QUERY PLAN']).join('\n') : '');
}
console.log((await c.query('select tally_json from tt limit 1')).rows[0]);
await c.end();
