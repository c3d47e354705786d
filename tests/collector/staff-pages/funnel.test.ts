import { describe, expect, it } from 'vitest';
import { buildReportFunnel, summarizeFunnel, type FleetEntry, type ReportFunnel } from '../../../src/collector/staff-pages';
import type { FunnelRow } from '../../../src/collector';
import type { FunnelDay } from '../../../src/shared/wire';
import { adminCollectors, deferCleanups, makeBatch, makeReport, makeResponse, resultsOf, testDefinition } from '../helpers';

const defer = deferCleanups();
const admin = adminCollectors(defer);

/** 09:00 in Vietnam on 2 March 2026. */
const CLOCK = new Date('2026-03-02T02:00:00.000Z');

function day(overrides: Partial<FunnelDay> = {}): FunnelDay {
  return { day: '2026-03-02', definitionId: 'sipas-test', definitionVersion: 1, started: 10, completed: 5, completedByTimeout: 2, abandoned: { TC2: 2, KQ1: 1 }, ...overrides };
}

function row(overrides: Partial<FunnelRow> = {}): FunnelRow {
  return { day: '2026-03-02', agencyCode: 'A', counterCode: 'Q1', definitionId: 'sipas-test', definitionVersion: 1, started: 0, completed: 0, completedByTimeout: 0, abandoned: {}, ...overrides };
}

describe('summarizeFunnel', () => {
  it.each([
    ['nothing started', { started: 0, completed: 0, completedByTimeout: 0, abandoned: {} }, { abandoned: 0, unaccounted: 0, completionRate: null }],
    ['all sent', { started: 4, completed: 4, completedByTimeout: 0, abandoned: {} }, { abandoned: 0, unaccounted: 0, completionRate: 1 }],
    ['timeouts count as completed', { started: 4, completed: 1, completedByTimeout: 2, abandoned: { TC1: 1 } }, { abandoned: 1, unaccounted: 0, completionRate: 0.75 }],
    ['some still on screen', { started: 5, completed: 1, completedByTimeout: 0, abandoned: { TC1: 1, CC1: 1 } }, { abandoned: 2, unaccounted: 2, completionRate: 0.2 }],
  ])('%s', (_case, totals, expected) => {
    expect(summarizeFunnel(totals)).toMatchObject(expected);
  });
});

describe('buildReportFunnel', () => {
  const definition = testDefinition();

  it('walks the questions in the definition’s order: reached is started minus those who left earlier', () => {
    const funnel = buildReportFunnel(
      [row({ started: 6, completed: 3, completedByTimeout: 1, abandoned: { TC2: 1 } }), row({ day: '2026-03-03', started: 4, completed: 1, completedByTimeout: 1, abandoned: { TC2: 1, KQ1: 1 } })],
      definition,
      { version: 1, query: {} },
    );
    expect(funnel).toMatchObject({ started: 10, completed: 4, completedByTimeout: 2, abandoned: 3, unaccounted: 1, completionRate: 0.6, completedShare: 0.4, completedByTimeoutShare: 0.2, abandonedShare: 0.3 });
    expect(funnel.steps.map((s) => [s.questionId, s.reached, s.abandoned])).toEqual([
      ['TC1', 10, 0],
      ['TC2', 10, 2],
      ['TT1', 8, 0],
      ['CC1', 8, 0],
      ['KQ1', 8, 1],
      ['PA0', 7, 0],
      ['PA1', 7, 0],
      ['COMMENT', 7, 0],
    ]);
    expect(funnel.steps[0].text).toEqual({ vi: 'Câu TC1', en: 'Item TC1' });
  });

  it('lists questions only another version had after the definition’s own', () => {
    const funnel = buildReportFunnel([row({ started: 2, abandoned: { OLD9: 1, TC1: 1 } })], definition, { version: 'all', query: {} });
    expect(funnel.steps.at(-1)).toEqual({ questionId: 'OLD9', text: null, reached: 1, abandoned: 1, reachedShare: 0.5, abandonedShare: 0.5 });
    expect(funnel.definitionVersion).toBe('all');
  });

  it('says when a service-field filter could not narrow it', () => {
    expect(buildReportFunnel([], definition, { version: 1, query: { field: 'land' } }).ignoresServiceField).toBe(true);
  });
});

describe('fleet view: the funnel per device', () => {
  it('shows the last seven days’ counts and the completion rate, leaving older days out', async () => {
    const c = await admin({ now: () => CLOCK });
    resultsOf(await c.submit(makeBatch([makeResponse()], makeReport({ funnel: [day({ day: '2026-02-23', started: 100, completed: 100 }), day(), day({ day: '2026-02-24', started: 2, completed: 1, completedByTimeout: 0, abandoned: {} })], funnelLost: 3 }))));
    const [entry] = (JSON.parse((await c.get('/api/v1/admin/fleet')).body) as { devices: FleetEntry[] }).devices;
    expect(entry.funnel).toEqual({ fromDay: '2026-02-24', toDay: '2026-03-02', started: 12, completed: 6, completedByTimeout: 2, abandoned: 3, unaccounted: 1, completionRate: 8 / 12 });

    const page = (await c.get('/admin/fleet')).body;
    expect(page).toContain('Lượt khảo sát 7 ngày qua');
    expect(page).toContain('Tỷ lệ hoàn thành: 66,7%');
    expect(page).toContain('Bắt đầu: 12');
    expect(page).toContain('Người dân bấm Gửi: 6');
    expect(page).toContain('Tự lưu khi người dân rời đi (đã xong phần chấm điểm): 2');
    expect(page).toContain('Bỏ dở trước khi xong phần chấm điểm: 3');
    expect(page).toContain('3 lượt máy không ghi được');
    expect((await c.get('/admin/fleet?lang=en')).body).toContain('Completion rate: 66.7%');
  });

  it('says a device has sent no counts yet', async () => {
    const c = await admin({ now: () => CLOCK });
    resultsOf(await c.submit(makeBatch([makeResponse()])));
    const [entry] = (JSON.parse((await c.get('/api/v1/admin/fleet')).body) as { devices: FleetEntry[] }).devices;
    expect(entry.funnel).toBeUndefined();
    expect((await c.get('/admin/fleet')).body).toContain('Máy chưa gửi số lượt');
  });
});

describe('report: the funnel for the report’s filters', () => {
  it('is in the report’s JSON, per question in order, and narrowed by period and counter', async () => {
    const c = await admin({ now: () => CLOCK });
    resultsOf(await c.submit(makeBatch([makeResponse()], makeReport({ funnel: [day(), day({ day: '2026-03-01', started: 1, completed: 1, completedByTimeout: 0, abandoned: {} })] }))));
    const json = JSON.parse((await c.get('/api/v1/admin/report?definition=sipas-test&from=2026-03-02&to=2026-03-02')).body) as { responses: number; funnel: ReportFunnel };
    expect(json.funnel).toMatchObject({ definitionId: 'sipas-test', definitionVersion: 1, fromDay: '2026-03-02', toDay: '2026-03-02', started: 10, completed: 5, completedByTimeout: 2, abandoned: 3 });
    expect(json.funnel.steps.filter((s) => s.abandoned > 0).map((s) => [s.questionId, s.reached, s.abandoned])).toEqual([
      ['TC2', 10, 2],
      ['KQ1', 8, 1],
    ]);
    const other = JSON.parse((await c.get('/api/v1/admin/report?definition=sipas-test&counter=ELSEWHERE')).body) as { funnel: ReportFunnel };
    expect(other.funnel.started).toBe(0);
  });

  it('renders the funnel section with counts and shares', async () => {
    const c = await admin({ now: () => CLOCK });
    resultsOf(await c.submit(makeBatch([makeResponse()], makeReport({ funnel: [day()] }))));
    const page = (await c.get('/admin/report?definition=sipas-test')).body;
    expect(page).toContain('Số người dừng lại ở từng câu (phễu khảo sát)');
    expect(page).toContain('10 lượt bắt đầu · hoàn thành 7 (70,0%)');
    expect(page).toMatch(/Hoàn thành, tự lưu khi hết thời gian chờ \(đã xong phần chấm điểm\)<\/td><td class="num">2<\/td><td class="num">20,0%/);
    expect(page).toMatch(/<tr data-question="TC2"><td><strong>TC2<\/strong> Câu TC2<\/td><td class="num">10<\/td><td class="num">100,0%<\/td><td class="num">2<\/td><td class="num">20,0%<\/td><\/tr>/);
    expect(page).toMatch(/<tr data-question="TT1">.*?<td class="num">8<\/td><td class="num">80,0%<\/td><td class="num">0<\/td>/);
  });

  it('says so when nothing was counted', async () => {
    const c = await admin({ now: () => CLOCK });
    resultsOf(await c.submit(makeBatch([makeResponse()])));
    expect((await c.get('/admin/report?definition=sipas-test&lang=en')).body).toContain('No surveys counted for these filters yet.');
  });
});
