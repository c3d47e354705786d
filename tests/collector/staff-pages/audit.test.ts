import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { evacuationJson } from '../../../src/shared/csv';
import { setAdminPassword, signOutAllSessions, type CollectorStore } from '../../../src/collector';
import type { AuditEntry, StoredAuditEntry } from '../../../src/collector/stores';
import { ADMIN_PASSWORD, adminCollectors, deferCleanups, makeResponse, ORIGIN, signIn } from '../helpers';

const defer = deferCleanups();
const admin = adminCollectors(defer);

const KIOSK = '3b9d6c1e-2f4a-4b8c-9d0e-1f2a3b4c5d6e';

/** Every audit entry, oldest first, without ids. */
async function auditLog(store: CollectorStore): Promise<Array<Omit<StoredAuditEntry, 'id'>>> {
  const entries = await store.listAudit({ limit: 10_000 });
  return entries.reverse().map(({ id: _id, ...entry }) => entry);
}

/** The rows of the audit page's table, as text cells. */
function tableRows(html: string): string[][] {
  const body = /<tbody>([\s\S]*)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1].matchAll(/<td>([\s\S]*?)<\/td>/g)].map((cell) => cell[1]));
}

function loginForm(app: FastifyInstance, password: string, ip: string) {
  return app.inject({
    method: 'POST',
    url: '/admin/login',
    remoteAddress: ip,
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
    payload: new URLSearchParams({ password }).toString(),
  });
}

describe('audit log of staff actions', () => {
  it('records every sign-in outcome with its time and address: success, a wrong password with the lock it starts, one lock-out entry per lock, sign-out', async () => {
    let clock = new Date('2026-03-02T02:00:00.000Z');
    const c = await admin({ now: () => clock });
    const before = (await auditLog(c.store)).length;
    expect((await loginForm(c.app, 'sai mật khẩu', '10.0.0.7')).statusCode).toBe(401);
    for (let i = 0; i < 5; i++) expect((await loginForm(c.app, ADMIN_PASSWORD, '10.0.0.7')).statusCode).toBe(429);
    clock = new Date(clock.getTime() + 1000);
    expect((await loginForm(c.app, 'vẫn sai mật khẩu', '10.0.0.7')).statusCode).toBe(401);
    expect((await loginForm(c.app, ADMIN_PASSWORD, '10.0.0.7')).statusCode).toBe(429);
    clock = new Date(clock.getTime() + 2000);
    expect((await loginForm(c.app, ADMIN_PASSWORD, '10.0.0.7')).statusCode).toBe(303);
    expect((await c.post('/admin/logout', {})).statusCode).toBe(303);
    // Signing out with a session that is already gone does nothing worth recording.
    expect((await c.post('/admin/logout', {})).statusCode).toBe(303);

    expect((await auditLog(c.store)).slice(before)).toEqual([
      { at: '2026-03-02T02:00:00.000Z', address: '10.0.0.7', action: 'signIn', outcome: 'failure', details: { reason: 'wrongPassword', failures: 1, lockSeconds: 1 } },
      { at: '2026-03-02T02:00:00.000Z', address: '10.0.0.7', action: 'lockOut', outcome: 'refused', details: { failures: 1, waitSeconds: 1 } },
      { at: '2026-03-02T02:00:01.000Z', address: '10.0.0.7', action: 'signIn', outcome: 'failure', details: { reason: 'wrongPassword', failures: 2, lockSeconds: 2 } },
      { at: '2026-03-02T02:00:01.000Z', address: '10.0.0.7', action: 'lockOut', outcome: 'refused', details: { failures: 2, waitSeconds: 2 } },
      { at: '2026-03-02T02:00:03.000Z', address: '10.0.0.7', action: 'signIn', outcome: 'success', details: {} },
      { at: '2026-03-02T02:00:03.000Z', address: '127.0.0.1', action: 'signOut', outcome: 'success', details: {} },
    ]);
  });

  it('records device registration, rotation and revocation, imports with the file’s kiosk id and counts, exports with their format and filters, report views', async () => {
    const clock = new Date('2026-03-02T02:00:00.000Z');
    const c = await admin({ now: () => clock });
    const before = (await auditLog(c.store)).length;
    const registered = await c.post('/admin/devices', { label: 'Quầy 9', agencyName: 'Sở Tư pháp', agencyCode: 'STP', counterName: 'Quầy 9', counterCode: 'Q9' });
    expect(registered.statusCode).toBe(200);
    const device = (await c.store.listDevices()).find((d) => d.label === 'Quầy 9')!;
    expect((await c.post(`/admin/devices/${device.id}/rotate`, {})).statusCode).toBe(200);
    expect((await c.post(`/admin/devices/${device.id}/revoke`, {})).statusCode).toBe(303);
    const responses = [1, 2, 3].map((seq) => makeResponse({ kioskId: KIOSK, seq }));
    const file = [...evacuationJson(KIOSK, '2026-03-05T08:00:00.000Z', responses)].join('');
    expect((await c.post('/api/v1/admin/imports', file)).statusCode).toBe(200);
    expect((await c.post('/api/v1/admin/imports', file)).statusCode).toBe(200);
    expect((await c.get('/api/v1/admin/responses.csv?agency=UBND-Q1&from=2026-03-01&lang=en')).statusCode).toBe(200);
    expect((await c.get('/api/v1/admin/responses.json')).statusCode).toBe(200);
    expect((await c.get('/api/v1/admin/report?definition=sipas-test')).statusCode).toBe(200);
    expect((await c.get('/admin/report?definition=sipas-test&agency=UBND-Q1')).statusCode).toBe(200);

    const entries = (await auditLog(c.store)).slice(before);
    expect(entries.every((e) => e.at === '2026-03-02T02:00:00.000Z' && e.address === '127.0.0.1' && e.outcome === 'success')).toBe(true);
    expect(entries.map((e) => [e.action, e.details])).toEqual([
      ['deviceRegister', { deviceId: device.id, label: 'Quầy 9', agencyCode: 'STP', counterCode: 'Q9' }],
      ['deviceRotate', { deviceId: device.id, label: 'Quầy 9' }],
      ['deviceRevoke', { deviceId: device.id, label: 'Quầy 9' }],
      ['import', { kioskId: KIOSK, deviceId: null, total: 3, created: 3, duplicate: 0, conflict: 0, rejected: 0 }],
      ['import', { kioskId: KIOSK, deviceId: null, total: 3, created: 0, duplicate: 3, conflict: 0, rejected: 0 }],
      ['export', { format: 'csv', filters: { agency: 'UBND-Q1', from: '2026-03-01' }, rows: 3 }],
      ['export', { format: 'json', filters: {}, rows: 3 }],
      ['report', { via: 'json', filters: { definition: 'sipas-test' } }],
      ['report', { via: 'page', filters: { definition: 'sipas-test', agency: 'UBND-Q1' } }],
    ]);
  });

  it('records password changes and sign-outs of everyone made on the server, with no address', async () => {
    const clock = new Date('2026-03-02T02:00:00.000Z');
    const c = await admin({ now: () => clock });
    // The test collector's password was set through setAdminPassword, as admin-cli does.
    expect((await auditLog(c.store))[0]).toEqual({ at: clock.toISOString(), address: null, action: 'passwordChange', outcome: 'success', details: { via: 'admin-cli' } });
    await signIn(c.app);
    expect(await signOutAllSessions(c.store, new Date('2026-03-02T03:00:00.000Z'))).toBe(2);
    await setAdminPassword(c.store, 'một mật khẩu mới hơn', new Date('2026-03-02T04:00:00.000Z'));
    expect((await auditLog(c.store)).slice(-2)).toEqual([
      { at: '2026-03-02T03:00:00.000Z', address: null, action: 'signOutAll', outcome: 'success', details: { via: 'admin-cli', sessions: 2 } },
      { at: '2026-03-02T04:00:00.000Z', address: null, action: 'passwordChange', outcome: 'success', details: { via: 'admin-cli' } },
    ]);
  });
});

/** Writes entries straight into the log: one a minute from `start`, actions in turn. */
async function seedAudit(store: CollectorStore, count: number, start = Date.parse('2026-03-01T00:00:00.000Z')): Promise<void> {
  const actions: AuditEntry['action'][] = ['export', 'signIn', 'report'];
  for (let i = 0; i < count; i++) {
    await store.recordAudit({ at: new Date(start + i * 60_000).toISOString(), address: `10.0.${i % 3}.1`, action: actions[i % 3], outcome: 'success', details: { n: i } });
  }
}

describe('the audit log page', () => {
  it('lists entries newest first, 50 a page, with a link to older pages that keeps the filters', async () => {
    const c = await admin();
    await c.store.recordAudit({ at: '2026-02-01T00:00:00.000Z', address: null, action: 'import', outcome: 'success', details: {} });
    await seedAudit(c.store, 180);
    const seen: number[] = [];
    let url: string | null = '/admin/audit?action=export';
    const pages: number[] = [];
    while (url !== null) {
      const page = await c.get(url);
      expect(page.statusCode).toBe(200);
      const rows = tableRows(page.body);
      pages.push(rows.length);
      for (const row of rows) {
        expect(row[2]).toBe('Xuất dữ liệu');
        seen.push(Number(/n: (\d+)/.exec(row[4])![1]));
      }
      const older = /<a href="([^"]+)" rel="next">/.exec(page.body);
      url = older ? older[1].replace(/&amp;/g, '&') : null;
      if (url) expect(url).toMatch(/^\/admin\/audit\?action=export&before=\d+$/);
    }
    // 60 exports: a page of 50, then the 10 older ones.
    expect(pages).toEqual([50, 10]);
    expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => 177 - 3 * i));

    const all: number[] = [];
    url = '/admin/audit';
    pages.length = 0;
    while (url !== null) {
      const page = await c.get(url);
      const rows = tableRows(page.body);
      pages.push(rows.length);
      all.push(...rows.map((row) => (/n: (\d+)/.exec(row[4]) ? Number(/n: (\d+)/.exec(row[4])![1]) : -1)));
      const older = /<a href="([^"]+)" rel="next">/.exec(page.body);
      url = older ? older[1].replace(/&amp;/g, '&') : null;
      if (pages.length > 1) expect(page.body).toContain('href="/admin/audit"');
    }
    // 181 entries written here plus the ones of setting the password and signing in.
    const total = (await c.store.listAudit({ limit: 10_000 })).length;
    expect(total).toBe(183);
    expect(pages).toEqual([50, 50, 50, 33]);
    expect(all.slice(0, 180)).toEqual(Array.from({ length: 180 }, (_, i) => 179 - i));
  });

  it('filters by calendar day in Vietnam time and by action, as a page and as JSON', async () => {
    const c = await admin();
    const at = ['2026-03-01T16:59:59.999Z', '2026-03-01T17:00:00.000Z', '2026-03-02T16:59:59.999Z', '2026-03-02T17:00:00.000Z'];
    for (const [i, instant] of at.entries()) {
      await c.store.recordAudit({ at: instant, address: '10.0.0.1', action: i === 2 ? 'export' : 'import', outcome: 'success', details: { i } });
    }
    const days = await c.get('/admin/audit?from=2026-03-02&to=2026-03-02');
    expect(tableRows(days.body).map((row) => row[4])).toEqual(['i: 2', 'i: 1']);
    expect(tableRows(days.body)[0][0]).toBe('23:59 02/03/2026');
    const json = await c.get('/api/v1/admin/audit?from=2026-03-02&action=import');
    expect(json.statusCode).toBe(200);
    const body = JSON.parse(json.body) as { entries: StoredAuditEntry[]; nextBefore: number | null };
    expect(body.entries.map((e) => e.details)).toEqual([{ i: 3 }, { i: 1 }]);
    expect(body.nextBefore).toBeNull();
  });

  it('refuses filters it cannot read, naming them', async () => {
    const c = await admin();
    const cases: Array<[string, RegExp]> = [
      ['action=dropTables', /action/],
      ['from=2026-02-30', /from/],
      ['from=2026-03-05&to=2026-03-01', /to/],
      ['before=-1', /before/],
      ['before=abc', /before/],
    ];
    for (const [query, path] of cases) {
      const page = await c.get(`/admin/audit?${query}`);
      expect(page.statusCode, query).toBe(400);
      expect(page.body, query).toMatch(path);
      const api = await c.get(`/api/v1/admin/audit?${query}`);
      expect(api.statusCode, query).toBe(400);
      expect(JSON.parse(api.body), query).toMatchObject({ error: 'bad_request' });
    }
  });

  it('escapes what the entries carry and names the server for command-line entries', async () => {
    const c = await admin();
    await c.store.recordAudit({ at: '2026-03-02T02:00:00.000Z', address: '<b>10.0.0.1</b>', action: 'deviceRegister', outcome: 'success', details: { label: '<script>alert(1)</script>' } });
    const page = await c.get('/admin/audit?action=deviceRegister');
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).toContain('&lt;script>alert(1)&lt;/script>');
    expect(page.body).toContain('&lt;b>10.0.0.1&lt;/b>');
    const passwords = await c.get('/admin/audit?action=passwordChange');
    expect(tableRows(passwords.body)[0].slice(1, 4)).toEqual(['Máy chủ (dòng lệnh)', 'Đổi mật khẩu', 'Thành công']);
    expect(page.body).toMatch(/<a href="\/admin\/audit" aria-current="page">Nhật ký<\/a>/);
  });
});
