/* The pure parts of the units module: gaps to a target, typed percentages, the report's year, roll-ups. */
import { describe, expect, it } from 'vitest';
import { parseTargetPercent, reportYear, targetGap, UnitTree } from '../../../src/collector/staff-pages';

describe('targetGap', () => {
  const cases: Array<[number | null, number | undefined, ReturnType<typeof targetGap>]> = [
    [80, 78, { target: 78, met: true, gapPp: 2 }],
    [50, 95, { target: 95, met: false, gapPp: -45 }],
    [95, 95, { target: 95, met: true, gapPp: 0 }],
    // Printed as 95,00 %: not called short of 95.
    [94.996, 95, { target: 95, met: true, gapPp: 0 }],
    [94.994, 95, { target: 95, met: false, gapPp: -0.01 }],
    [97.25, 97.5, { target: 97.5, met: false, gapPp: -0.25 }],
    [null, 95, null],
    [90, undefined, null],
  ];
  for (const [percent, target, expected] of cases) it(`gives ${JSON.stringify(expected)} for ${percent} against ${target}`, () => expect(targetGap(percent, target)).toEqual(expected));
});

describe('parseTargetPercent', () => {
  const cases: Array<[string, ReturnType<typeof parseTargetPercent>]> = [
    ['97,5', { ok: true, value: 97.5 }],
    ['97.5 %', { ok: true, value: 97.5 }],
    ['  ', { ok: true, value: undefined }],
    ['100', { ok: true, value: 100 }],
    ['100.01', { ok: false }],
    ['95,123', { ok: false }],
    ['-1', { ok: false }],
    ['1e2', { ok: false }],
  ];
  for (const [text, expected] of cases) it(`reads ${JSON.stringify(text)} as ${JSON.stringify(expected)}`, () => expect(parseTargetPercent(text)).toEqual(expected));
});

describe('reportYear', () => {
  it('takes the end of the period, else the period key, else its start, else the Vietnam year it is made in', () => {
    expect(reportYear({ from: '2024-12-01', to: '2025-01-31' }, '2026-01-01T00:00:00Z')).toBe(2025);
    expect(reportYear({ period: '2024-Q3' }, '2026-01-01T00:00:00Z')).toBe(2024);
    expect(reportYear({ from: '2023-05-01' }, '2026-01-01T00:00:00Z')).toBe(2023);
    // 31/12/2025 20:00 UTC is already 2026 in Vietnam.
    expect(reportYear({}, '2025-12-31T20:00:00Z')).toBe(2026);
  });
});

describe('UnitTree', () => {
  const tree = new UnitTree({
    units: [
      { code: 'BN', name: 'Tỉnh Bắc Ninh', parentCode: null, kind: 'province' },
      { code: 'TT', name: 'Trung tâm', parentCode: 'BN', kind: 'centre' },
      { code: 'CN', name: 'Chi nhánh', parentCode: 'TT', kind: 'branch' },
      { code: 'XA', name: 'Xã A', parentCode: 'BN', kind: 'commune' },
    ],
    counters: [
      { unitCode: 'TT', code: 'Q1', name: 'Quầy 1' },
      { unitCode: 'CN', code: 'Q1', name: 'Quầy 1 chi nhánh' },
      { unitCode: 'XA', code: 'Q1', name: 'Quầy xã' },
    ],
  });
  it('rolls a unit up with everything below it, and names places, bare codes only when unknown', () => {
    expect(tree.descendantUnits('TT')).toEqual(['TT', 'CN']);
    expect(tree.descendantCounters('TT').map((c) => c.name)).toEqual(['Quầy 1', 'Quầy 1 chi nhánh']);
    expect(tree.descendantCounters('BN')).toHaveLength(3);
    expect(tree.descendantUnits('NOPE')).toEqual([]);
    expect(tree.displayName('CN')).toBe('Chi nhánh');
    expect(tree.displayName('DEMO')).toBe('DEMO');
    expect(tree.counterName('CN', 'Q1')).toBe('Quầy 1 chi nhánh');
    expect(tree.standing('CN', 'Q2')).toBe('unknownCounter');
    expect(tree.standing('DEMO', 'Q1')).toBe('unknownUnit');
    expect(tree.flatten().map((n) => `${n.depth}:${n.unit.code}`)).toEqual(['0:BN', '1:TT', '2:CN', '1:XA']);
  });
});
