/*
 * The report against its targets (issue 11), with hand-computed gaps. Two complete sipas-2023
 * responses at counter Q1 of the branch CN-TS (under the centre TTHCC under the province BN), March 2026:
 *
 *        TC1 TT1 CC1 KQ1 PA0 PA1
 *   R1    5   4   5   4  yes  5
 *   R2    3   4   2   5  yes  4
 *
 *   C1 = TC1 1/2 = 50 %; C2 = TT1 2/2 = 100 %; C3 = CC1 1/2 = 50 %; C4 = KQ1 2/2 = 100 %; C5 = PA1 2/2 = 100 %
 *   SIPAS = (50 + 100 + 50 + 100 + 100) / 5 = 80 %
 *
 * Targets 2026: province 95 / 97.5 / 97 / 98.5 / 95.5 for C1–C5 and 95 overall; TTHCC sets overall 78.
 * CN-TS sets nothing, so it is held to 78 overall (from TTHCC) and the province's components:
 *   overall 80 − 78 = +2.00 met; C1 50 − 95 = −45.00 not met; C2 100 − 97.5 = +2.50 met;
 *   C3 50 − 97 = −47.00 not met; C4 100 − 98.5 = +1.50 met; C5 100 − 95.5 = +4.50 met.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../../src/build/definitions';
import type { SurveyDefinition, SurveyResponse } from '../../../src/shared/survey';
import { adminCollectors, deferCleanups, makeResponse, seedResponses } from '../helpers';

let sipas2023: SurveyDefinition;
beforeAll(() => {
  sipas2023 = loadDefinitionsFromDir(DEFINITIONS_DIR).definitions.find((d) => d.id === 'sipas-2023')!;
});

const defer = deferCleanups();
const admin = adminCollectors(defer);

const TREE_CSV = 'code,name,parent_code,kind\nBN,Tỉnh Bắc Ninh,,province\nTTHCC,Trung tâm Phục vụ hành chính công tỉnh,BN,centre\nCN-TS,Chi nhánh Từ Sơn,TTHCC,branch\nQ1,Quầy tiếp nhận số 1,CN-TS,counter\n';

function dataset(): SurveyResponse[] {
  const r = (seq: number, completedAt: string, answers: SurveyResponse['answers']) =>
    makeResponse({ definitionId: 'sipas-2023', definitionVersion: 1, agencyCode: 'CN-TS', counterCode: 'Q1', seq, completedAt, answers, status: 'complete' });
  return [
    r(1, '2026-03-05T02:00:00.000Z', { TC1: 5, TT1: 4, CC1: 5, KQ1: 4, PA0: 'yes', PA1: 5 }),
    r(2, '2026-03-06T02:00:00.000Z', { TC1: 3, TT1: 4, CC1: 2, KQ1: 5, PA0: 'yes', PA1: 4 }),
  ];
}

describe('the report against its targets', () => {
  it('names the unit and counter, and shows each headline figure with its inherited target, met or not, and the gap in points', async () => {
    const c = await admin({ definitions: [sipas2023], now: () => new Date('2026-04-15T03:00:00.000Z') });
    expect((await c.post('/admin/units/import', { csv: TREE_CSV })).statusCode).toBe(303);
    expect((await c.post('/admin/targets', { year: '2026', unit: '', overall: '95', c1: '95', c2: '97,5', c3: '97', c4: '98,5', c5: '95,5' })).statusCode).toBe(303);
    expect((await c.post('/admin/targets', { year: '2026', unit: 'TTHCC', overall: '78', c1: '', c2: '', c3: '', c4: '', c5: '' })).statusCode).toBe(303);
    const responses = dataset();
    await seedResponses(c.store, c.deviceId, responses.length, (i) => responses[i]);

    const page = await c.get('/admin/report?definition=sipas-2023&agency=CN-TS&counter=Q1&from=2026-03-01&to=2026-03-31');
    expect(page.statusCode).toBe(200);
    const badges = [...page.body.matchAll(/<span class="target (met|missed)" data-target="([\d.]+)" data-gap="(-?[\d.]+)">/g)].map((m) => `${m[2]}:${m[3]}:${m[1]}`);
    expect(badges).toEqual(['78:2:met', '95:-45:missed', '97.5:2.5:met', '97:-47:missed', '98.5:1.5:met', '95.5:4.5:met']);
    const text = page.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain('Mục tiêu 78,00% · ✓ đạt (+2,00 điểm %)');
    expect(text).toContain('Mục tiêu 95,00% · ✗ chưa đạt (−45,00 điểm %)');
    // Names, not codes, in the scope line.
    expect(text).toContain('Chi nhánh Từ Sơn');
    expect(text).toContain('Quầy tiếp nhận số 1');
    // A target mark on each of the five bars, and the overall target across the trend.
    expect(page.body.match(/class="target-line"/g)).toHaveLength(6);
  });

  it('marks a place the tree lacks as not placed in a unit, with its bare code, and shows no badge without targets', async () => {
    const c = await admin({ definitions: [sipas2023], now: () => new Date('2026-04-15T03:00:00.000Z') });
    await c.post('/admin/units/import', { csv: TREE_CSV });
    const responses = dataset().map((r) => ({ ...r, agencyCode: 'DEMO', counterCode: 'UNSET' }));
    await seedResponses(c.store, c.deviceId, responses.length, (i) => responses[i]);
    const page = await c.get('/admin/report?definition=sipas-2023&agency=DEMO');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('DEMO (chưa xếp đơn vị)');
    expect(page.body).not.toContain('class="target ');
    expect(page.body).not.toContain('class="target-line"');
  });
});
