/*
 * The units and targets staff pages (issue 11), signed in over HTTP: the tree indented, add, edit and
 * move (a loop refused), CSV import with per-row problems and nothing written, CSV export, devices not
 * in the tree shown as "chưa xếp đơn vị", targets set and inherited, every change audited.
 */
import { describe, expect, it } from 'vitest';
import { registerDevice } from '../../../src/collector';
import { adminCollectors, deferCleanups } from '../helpers';

const defer = deferCleanups();
const admin = adminCollectors(defer);

const TREE_CSV = 'code,name,parent_code,kind\nBN,Tỉnh Bắc Ninh,,province\nTTHCC,Trung tâm Phục vụ hành chính công tỉnh,BN,centre\nCN-TS,Chi nhánh Từ Sơn,TTHCC,branch\nQ1,Quầy 1,CN-TS,counter\n';

/** The visible text of a page, tags dropped and spaces joined. */
const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&nbsp;|\u00a0/g, ' ').replace(/\s+/g, ' ');

/** The page's one form that posts to `action`, as markup ('' when there is none). */
const postForm = (html: string, action: string) => new RegExp(`<form[^>]*method="post" action="${action}"[^>]*>[\\s\\S]*?</form>`).exec(html)?.[0] ?? '';

/** What a browser submits for a form as served: each named input's value (the fields nobody touches). */
const fieldsOf = (form: string): Record<string, string> =>
  Object.fromEntries([...form.matchAll(/<input[^>]*name="([^"]+)"[^>]*>/g)].map(([tag, name]) => [name, /value="([^"]*)"/.exec(tag)?.[1] ?? '']));

describe('units pages', () => {
  it('imports a tree, lists it indented with names, exports it back as the same CSV, and audits the import', async () => {
    const c = await admin({ now: () => new Date('2026-03-02T02:00:00.000Z') });
    const imported = await c.post('/admin/units/import', { csv: TREE_CSV });
    expect(imported.statusCode).toBe(303);
    expect(imported.headers.location).toBe('/admin/units?done=imported&n=4');
    const page = await c.get('/admin/units?done=imported&n=4');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('href="/admin/units"');
    const text = textOf(page.body);
    expect(text).toContain('Đã nhập 4 dòng');
    // Depth first, deeper rows indented further.
    const order = ['Tỉnh Bắc Ninh', 'Trung tâm Phục vụ hành chính công tỉnh', 'Chi nhánh Từ Sơn', 'Quầy 1'].map((name) => text.indexOf(name));
    expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]))).toBe(true);
    expect(page.body).toMatch(/padding-left:3\.5rem"><strong>Chi nhánh Từ Sơn/);
    const csv = await c.get('/admin/units.csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="don-vi-2026-03-02.csv"');
    expect(csv.body).toBe(`\uFEFF${TREE_CSV.replace(/\n/g, '\r\n')}`);
    const entries = await c.store.listAudit({ action: 'unitImport', limit: 10 });
    expect(entries.map((e) => [e.outcome, e.details])).toEqual([['success', { rows: 4, units: 3, counters: 1 }]]);
  });

  it('refuses an import with per-row problems in words, keeps the text in the form, and writes nothing', async () => {
    const c = await admin();
    const bad = 'code,name,parent_code\nBN,Tỉnh Bắc Ninh,\nSTP,,BN\nXA,Xã A,BG\n';
    const answer = await c.post('/admin/units/import', { csv: bad });
    expect(answer.statusCode).toBe(400);
    const text = textOf(answer.body);
    expect(text).toContain('Chưa ghi gì cả. Số lỗi cần sửa: 2.');
    expect(text).toContain('Dòng 3, cột name (tên): tên đang để trống');
    expect(text).toContain('Dòng 4, cột parent_code (mã đơn vị cha): không có đơn vị cha mã &quot;BG&quot; trong cây hoặc trong tệp');
    expect(answer.body).toContain('XA,Xã A,BG');
    expect(await c.store.listUnitTree()).toEqual({ units: [], counters: [] });
    expect((await c.store.listAudit({ action: 'unitImport', limit: 10 }))[0]).toMatchObject({ outcome: 'failure', details: { rows: 3, problems: 2 } });
    const noHeader = await c.post('/admin/units/import', { csv: 'BN,Tỉnh\n' });
    expect(textOf(noHeader.body)).toContain('Dòng tiêu đề thiếu cột: code, name, parent_code.');
  });

  it('adds a unit, moves it, and refuses a move under its own descendant with the reason', async () => {
    const c = await admin();
    await c.post('/admin/units/import', { csv: TREE_CSV });
    expect((await c.post('/admin/units', { code: 'STP', name: 'Sở Tư pháp', parentCode: 'BN', kind: 'department' })).statusCode).toBe(303);
    const duplicate = await c.post('/admin/units', { code: 'STP', name: 'Sở Tư pháp', parentCode: 'BN', kind: 'department' });
    expect(duplicate.statusCode).toBe(400);
    expect(textOf(duplicate.body)).toContain('mã &quot;STP&quot; đã có');
    expect((await c.post('/admin/units/CN-TS', { name: 'Chi nhánh Từ Sơn', parentCode: 'STP', kind: 'branch' })).statusCode).toBe(303);
    expect((await c.store.listUnitTree()).units.find((x) => x.code === 'CN-TS')?.parentCode).toBe('STP');
    const loop = await c.post('/admin/units/BN', { name: 'Tỉnh Bắc Ninh', parentCode: 'CN-TS', kind: 'province' });
    expect(loop.statusCode).toBe(400);
    expect(textOf(loop.body)).toContain('sẽ tạo vòng');
    expect((await c.get('/admin/units/NOPE/edit')).statusCode).toBe(404);
    const edit = await c.get('/admin/units/CN-TS/edit');
    expect(edit.body).toMatch(/<option value="STP" selected/);
    expect((await c.post('/admin/units/CN-TS/counters/Q1', { name: 'Quầy một cửa số 1' })).statusCode).toBe(303);
    expect((await c.store.listUnitTree()).counters).toEqual([{ unitCode: 'CN-TS', code: 'Q1', name: 'Quầy một cửa số 1' }]);
    expect((await c.store.listAudit({ action: 'unitEdit', limit: 10 })).map((e) => e.outcome)).toEqual(['success', 'failure', 'success']);
  });

  it('shows devices whose codes the tree lacks as not placed in a unit, with their bare codes', async () => {
    const c = await admin();
    await c.post('/admin/units/import', { csv: TREE_CSV });
    await registerDevice(c.store, { label: 'Máy Từ Sơn', agencyCode: 'CN-TS', counterCode: 'Q1' });
    await registerDevice(c.store, { label: 'Máy cũ', agencyCode: 'DEMO', counterCode: 'UNSET' });
    const text = textOf((await c.get('/admin/units')).body);
    expect(text).toContain('Thiết bị chưa xếp đơn vị');
    expect(text).toContain('Chưa xếp đơn vị: DEMO / UNSET — 1 thiết bị');
    expect(text).not.toContain('CN-TS / Q1 —');
  });

  it('imports through the API from a text/csv body and answers problems from the error catalogue', async () => {
    const c = await admin();
    const ok = await c.post('/api/v1/admin/units/import', TREE_CSV, { 'content-type': 'text/csv' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ units: 3, counters: 1 });
    const bad = await c.post('/api/v1/admin/units/import', 'code,name,parent_code\nX,Đơn vị X,X\n', { 'content-type': 'text/csv' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ error: 'bad_request', message: 'row 2 parentCode: cycle (X)' });
    expect((await c.get('/api/v1/admin/units')).json().units).toHaveLength(3);
  });
});

describe('targets pages', () => {
  it('sets a province-wide and a unit target, shows what each unit inherits from where, and audits it', async () => {
    const c = await admin({ now: () => new Date('2026-03-02T02:00:00.000Z') });
    await c.post('/admin/units/import', { csv: TREE_CSV });
    const province = await c.post('/admin/targets', { year: '2026', unit: '', overall: '95', c1: '95', c2: '97,5', c3: '97', c4: '98.5', c5: '95.5' });
    expect(province.statusCode).toBe(303);
    expect((await c.post('/admin/targets', { year: '2026', unit: 'TTHCC', overall: '96', c1: '', c2: '', c3: '', c4: '', c5: '' })).statusCode).toBe(303);
    const page = await c.get('/admin/targets?year=2026&unit=TTHCC&saved=1');
    const text = textOf(page.body);
    expect(text).toContain('Đã lưu mục tiêu của Trung tâm Phục vụ hành chính công tỉnh, năm 2026.');
    // The branch (depth 3 below the province row) under TTHCC takes its overall target from TTHCC and the components from the province.
    const branchRow = /padding-left:5rem">Chi nhánh Từ Sơn<\/td>([\s\S]*?)<\/tr>/.exec(page.body)?.[1] ?? '';
    expect(textOf(branchRow)).toBe(' 96,00% (theo Trung tâm Phục vụ hành chính công tỉnh) 95,00% (theo Toàn tỉnh) 97,50% (theo Toàn tỉnh) 97,00% (theo Toàn tỉnh) 98,50% (theo Toàn tỉnh) 95,50% (theo Toàn tỉnh) ');
    // The form opens with the unit's own figures.
    expect(page.body).toMatch(/name="overall" value="96"/);
    const audit = await c.store.listAudit({ action: 'targetSet', limit: 10 });
    expect(audit.map((e) => e.details)).toEqual([{ year: 2026, unit: 'TTHCC', overall: 96 }, { year: 2026, unit: '', overall: 95, c1: 95, c2: 97.5, c3: 97, c4: 98.5, c5: 95.5 }]);
  });

  it('opens another unit with its own stored figures, and its form saves under it and leaves the first unit as it was', async () => {
    const c = await admin({ now: () => new Date('2026-03-02T02:00:00.000Z') });
    await c.post('/admin/units/import', { csv: TREE_CSV });
    expect((await c.post('/admin/targets', { year: '2026', unit: 'TTHCC', overall: '96', c1: '90', c2: '', c3: '', c4: '', c5: '' })).statusCode).toBe(303);
    expect((await c.post('/admin/targets', { year: '2026', unit: 'CN-TS', overall: '80', c1: '', c2: '', c3: '', c4: '', c5: '' })).statusCode).toBe(303);
    const first = await c.get('/admin/targets?year=2026&unit=TTHCC');
    expect(fieldsOf(postForm(first.body, '/admin/targets'))).toEqual({ year: '2026', unit: 'TTHCC', overall: '96', c1: '90', c2: '', c3: '', c4: '', c5: '' });
    // Choosing the unit is the GET form's, so the save form has nothing that could point it at another unit.
    const chooser = /<form method="get" action="\/admin\/targets"[^>]*>([\s\S]*?)<\/form>/.exec(first.body)?.[1] ?? '';
    expect(chooser).toMatch(/<select name="unit">[\s\S]*<option value="CN-TS">/);
    expect(textOf(chooser)).toContain('Mở');
    expect(postForm(first.body, '/admin/targets')).not.toContain('<select');
    // What the chooser's "Mở" asks for.
    const second = await c.get('/admin/targets?year=2026&unit=CN-TS');
    expect(second.statusCode).toBe(200);
    expect(second.body).toMatch(/<h2 id="target-form-heading">Mục tiêu của Chi nhánh Từ Sơn, năm 2026<\/h2>/);
    expect(second.body).toMatch(/<option value="CN-TS" selected>/);
    const fields = fieldsOf(postForm(second.body, '/admin/targets'));
    expect(fields).toEqual({ year: '2026', unit: 'CN-TS', overall: '80', c1: '', c2: '', c3: '', c4: '', c5: '' });
    // A clerk changes one figure of the branch and saves the form as the browser sends it.
    const saved = await c.post('/admin/targets', { ...fields, c2: '85' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe('/admin/targets?year=2026&unit=CN-TS&saved=1');
    const byUnit = Object.fromEntries((await c.store.listTargets()).map((r) => [`${r.year} ${r.unitCode}`, r.figures]));
    expect(byUnit).toEqual({ '2026 TTHCC': { overall: 96, c1: 90 }, '2026 CN-TS': { overall: 80, c2: 85 } });
    const after = await c.get(saved.headers.location as string);
    expect(textOf(after.body)).toContain('Đã lưu mục tiêu của Chi nhánh Từ Sơn, năm 2026.');
    expect(after.body).toMatch(/<h2 id="target-form-heading">Mục tiêu của Chi nhánh Từ Sơn, năm 2026<\/h2>/);
    expect(fieldsOf(postForm(after.body, '/admin/targets'))).toMatchObject({ unit: 'CN-TS', overall: '80', c2: '85' });
  });

  it('opens the province for this Vietnamese year when nothing is asked, and another year of a unit with the figures of that year', async () => {
    // 2026-12-31T18:00Z is already 1 January 2027 in Vietnam.
    const c = await admin({ now: () => new Date('2026-12-31T18:00:00.000Z') });
    await c.post('/admin/units/import', { csv: TREE_CSV });
    await c.post('/admin/targets', { year: '2027', unit: '', overall: '95', c1: '', c2: '', c3: '', c4: '', c5: '' });
    await c.post('/admin/targets', { year: '2025', unit: 'TTHCC', overall: '91', c1: '', c2: '', c3: '', c4: '', c5: '' });
    await c.post('/admin/targets', { year: '2026', unit: 'TTHCC', overall: '93', c1: '', c2: '', c3: '', c4: '', c5: '' });
    const plain = await c.get('/admin/targets');
    expect(plain.statusCode).toBe(200);
    expect(plain.body).toMatch(/<h2 id="target-form-heading">Mục tiêu của toàn tỉnh, năm 2027<\/h2>/);
    expect(fieldsOf(postForm(plain.body, '/admin/targets'))).toMatchObject({ year: '2027', unit: '', overall: '95' });
    const earlier = await c.get('/admin/targets?year=2025&unit=TTHCC');
    expect(fieldsOf(postForm(earlier.body, '/admin/targets'))).toMatchObject({ year: '2025', unit: 'TTHCC', overall: '91' });
    expect(earlier.body).toMatch(/<input name="year" type="number" min="2017" max="2100" value="2025"/);
  });

  it('answers a malformed year or an unknown unit in the query with 400 and the problem on the field it names, offering no save form', async () => {
    const c = await admin({ now: () => new Date('2026-03-02T02:00:00.000Z') });
    await c.post('/admin/units/import', { csv: TREE_CSV });
    const yearProblem = /<label>Năm<input name="year"[^>]*aria-invalid="true"\/><span class="error">Năm phải từ 2017 đến 2100\.<\/span><\/label>/;
    for (const query of ['year=20x6&unit=TTHCC', 'year=1999', 'year=', 'year=2026&year=2027', 'year=%E2%80%8B2026']) {
      const answer = await c.get(`/admin/targets?${query}`);
      expect(answer.statusCode, query).toBe(400);
      expect(answer.body, query).toMatch(yearProblem);
      expect(textOf(answer.body), query).toContain('Chưa mở được: hãy sửa các ô được đánh dấu.');
      expect(postForm(answer.body, '/admin/targets'), query).toBe('');
    }
    const unknown = await c.get('/admin/targets?year=2026&unit=%3Cb%3ENOPE');
    expect(unknown.statusCode).toBe(400);
    // The code is named as typed, escaped, beside the unit field; the year's table still shows.
    expect(unknown.body).toMatch(/<label>Đơn vị<select name="unit" aria-invalid="true">[\s\S]*?<\/select><span class="error">Không có đơn vị mã “&lt;b>NOPE” trong cây\.<\/span><\/label>/);
    expect(textOf(unknown.body)).toContain('Mục tiêu áp dụng năm 2026');
    expect(postForm(unknown.body, '/admin/targets')).toBe('');
    // A repeated parameter is refused as sent, not half-read as the province.
    const repeated = await c.get('/admin/targets?year=2026&unit=A&unit=B');
    expect(repeated.statusCode).toBe(400);
    expect(textOf(repeated.body)).toContain('Không có đơn vị mã “A,B” trong cây.');
  });

  it('refuses a percentage over 100, a bad year and an unknown unit, saving nothing', async () => {
    const c = await admin();
    const answer = await c.post('/admin/targets', { year: '20x6', unit: 'NOPE', overall: '101', c1: '95,123', c2: '', c3: '', c4: '', c5: '' });
    expect(answer.statusCode).toBe(400);
    const text = textOf(answer.body);
    expect(text).toContain('Năm phải từ 2017 đến 2100.');
    expect(text).toContain('Không có đơn vị mã “NOPE” trong cây.');
    expect(text.match(/Nhập một phần trăm từ 0 đến 100/g)).toHaveLength(2);
    expect(await c.store.listTargets()).toEqual([]);
  });
});
