import type Database from 'better-sqlite3';
import { TARGET_FIGURES, type CounterRecord, type TargetFigure, type TargetRecord, type UnitKind, type UnitRecord, type UnitStore, type UnitTreeRecords } from './store';
import { planUnitWrite } from './unit-rules';

/** A `targets` row as both dialects return it. */
export interface TargetRow {
  year: number;
  unit_code: string;
  overall: number | null;
  c1: number | null;
  c2: number | null;
  c3: number | null;
  c4: number | null;
  c5: number | null;
  updated_at: string;
}

/** A targets row as a record: unit '' is the province-wide target, NULL figures are left out (inherited). */
export function toTarget(row: TargetRow): TargetRecord {
  const figures: Partial<Record<TargetFigure, number>> = {};
  for (const figure of TARGET_FIGURES) if (row[figure] !== null) figures[figure] = row[figure];
  return { year: row.year, unitCode: row.unit_code === '' ? null : row.unit_code, figures, updatedAt: row.updated_at };
}

/** A target's figures in column order (NULL where not set). */
export function targetColumns(target: TargetRecord): Array<number | null> {
  return TARGET_FIGURES.map((figure) => target.figures[figure] ?? null);
}

/** Does a target set any figure? One that sets none is removed rather than stored empty. */
export function hasFigures(target: TargetRecord): boolean {
  return TARGET_FIGURES.some((figure) => target.figures[figure] !== undefined);
}

interface UnitRow {
  code: string;
  name: string;
  parent_code: string | null;
  kind: string;
}

const toUnit = (row: UnitRow): UnitRecord => ({ code: row.code, name: row.name, parentCode: row.parent_code, kind: row.kind as UnitKind });

/** The unit tree and target queries over one SQLite connection. */
export function sqliteUnitStore(db: Database.Database): UnitStore {
  const statements = {
    units: db.prepare<[], UnitRow>('SELECT code, name, parent_code, kind FROM units ORDER BY code'),
    counters: db.prepare<[], CounterRecord>('SELECT unit_code AS unitCode, code, name FROM unit_counters ORDER BY unit_code, code'),
    putUnit: db.prepare(
      `INSERT INTO units (code, name, parent_code, kind) VALUES (@code, @name, @parentCode, @kind)
       ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent_code = excluded.parent_code, kind = excluded.kind`,
    ),
    putCounter: db.prepare(
      `INSERT INTO unit_counters (unit_code, code, name) VALUES (@unitCode, @code, @name)
       ON CONFLICT (unit_code, code) DO UPDATE SET name = excluded.name`,
    ),
    targets: db.prepare<[], TargetRow>('SELECT * FROM targets ORDER BY year, unit_code'),
    unitExists: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM units WHERE code = ?'),
    putTarget: db.prepare(
      `INSERT INTO targets (year, unit_code, overall, c1, c2, c3, c4, c5, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (year, unit_code) DO UPDATE SET overall = excluded.overall, c1 = excluded.c1, c2 = excluded.c2,
         c3 = excluded.c3, c4 = excluded.c4, c5 = excluded.c5, updated_at = excluded.updated_at`,
    ),
    deleteTarget: db.prepare('DELETE FROM targets WHERE year = ? AND unit_code = ?'),
  };
  const readTree = (): UnitTreeRecords => ({ units: statements.units.all().map(toUnit), counters: statements.counters.all() });

  return {
    async listUnitTree() {
      return readTree();
    },
    async writeUnits(inputs, mode) {
      // IMMEDIATE: the tree is read under the write lock, so the check holds until the commit.
      return db
        .transaction(() => {
          const plan = planUnitWrite(readTree(), inputs, mode);
          if (!plan.ok) return plan;
          for (const unit of plan.units) statements.putUnit.run(unit);
          for (const counter of plan.counters) statements.putCounter.run(counter);
          return { ok: true as const, units: plan.units.length, counters: plan.counters.length };
        })
        .immediate();
    },
    async listTargets() {
      return statements.targets.all().map(toTarget);
    },
    async setTarget(target) {
      return db
        .transaction(() => {
          const unitCode = target.unitCode ?? '';
          if (target.unitCode !== null && statements.unitExists.get(target.unitCode)!.n === 0) return false;
          if (hasFigures(target)) statements.putTarget.run(target.year, unitCode, ...targetColumns(target), target.updatedAt);
          else statements.deleteTarget.run(target.year, unitCode);
          return true;
        })
        .immediate();
    },
  };
}
