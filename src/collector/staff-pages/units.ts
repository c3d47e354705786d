/*
 * The unit tree and the targets as the report and the staff pages read them: names instead of codes,
 * the units and counters below a unit (roll-ups), the target that applies to a unit in a year
 * (inherited up the tree), the gap of a figure to it, and the tree as CSV both ways.
 */
import { CSV_BOM, csvLine } from '../../shared/csv';
import { vietnamDay } from '../../shared/l10n';
import { COUNTER_KIND, TARGET_FIGURES, type CounterRecord, type TargetFigure, type TargetRecord, type UnitInput, type UnitRecord, type UnitStore, type UnitTreeRecords } from '../stores';

/** A unit with what hangs below it. */
export interface UnitNode {
  unit: UnitRecord;
  /** 0 for a root. */
  depth: number;
  children: UnitNode[];
  counters: CounterRecord[];
}

/** How a place (a response's or a device's agency and counter codes) stands against the tree. */
export type PlaceStanding = 'inTree' | 'unknownUnit' | 'unknownCounter';

/** The tree, read once, with the look-ups the pages and the report need. */
export class UnitTree {
  readonly roots: UnitNode[] = [];
  private readonly nodes = new Map<string, UnitNode>();
  private readonly counterNames = new Map<string, string>();

  constructor(readonly records: UnitTreeRecords) {
    for (const unit of records.units) this.nodes.set(unit.code, { unit, depth: 0, children: [], counters: [] });
    for (const node of this.nodes.values()) {
      const parent = node.unit.parentCode === null ? undefined : this.nodes.get(node.unit.parentCode);
      if (parent) parent.children.push(node);
      else this.roots.push(node);
    }
    for (const counter of records.counters) {
      this.nodes.get(counter.unitCode)?.counters.push(counter);
      this.counterNames.set(counterKey(counter.unitCode, counter.code), counter.name);
    }
    const byName = (a: UnitNode, b: UnitNode) => a.unit.name.localeCompare(b.unit.name, 'vi') || a.unit.code.localeCompare(b.unit.code);
    const setDepth = (node: UnitNode, depth: number) => {
      node.depth = depth;
      node.children.sort(byName);
      for (const child of node.children) setDepth(child, depth + 1);
    };
    this.roots.sort(byName);
    for (const root of this.roots) setDepth(root, 0);
  }

  /** Is the tree empty (a collector that has not set one up: places are free codes, as before units)? */
  get isEmpty(): boolean {
    return this.nodes.size === 0;
  }

  /** The unit of a code, if the tree has it. */
  unit(code: string): UnitRecord | undefined {
    return this.nodes.get(code)?.unit;
  }

  /** The name of a unit; its bare code only when the tree does not have it. */
  displayName(code: string): string {
    return this.nodes.get(code)?.unit.name ?? code;
  }

  /** The name of a counter of a unit; its bare code only when the tree does not have it. */
  counterName(unitCode: string, counterCode: string): string {
    return this.counterNames.get(counterKey(unitCode, counterCode)) ?? counterCode;
  }

  /** Where a place stands: both codes in the tree, or which one is missing. */
  standing(agencyCode: string, counterCode: string): PlaceStanding {
    if (!this.nodes.has(agencyCode)) return 'unknownUnit';
    return this.counterNames.has(counterKey(agencyCode, counterCode)) ? 'inTree' : 'unknownCounter';
  }

  /** Every unit, depth first, children by name: the indented list. */
  flatten(): UnitNode[] {
    const out: UnitNode[] = [];
    const walk = (node: UnitNode) => {
      out.push(node);
      node.children.forEach(walk);
    };
    this.roots.forEach(walk);
    return out;
  }

  /** The unit and every unit below it (codes), depth first; empty when unknown. A report of a unit rolls these up. */
  descendantUnits(code: string): string[] {
    const node = this.nodes.get(code);
    if (!node) return [];
    const out: string[] = [];
    const walk = (n: UnitNode) => {
      out.push(n.unit.code);
      n.children.forEach(walk);
    };
    walk(node);
    return out;
  }

  /** The counters of the unit and of every unit below it. */
  descendantCounters(code: string): CounterRecord[] {
    return this.descendantUnits(code).flatMap((c) => this.nodes.get(c)!.counters);
  }

  /** The unit's ancestors, nearest first (the unit itself not included). */
  ancestors(code: string): UnitRecord[] {
    const out: UnitRecord[] = [];
    let at = this.nodes.get(code)?.unit.parentCode ?? null;
    // The store refuses cycles; the bound only keeps a damaged database from hanging a page.
    while (at !== null && out.length <= this.nodes.size) {
      const unit = this.nodes.get(at)?.unit;
      if (!unit) break;
      out.push(unit);
      at = unit.parentCode;
    }
    return out;
  }

  /** The unit's path from the root, as names ("Tỉnh Bắc Ninh › Trung tâm PVHCC"). */
  path(code: string): string {
    return [...this.ancestors(code).reverse().map((u) => u.name), this.displayName(code)].join(' › ');
  }
}

const counterKey = (unitCode: string, code: string) => `${unitCode}\u0000${code}`;

/** Reads the tree from the store. */
export async function unitTree(store: Pick<UnitStore, 'listUnitTree'>): Promise<UnitTree> {
  return new UnitTree(await store.listUnitTree());
}

// ── Targets ──

/** One figure's target: the value and where it was set (a unit's code, or null: province-wide). */
export interface TargetValue {
  value: number;
  setOn: string | null;
}

/** The targets that apply to a unit in a year, per figure; a figure nobody set is absent. */
export type AppliedTargets = Partial<Record<TargetFigure, TargetValue>>;

/** The targets of every year, resolved against the tree. */
export class Targets {
  private readonly byKey = new Map<string, TargetRecord>();

  constructor(
    private readonly tree: UnitTree,
    readonly records: readonly TargetRecord[],
  ) {
    for (const record of records) this.byKey.set(targetKey(record.year, record.unitCode), record);
  }

  /**
   * The target of each figure for a unit (null: the province) in a year: the unit's own, else its
   * nearest ancestor's that sets that figure, else the province-wide one. Figure by figure, so a unit
   * can set only the component it is held to and inherit the rest. A counter has its unit's.
   */
  targetFor(unitCode: string | null, year: number): AppliedTargets {
    const chain = unitCode === null ? [] : [unitCode, ...this.tree.ancestors(unitCode).map((u) => u.code)];
    const applied: AppliedTargets = {};
    for (const figure of TARGET_FIGURES) {
      for (const setOn of [...chain, null]) {
        const value = this.byKey.get(targetKey(year, setOn))?.figures[figure];
        if (value !== undefined) {
          applied[figure] = { value, setOn };
          break;
        }
      }
    }
    return applied;
  }

  /** The record set on a unit (or the province) for a year, if any. */
  own(unitCode: string | null, year: number): TargetRecord | undefined {
    return this.byKey.get(targetKey(year, unitCode));
  }

  /** The years that have any target, newest first. */
  years(): number[] {
    return [...new Set(this.records.map((r) => r.year))].sort((a, b) => b - a);
  }
}

const targetKey = (year: number, unitCode: string | null) => `${year}\u0000${unitCode ?? ''}`;

/** Reads the targets from the store, resolved against a tree. */
export async function loadTargets(store: Pick<UnitStore, 'listTargets'>, tree: UnitTree): Promise<Targets> {
  return new Targets(tree, await store.listTargets());
}

/** A figure against its target: met or not, and the gap in percentage points (figure minus target). */
export interface TargetGap {
  target: number;
  met: boolean;
  gapPp: number;
}

/**
 * The gap of a figure to its target, on the figure rounded to the 0.01 point the report prints (so a
 * 94.996 % printed as 95,00 % is not called short of a 95 % target); null without a figure or target.
 */
export function targetGap(percent: number | null, target: number | undefined): TargetGap | null {
  if (percent === null || target === undefined) return null;
  const gapPp = Math.round((percent - target) * 100) / 100;
  return { target, met: gapPp >= 0, gapPp: Object.is(gapPp, -0) ? 0 : gapPp };
}

/** The figure of a component number (1–5) among the target figures. */
export function componentFigure(component: number): TargetFigure | undefined {
  return component >= 1 && component <= 5 ? (`c${component}` as TargetFigure) : undefined;
}

/**
 * The year whose targets a report is held to: the year its period ends in (Vietnam time) or its
 * period key names, else the year it starts in, else the year it is made in. A period over several years is judged by its last.
 */
export function reportYear(query: { from?: string; to?: string; period?: string }, generatedAt: string): number {
  // A period key (2026-03, 2026-Q1, 2026) starts with its year.
  const day = query.to ?? query.period ?? query.from ?? vietnamDay(generatedAt);
  return Number(day.slice(0, 4));
}

/** Reads a target percentage typed by staff: blank is "not set"; "97,5" and "97.5" both read 97.5. */
export function parseTargetPercent(text: string): { ok: true; value: number | undefined } | { ok: false } {
  const trimmed = text.trim().replace(/\s*%$/, '');
  if (trimmed === '') return { ok: true, value: undefined };
  if (!/^\d{1,3}(?:[.,]\d{1,2})?$/.test(trimmed)) return { ok: false };
  const value = Number(trimmed.replace(',', '.'));
  return value >= 0 && value <= 100 ? { ok: true, value } : { ok: false };
}

/** Years a target may be set for. */
export const TARGET_YEAR_MIN = 2017;
export const TARGET_YEAR_MAX = 2100;

// ── The tree as CSV ──

/** The columns of the tree's CSV, in order; `kind` is optional on import. */
export const UNIT_CSV_COLUMNS = ['code', 'name', 'parent_code', 'kind'] as const;

/** Largest unit CSV accepted, in bytes. */
export const MAX_UNIT_CSV_BYTES = 2 * 1024 * 1024;

/** The tree as CSV (BOM, CRLF, formulas neutralised): units depth first, each followed by its counters. */
export function unitTreeCsv(tree: UnitTree): string {
  let out = CSV_BOM + csvLine(UNIT_CSV_COLUMNS);
  for (const node of tree.flatten()) {
    out += csvLine([node.unit.code, node.unit.name, node.unit.parentCode ?? '', node.unit.kind]);
    for (const counter of node.counters) out += csvLine([counter.code, counter.name, node.unit.code, COUNTER_KIND]);
  }
  return out;
}

/** What reading a unit CSV gave: the rows as inputs, or what is wrong with the file itself. */
export type UnitCsvRead = { ok: true; inputs: UnitInput[] } | { ok: false; problem: 'empty' | 'header' | 'quotes'; detail: string };

/**
 * Reads a unit CSV: comma or semicolon separated (Excel with Vietnamese regional settings saves with
 * ';'), with or without a BOM; a header row naming at least code, name and parent_code (also accepted:
 * ma, ten, ma_cha, loai — the Vietnamese heads without diacritics). Blank lines are skipped; row
 * numbers count the header as row 1, as a spreadsheet shows them. A leading "'" that our own export
 * put before a formula-like text is taken off again.
 */
export function readUnitCsv(text: string): UnitCsvRead {
  const body = text.startsWith(CSV_BOM) ? text.slice(1) : text;
  const firstLine = body.split(/\r?\n/, 1)[0] ?? '';
  const separator = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const rows = parseCsv(body, separator);
  if (rows === null) return { ok: false, problem: 'quotes', detail: '' };
  const nonBlank = rows.filter((r) => r.cells.some((c) => c.trim() !== ''));
  if (nonBlank.length === 0) return { ok: false, problem: 'empty', detail: '' };
  const [header, ...data] = nonBlank;
  const aliases: Record<string, (typeof UNIT_CSV_COLUMNS)[number]> = { code: 'code', ma: 'code', name: 'name', ten: 'name', parent_code: 'parent_code', parent: 'parent_code', ma_cha: 'parent_code', kind: 'kind', loai: 'kind' };
  const index = new Map<string, number>();
  header.cells.forEach((cell, i) => {
    const column = aliases[cell.trim().toLowerCase().replace(/[\s-]+/g, '_')];
    if (column && !index.has(column)) index.set(column, i);
  });
  const missing = (['code', 'name', 'parent_code'] as const).filter((c) => !index.has(c));
  if (missing.length > 0) return { ok: false, problem: 'header', detail: missing.join(', ') };
  const cell = (cells: string[], column: (typeof UNIT_CSV_COLUMNS)[number]) => {
    const at = index.get(column);
    const value = at === undefined ? '' : (cells[at] ?? '');
    return /^'[=+\-@\t\r\0]/.test(value) ? value.slice(1) : value;
  };
  return {
    ok: true,
    inputs: data.map((r) => ({ row: r.line, code: cell(r.cells, 'code'), name: cell(r.cells, 'name'), parentCode: cell(r.cells, 'parent_code'), kind: cell(r.cells, 'kind') })),
  };
}

/** RFC 4180 rows with the line each starts on (1-based); null when a quote is never closed. */
function parseCsv(text: string, separator: string): Array<{ line: number; cells: string[] }> | null {
  const rows: Array<{ line: number; cells: string[] }> = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === separator) (cells.push(cell), (cell = ''));
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      rows.push({ line: rowLine, cells });
      (cells = []), (cell = ''), line++, (rowLine = line);
    } else cell += ch;
  }
  if (quoted) return null;
  if (cell !== '' || cells.length > 0) (cells.push(cell), rows.push({ line: rowLine, cells }));
  return rows;
}

// ── Devices against the tree ──

/**
 * Why a device's place is not in the tree, or null when it is or when there is no tree yet. A device
 * outside the tree is accepted with this warning, not refused: a province moving onto units registers
 * tablets before its tree is complete, and the units page lists such devices as "chưa xếp đơn vị".
 */
export function placeOutsideTree(tree: UnitTree, agencyCode: string, counterCode: string): Exclude<PlaceStanding, 'inTree'> | null {
  if (tree.isEmpty) return null;
  const standing = tree.standing(agencyCode, counterCode);
  return standing === 'inTree' ? null : standing;
}
