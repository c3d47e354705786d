/*
 * A unit's report rolls its figures up the tree (issue 11 part 1). Tree: province BN → centre TTHCC →
 * commune XA-DB. Two complete sipas-2023 responses in March 2026, one at the centre's own counter and
 * one at the commune's:
 *
 *              TC1 TT1 CC1 KQ1 PA0 PA1
 *   TTHCC/Q1    5   4   5   4  yes  5
 *   XA-DB/Q1    3   2   2   5  yes  4
 *
 * The centre rolled up (both): C1 = 1/2 = 50 %, C2 = 1/2 = 50 %, C3 = 1/2 = 50 %, C4 = 2/2 = 100 %,
 * C5 = 2/2 = 100 %; SIPAS = (50 + 50 + 50 + 100 + 100) / 5 = 70 %.
 * The centre alone (rollup=0, its own counter): every component 100 %, SIPAS 100 %, 1 response.
 * The commune alone: C1–C3 0 %, C4 and C5 100 %; SIPAS = 200 / 5 = 40 %.
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

const TREE_CSV =
  'code,name,parent_code,kind\nBN,Tỉnh Bắc Ninh,,province\nTTHCC,Trung tâm Phục vụ hành chính công tỉnh,BN,centre\nXA-DB,Xã Đông Bình,TTHCC,commune\nQ1,Quầy số 1,TTHCC,counter\nQ1,Quầy xã số 1,XA-DB,counter\n';

function dataset(): SurveyResponse[] {
  const r = (seq: number, agencyCode: string, answers: SurveyResponse['answers']) =>
    makeResponse({ definitionId: 'sipas-2023', definitionVersion: 1, agencyCode, counterCode: 'Q1', seq, completedAt: `2026-03-0${seq}T02:00:00.000Z`, answers, status: 'complete' });
  return [r(1, 'TTHCC', { TC1: 5, TT1: 4, CC1: 5, KQ1: 4, PA0: 'yes', PA1: 5 }), r(2, 'XA-DB', { TC1: 3, TT1: 2, CC1: 2, KQ1: 5, PA0: 'yes', PA1: 4 })];
}

interface ReportJson {
  responses: number;
  percent: number | null;
  components: Array<{ component: number; percent: number | null }>;
}

describe('a unit\'s report rolled up the tree', () => {
  const seeded = async () => {
    const c = await admin({ definitions: [sipas2023], now: () => new Date('2026-04-15T03:00:00.000Z') });
    const imported = await c.post('/admin/units/import', { csv: TREE_CSV });
    expect(imported.statusCode).toBe(303);
    const responses = dataset();
    await seedResponses(c.store, c.deviceId, responses.length, (i) => responses[i]);
    return c;
  };
  const scope = 'definition=sipas-2023&agency=TTHCC&from=2026-03-01&to=2026-03-31';
  const figures = (json: ReportJson) => ({ responses: json.responses, percent: json.percent, components: json.components.map((c) => c.percent) });

  it.each([
    ['rolled up by default: the centre and the commune', '', { responses: 2, percent: 70, components: [50, 50, 50, 100, 100] }],
    ['rollup=0: the centre\'s own counters only', '&rollup=0', { responses: 1, percent: 100, components: [100, 100, 100, 100, 100] }],
  ])('%s', async (_name, extra, expected) => {
    const c = await seeded();
    const json = JSON.parse((await c.get(`/api/v1/admin/report?${scope}${extra}`)).body) as ReportJson;
    expect(figures(json)).toEqual(expected);
  });

  it('a leaf unit (the commune) reports only its own rows, as before roll-ups', async () => {
    const c = await seeded();
    const json = JSON.parse((await c.get('/api/v1/admin/report?definition=sipas-2023&agency=XA-DB')).body) as ReportJson;
    expect(figures(json)).toEqual({ responses: 1, percent: 40, components: [0, 0, 0, 100, 100] });
  });

  it('says by name which units the figures include, with a link to the unit alone, and back', async () => {
    const c = await seeded();
    const text = (body: string) => body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    const rolled = await c.get(`/admin/report?${scope}`);
    expect(rolled.statusCode).toBe(200);
    expect(text(rolled.body)).toContain('Gồm: Trung tâm Phục vụ hành chính công tỉnh, Xã Đông Bình.');
    expect(rolled.body).toMatch(/<a href="\?[^"]*rollup=0[^"]*">Chỉ xem riêng đơn vị này<\/a>/);
    const own = await c.get(`/admin/report?${scope}&rollup=0`);
    expect(text(own.body)).toContain('Chỉ số liệu của riêng Trung tâm Phục vụ hành chính công tỉnh, không gồm các đơn vị trực thuộc.');
    expect(own.body).not.toContain('Gồm:');
    expect(own.body).toMatch(/<a href="\?(?![^"]*rollup)[^"]*">Xem gồm cả các đơn vị trực thuộc<\/a>/);
  });
});
