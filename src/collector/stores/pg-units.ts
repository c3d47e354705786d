import type pg from 'pg';
import { inTransaction, type Queryable } from './pg-pool';
import { hasFigures, targetColumns, toTarget, type TargetRow } from './sqlite-units';
import type { CounterRecord, UnitKind, UnitStore, UnitTreeRecords } from './store';
import { planUnitWrite } from './unit-rules';

async function readTree(q: Queryable): Promise<UnitTreeRecords> {
  const units = await q.query<{ code: string; name: string; parentCode: string | null; kind: UnitKind }>(
    'SELECT code, name, parent_code AS "parentCode", kind FROM units ORDER BY code',
  );
  const counters = await q.query<CounterRecord>('SELECT unit_code AS "unitCode", code, name FROM unit_counters ORDER BY unit_code, code');
  return { units: units.rows, counters: counters.rows };
}

/** The unit tree and target queries over a PostgreSQL pool (the semantics of sqliteUnitStore). */
export function pgUnitStore(pool: pg.Pool): UnitStore {
  return {
    listUnitTree() {
      return readTree(pool);
    },
    async writeUnits(inputs, mode) {
      return inTransaction(pool, async (client) => {
        // One writer of the tree at a time, across collector processes: the check holds until the commit.
        // (Readers are not blocked: EXCLUSIVE mode still lets SELECTs through.)
        await client.query('LOCK TABLE units, unit_counters IN EXCLUSIVE MODE');
        const plan = planUnitWrite(await readTree(client), inputs, mode);
        if (!plan.ok) return plan;
        if (plan.units.length > 0) {
          await client.query(
            `INSERT INTO units (code, name, parent_code, kind)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent_code = excluded.parent_code, kind = excluded.kind`,
            [plan.units.map((u) => u.code), plan.units.map((u) => u.name), plan.units.map((u) => u.parentCode), plan.units.map((u) => u.kind)],
          );
        }
        if (plan.counters.length > 0) {
          await client.query(
            `INSERT INTO unit_counters (unit_code, code, name)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
             ON CONFLICT (unit_code, code) DO UPDATE SET name = excluded.name`,
            [plan.counters.map((c) => c.unitCode), plan.counters.map((c) => c.code), plan.counters.map((c) => c.name)],
          );
        }
        return { ok: true as const, units: plan.units.length, counters: plan.counters.length };
      });
    },
    async listTargets() {
      const { rows } = await pool.query<TargetRow>('SELECT year, unit_code, overall, c1, c2, c3, c4, c5, updated_at FROM targets ORDER BY year, unit_code');
      return rows.map(toTarget);
    },
    async setTarget(target) {
      return inTransaction(pool, async (client) => {
        const unitCode = target.unitCode ?? '';
        if (target.unitCode !== null) {
          // FOR SHARE: the unit cannot vanish between this check and the write (units are never deleted today, but the check should not rely on it).
          const found = await client.query('SELECT 1 FROM units WHERE code = $1 FOR SHARE', [target.unitCode]);
          if (found.rowCount === 0) return false;
        }
        if (hasFigures(target)) {
          await client.query(
            `INSERT INTO targets (year, unit_code, overall, c1, c2, c3, c4, c5, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (year, unit_code) DO UPDATE SET overall = excluded.overall, c1 = excluded.c1, c2 = excluded.c2,
               c3 = excluded.c3, c4 = excluded.c4, c5 = excluded.c5, updated_at = excluded.updated_at`,
            [target.year, unitCode, ...targetColumns(target), target.updatedAt],
          );
        } else {
          await client.query('DELETE FROM targets WHERE year = $1 AND unit_code = $2', [target.year, unitCode]);
        }
        return true;
      });
    },
  };
}
