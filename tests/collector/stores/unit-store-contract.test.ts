/*
 * The UnitStore contract (issue 11): the unit tree and the targets, on SQLite and, with
 * TEST_DATABASE_URL, on PostgreSQL — the same inputs refused with the same problems in both.
 */
import { expect, it } from 'vitest';
import type { UnitInput, UnitProblem } from '../../../src/collector/stores';
import { loadTargets, readUnitCsv, unitTree } from '../../../src/collector/staff-pages';
import { deferCleanups } from '../helpers';
import { describeEachStore } from './store-contract';

const defer = deferCleanups();
const AT = '2026-03-02T02:00:00.000Z';

const u = (code: string, name: string, parentCode: string | null, kind = 'other', row?: number): UnitInput => ({ code, name, parentCode, kind, row });

/** Province → centre → branch, with one counter each on centre and branch, and a department. */
const THREE_LEVELS: UnitInput[] = [
  u('BN', 'Tỉnh Bắc Ninh', null, 'province'),
  u('TTHCC', 'Trung tâm Phục vụ hành chính công tỉnh', 'BN', 'centre'),
  u('CN-TS', 'Chi nhánh Từ Sơn', 'TTHCC', 'branch'),
  u('STP', 'Sở Tư pháp', 'BN', 'department'),
  u('Q1', 'Quầy 1', 'TTHCC', 'counter'),
  u('Q1', 'Quầy 1 (Từ Sơn)', 'CN-TS', 'counter'),
];

describeEachStore('unit store contract', defer, (kit) => {
  it('keeps a tree as written: units by code, counters by unit then code, a counter code reused across units', async () => {
    const store = await kit.open();
    expect(await store.writeUnits(THREE_LEVELS, 'import')).toEqual({ ok: true, units: 4, counters: 2 });
    const tree = await store.listUnitTree();
    expect(tree.units.map((x) => `${x.code}<${x.parentCode ?? '-'}:${x.kind}`)).toEqual(['BN<-:province', 'CN-TS<TTHCC:branch', 'STP<BN:department', 'TTHCC<BN:centre']);
    expect(tree.counters).toEqual([
      { unitCode: 'CN-TS', code: 'Q1', name: 'Quầy 1 (Từ Sơn)' },
      { unitCode: 'TTHCC', code: 'Q1', name: 'Quầy 1' },
    ]);
  });

  it('adds, renames and moves a unit, and refuses to move it under its own descendant', async () => {
    const store = await kit.open();
    await store.writeUnits(THREE_LEVELS, 'import');
    expect(await store.writeUnits([u('TTHCC', 'Trung tâm PVHCC', 'BN', 'other')], 'add')).toEqual({ ok: false, problems: [{ row: null, column: 'code', problem: 'exists', value: 'TTHCC' }] });
    expect((await store.writeUnits([u('XA-DB', '  Phường   Đình Bảng ', 'BN', 'commune')], 'add')).ok).toBe(true);
    expect((await store.writeUnits([u('CN-TS', 'Chi nhánh Từ Sơn mới', 'XA-DB', 'branch')], 'edit')).ok).toBe(true);
    const moved = (await store.listUnitTree()).units.find((x) => x.code === 'CN-TS');
    expect(moved).toEqual({ code: 'CN-TS', name: 'Chi nhánh Từ Sơn mới', parentCode: 'XA-DB', kind: 'branch' });
    expect((await store.listUnitTree()).units.find((x) => x.code === 'XA-DB')?.name).toBe('Phường Đình Bảng');
    // BN is above XA-DB, which is now above CN-TS: BN under CN-TS would be a loop.
    expect(await store.writeUnits([u('BN', 'Tỉnh Bắc Ninh', 'CN-TS', 'province')], 'edit')).toEqual({ ok: false, problems: [{ row: null, column: 'parentCode', problem: 'cycle', value: 'CN-TS' }] });
    expect(await store.writeUnits([u('STP', 'Sở Tư pháp', 'STP', 'department')], 'edit')).toEqual({ ok: false, problems: [{ row: null, column: 'parentCode', problem: 'cycle', value: 'STP' }] });
    expect(await store.writeUnits([u('NOPE', 'Không có', null)], 'edit')).toEqual({ ok: false, problems: [{ row: null, column: 'code', problem: 'notFound', value: 'NOPE' }] });
    expect((await store.listUnitTree()).units.find((x) => x.code === 'BN')?.parentCode).toBeNull();
  });

  const importCases: Array<{ name: string; csv: string; problems: UnitProblem[] }> = [
    { name: 'an unknown parent', csv: 'code,name,parent_code\nBN,Tỉnh Bắc Ninh,\nSTP,Sở Tư pháp,BG\n', problems: [{ row: 3, column: 'parentCode', problem: 'unknownParent', value: 'BG' }] },
    { name: 'a duplicate code', csv: 'code,name,parent_code\nBN,Tỉnh Bắc Ninh,\nBN,Bắc Ninh lần hai,\n', problems: [{ row: 3, column: 'code', problem: 'duplicateCode', value: 'BN' }] },
    { name: 'a duplicate counter of one unit', csv: 'code,name,parent_code,kind\nBN,Tỉnh,,province\nQ1,Quầy 1,BN,counter\nQ1,Quầy một,BN,counter\n', problems: [{ row: 4, column: 'code', problem: 'duplicateCode', value: 'Q1' }] },
    { name: 'a cycle inside the file', csv: 'code,name,parent_code\nA,Đơn vị A,B\nB,Đơn vị B,A\n', problems: [{ row: 2, column: 'parentCode', problem: 'cycle', value: 'B' }, { row: 3, column: 'parentCode', problem: 'cycle', value: 'A' }] },
    { name: 'a bad code', csv: 'code,name,parent_code\nsở tư pháp,Sở Tư pháp,\n', problems: [{ row: 2, column: 'code', problem: 'badCode', value: 'sở tư pháp' }] },
    { name: 'an empty name', csv: 'code,name,parent_code\nBN,   ,\n', problems: [{ row: 2, column: 'name', problem: 'emptyName', value: '   ' }] },
    { name: 'a code too long', csv: `code,name,parent_code\n${'A'.repeat(33)},Tên,\n`, problems: [{ row: 2, column: 'code', problem: 'tooLong', value: 'A'.repeat(33) }] },
    { name: 'a name too long', csv: `code,name,parent_code\nBN,${'Tên '.repeat(60)},\n`, problems: [{ row: 2, column: 'name', problem: 'tooLong', value: 'Tên '.repeat(60).trim().slice(0, 100) }] },
    { name: 'an unknown kind', csv: 'code,name,parent_code,kind\nBN,Tỉnh,,tinh\n', problems: [{ row: 2, column: 'kind', problem: 'badKind', value: 'tinh' }] },
    { name: 'a counter without a unit', csv: 'code,name,parent_code,kind\nQ1,Quầy 1,,counter\n', problems: [{ row: 2, column: 'parentCode', problem: 'counterNeedsUnit', value: '' }] },
  ];
  for (const c of importCases) {
    it(`refuses a CSV import with ${c.name}, naming row and column, and writes none of its rows`, async () => {
      const store = await kit.open();
      const read = readUnitCsv(c.csv);
      if (!read.ok) throw new Error(`unreadable: ${read.problem}`);
      expect(await store.writeUnits(read.inputs, 'import')).toEqual({ ok: false, problems: c.problems });
      expect(await store.listUnitTree()).toEqual({ units: [], counters: [] });
    });
  }

  it('imports a semicolon CSV with a BOM whose children come before their parents, and updates codes already there', async () => {
    const store = await kit.open();
    await store.writeUnits([u('BN', 'Bắc Ninh (cũ)', null, 'province')], 'add');
    const read = readUnitCsv('\uFEFFma;ten;ma_cha;loai\r\nQ1;Quầy 1;TTHCC;counter\r\nTTHCC;"Trung tâm; PVHCC";BN;centre\r\n\r\nBN;Tỉnh Bắc Ninh;;province\r\n');
    if (!read.ok) throw new Error(read.problem);
    expect(read.inputs.map((i) => i.row)).toEqual([2, 3, 5]);
    expect(await store.writeUnits(read.inputs, 'import')).toEqual({ ok: true, units: 2, counters: 1 });
    const tree = await unitTree(store);
    expect(tree.path('TTHCC')).toBe('Tỉnh Bắc Ninh › Trung tâm; PVHCC');
    expect(tree.counterName('TTHCC', 'Q1')).toBe('Quầy 1');
  });

  it('inherits targets figure by figure over a three-level tree: own, nearest ancestor, then the province, per year', async () => {
    const store = await kit.open();
    await store.writeUnits(THREE_LEVELS, 'import');
    expect(await store.setTarget({ year: 2025, unitCode: null, figures: { overall: 95, c1: 95, c2: 97.5, c3: 97, c4: 98.5, c5: 95.5 }, updatedAt: AT })).toBe(true);
    expect(await store.setTarget({ year: 2025, unitCode: 'TTHCC', figures: { overall: 96, c3: 99 }, updatedAt: AT })).toBe(true);
    expect(await store.setTarget({ year: 2025, unitCode: 'CN-TS', figures: { c3: 90 }, updatedAt: AT })).toBe(true);
    expect(await store.setTarget({ year: 2024, unitCode: null, figures: { overall: 85 }, updatedAt: AT })).toBe(true);
    expect(await store.setTarget({ year: 2025, unitCode: 'NOPE', figures: { overall: 1 }, updatedAt: AT })).toBe(false);
    const tree = await unitTree(store);
    const targets = await loadTargets(store, tree);
    const values = (code: string | null, year: number) => Object.fromEntries(Object.entries(targets.targetFor(code, year)).map(([f, v]) => [f, `${v!.value}@${v!.setOn ?? 'province'}`]));
    expect(values('CN-TS', 2025)).toEqual({ overall: '96@TTHCC', c1: '95@province', c2: '97.5@province', c3: '90@CN-TS', c4: '98.5@province', c5: '95.5@province' });
    expect(values('TTHCC', 2025)).toMatchObject({ overall: '96@TTHCC', c3: '99@TTHCC', c1: '95@province' });
    expect(values('STP', 2025)).toMatchObject({ overall: '95@province', c3: '97@province' });
    expect(values('CN-TS', 2024)).toEqual({ overall: '85@province' });
    expect(values('CN-TS', 2023)).toEqual({});
    // Setting no figure removes the unit's own target: it inherits again.
    expect(await store.setTarget({ year: 2025, unitCode: 'CN-TS', figures: {}, updatedAt: AT })).toBe(true);
    expect((await loadTargets(store, tree)).targetFor('CN-TS', 2025).c3).toEqual({ value: 99, setOn: 'TTHCC' });
    expect((await store.listTargets()).map((t) => `${t.year}:${t.unitCode ?? '-'}`)).toEqual(['2024:-', '2025:-', '2025:TTHCC']);
  });
});
