/*
 * The unit tree's rules, shared by the SQLite and PostgreSQL stores: each checks a write with
 * planUnitWrite against the tree it read inside the write's own transaction, then writes what the plan
 * says, so both dialects refuse exactly the same inputs with exactly the same problems.
 */
import { isPlaceCode, normalizePlaceName, PLACE_CODE_MAX_LENGTH, PLACE_NAME_MAX_LENGTH } from '../../shared/ids';
import {
  COUNTER_KIND,
  UNIT_KINDS,
  type CounterRecord,
  type UnitInput,
  type UnitKind,
  type UnitProblem,
  type UnitRecord,
  type UnitTreeRecords,
  type UnitWriteMode,
} from './store';

/** Most rows one write (a CSV import) may carry: a province has a few thousand units and counters at most. */
export const MAX_UNIT_ROWS = 10_000;

/** What a checked write changes: units and counters to insert or replace, or the problems. */
export type UnitWritePlan = { ok: true; units: UnitRecord[]; counters: CounterRecord[] } | { ok: false; problems: UnitProblem[] };

const counterKey = (unitCode: string, code: string) => `${unitCode}\u0000${code}`;

/** Checks inputs against the current tree; every problem of every row is listed, in row order. */
export function planUnitWrite(current: UnitTreeRecords, inputs: readonly UnitInput[], mode: UnitWriteMode): UnitWritePlan {
  if (inputs.length > MAX_UNIT_ROWS) return { ok: false, problems: [{ row: null, column: 'code', problem: 'tooManyRows', value: String(inputs.length) }] };
  const problems: UnitProblem[] = [];
  const existingUnits = new Map(current.units.map((u) => [u.code, u]));
  const existingCounters = new Set(current.counters.map((c) => counterKey(c.unitCode, c.code)));
  const units: UnitRecord[] = [];
  const counters: CounterRecord[] = [];
  const seenUnits = new Set<string>();
  const seenCounters = new Set<string>();
  const rowOfUnit = new Map<string, number | null>();

  const parsed = inputs.map((input) => {
    const row = input.row ?? null;
    const code = input.code.trim();
    const name = normalizePlaceName(input.name);
    const parentCode = (input.parentCode ?? '').trim() || null;
    const kindText = input.kind.trim().toLowerCase();
    const problem = (column: UnitProblem['column'], code: UnitProblem['problem'], value: string) => problems.push({ row, column, problem: code, value: value.slice(0, 100) });
    let ok = true;
    if (code.length > PLACE_CODE_MAX_LENGTH) (problem('code', 'tooLong', code), (ok = false));
    else if (!isPlaceCode(code)) (problem('code', 'badCode', code), (ok = false));
    if (name === '') (problem('name', 'emptyName', input.name), (ok = false));
    else if (name.length > PLACE_NAME_MAX_LENGTH) (problem('name', 'tooLong', name), (ok = false));
    if (parentCode !== null && !isPlaceCode(parentCode)) (problem('parentCode', parentCode.length > PLACE_CODE_MAX_LENGTH ? 'tooLong' : 'badCode', parentCode), (ok = false));
    const isCounter = kindText === COUNTER_KIND;
    const kind: UnitKind | undefined = kindText === '' ? 'other' : (UNIT_KINDS as readonly string[]).includes(kindText) ? (kindText as UnitKind) : undefined;
    if (!isCounter && kind === undefined) (problem('kind', 'badKind', input.kind), (ok = false));
    if (isCounter && parentCode === null) (problem('parentCode', 'counterNeedsUnit', ''), (ok = false));
    if (ok && isCounter) {
      const key = counterKey(parentCode!, code);
      if (seenCounters.has(key)) problem('code', 'duplicateCode', code);
      else if (mode === 'add' && existingCounters.has(key)) problem('code', 'exists', code);
      else if (mode === 'edit' && !existingCounters.has(key)) problem('code', 'notFound', code);
      seenCounters.add(key);
    } else if (ok) {
      if (seenUnits.has(code)) problem('code', 'duplicateCode', code);
      else if (mode === 'add' && existingUnits.has(code)) problem('code', 'exists', code);
      else if (mode === 'edit' && !existingUnits.has(code)) problem('code', 'notFound', code);
      seenUnits.add(code);
      rowOfUnit.set(code, row);
    }
    return { ok, row, code, name, parentCode, isCounter, kind };
  });

  // The tree after the write: what parents can be, and whether any unit ends up under itself.
  const parentAfter = new Map<string, string | null>(current.units.map((u) => [u.code, u.parentCode]));
  for (const p of parsed) if (p.ok && !p.isCounter) parentAfter.set(p.code, p.parentCode);
  for (const p of parsed) {
    if (!p.ok) continue;
    if (p.parentCode !== null && !parentAfter.has(p.parentCode)) {
      problems.push({ row: p.row, column: 'parentCode', problem: 'unknownParent', value: p.parentCode });
      continue;
    }
    if (p.isCounter) counters.push({ unitCode: p.parentCode!, code: p.code, name: p.name });
    else units.push({ code: p.code, name: p.name, parentCode: p.parentCode, kind: p.kind! });
  }
  for (const unit of units) {
    if (climbsToItself(unit.code, parentAfter)) problems.push({ row: rowOfUnit.get(unit.code) ?? null, column: 'parentCode', problem: 'cycle', value: unit.parentCode ?? '' });
  }
  if (problems.length > 0) {
    problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
    return { ok: false, problems };
  }
  return { ok: true, units, counters };
}

/** Does walking up from `code` come back to it? (A walk longer than the tree is a cycle too.) */
function climbsToItself(code: string, parentOf: ReadonlyMap<string, string | null>): boolean {
  let at = parentOf.get(code) ?? null;
  for (let steps = 0; at !== null; steps++) {
    if (at === code || steps > parentOf.size) return true;
    at = parentOf.get(at) ?? null;
  }
  return false;
}
