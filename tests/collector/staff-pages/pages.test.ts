import { buildProvisioningLink, parseProvisioningFragment } from '../../../src/shared/wire';
import { describe, expect, it } from 'vitest';
import { authenticateToken, registerDevice, revokeDevice } from '../../../src/collector';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { assessDevice, jsonForScript, sortFleet, TrustedSvg, type FleetEntry } from '../../../src/collector/staff-pages';
import type { DeviceRecord } from '../../../src/collector';
import { makeBatch, makeReport, makeResponse, resultsOf, signIn, deferCleanups, adminCollectors } from '../helpers';

const defer = deferCleanups();

const admin = adminCollectors(defer);

const XSS = '<script>alert(1)</script>';
// As preact-render-to-string escapes text: `<`, `&` and `"` (a `>` alone cannot open markup).
const XSS_ESCAPED = '&lt;script>alert(1)&lt;/script>';

/** Text made safe for HTML content and quoted attributes, as the page renderer writes it. */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

/** The only script elements of a page are ours: the nonce'd built scripts of the collector and inert JSON data. */
function expectOnlyOurScripts(body: string, csp: string): void {
  const nonce = /'nonce-([^']+)'/.exec(csp)![1];
  const scripts = body.match(/<script[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) {
    if (tag === '<script type="application/json" id="import-words">') continue;
    expect(tag).toMatch(new RegExp(`^<script nonce="${nonce.replace(/[+/=]/g, '\\$&')}" src="/staff/[a-z-]+\\.js" type="module">$`));
  }
}

describe('page rendering', () => {
  it('escapes every text and attribute value', () => {
    const value = `<img src=x onerror="alert('1')"> & more`;
    expect(renderToString(h('p', { title: value }, value))).toBe(
      '<p title="&lt;img src=x onerror=&quot;alert(\'1\')&quot;> &amp; more">&lt;img src=x onerror=&quot;alert(\'1\')&quot;> &amp; more</p>',
    );
  });

  it('inserts the QR code as the svg element itself, and nothing that is not one', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 29 29" shape-rendering="crispEdges"><path fill="#ffffff" d="M0 0h29v29H0z"/></svg>\n';
    expect(renderToString(h('figure', null, h(TrustedSvg, { markup: svg })))).toBe(
      '<figure><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 29 29" shape-rendering="crispEdges"><path fill="#ffffff" d="M0 0h29v29H0z"/></svg></figure>',
    );
    expect(renderToString(h('figure', null, h(TrustedSvg, { markup: '<img src=x onerror=alert(1)>' })))).toBe('<figure></figure>');
  });

  it('writes JSON for a script element that no text can break out of', () => {
    const json = jsonForScript({ text: '</script><script>alert(1)</script> & <!-- \u2028' });
    expect(json).not.toMatch(/<|>|&|\u2028/);
    expect(JSON.parse(json)).toEqual({ text: '</script><script>alert(1)</script> & <!-- \u2028' });
  });
});

describe('devices page', () => {
  it('registers a device and shows its token once, with the provisioning link and its QR code', async () => {
    const c = await admin();
    const answer = await c.post('/admin/devices', { agencyName: 'Sở Nội vụ', agencyCode: 'SNV', counterName: 'Quầy 2', counterCode: 'Q02', label: 'Quầy 2 – tầng 1' });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    const token = /<code>([^<]+)<\/code>/.exec(answer.body)![1];
    const place = { agencyCode: 'SNV', agencyName: 'Sở Nội vụ', counterCode: 'Q02', counterName: 'Quầy 2', deviceLabel: 'Quầy 2 – tầng 1' };
    const link = buildProvisioningLink('http://localhost:80', { token, ...place });
    expect(parseProvisioningFragment(new URL(link).hash)).toEqual({ token, endpoint: 'http://localhost:80', ...place });
    expect(answer.body).toContain(`href="${escapeHtml(link)}"`);
    expect(answer.body).toMatch(/<figure class="qr"><svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*viewBox="0 0 \d+ \d+"[^>]*><path/);
    expect(answer.body).toContain('chỉ hiện MỘT lần');
    // Codes typed are not "suggested".
    expect(answer.body).not.toContain('được gợi ý từ tên');
    const device = await authenticateToken(c.store, token);
    expect(device).toMatchObject({ label: 'Quầy 2 – tầng 1', agencyCode: 'SNV', agencyName: 'Sở Nội vụ', counterCode: 'Q02', counterName: 'Quầy 2' });

    // The token is never shown again.
    const list = await c.get('/admin/devices');
    expect(list.body).toContain('Quầy 2 – tầng 1');
    expect(list.body).not.toContain(token);
    expect(list.body).not.toContain(token.split('.')[1]);
  });

  it('uses the public address in provisioning links when one is configured', async () => {
    const c = await admin({ publicUrl: 'https://sipas.example.gov.vn/' });
    const answer = await c.post('/admin/devices', { agencyName: 'Sở Nội vụ', agencyCode: 'SNV', counterName: 'Quầy 3', counterCode: 'Q03' }, { origin: 'https://sipas.example.gov.vn' });
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toMatch(
      /href="https:\/\/sipas\.example\.gov\.vn\/#provision=[^"]+&amp;endpoint=https%3A%2F%2Fsipas\.example\.gov\.vn&amp;agency=SNV&amp;agencyName=S%E1%BB%9F\+N%E1%BB%99i\+v%E1%BB%A5&amp;counter=Q03&amp;counterName=Qu%E1%BA%A7y\+3&amp;label=Qu%E1%BA%A7y\+3"/,
    );
  });

  it('rotates a token (the old one stops at once) and revokes a device (its responses stay)', async () => {
    const c = await admin();
    resultsOf(await c.submit(makeBatch([makeResponse()])));
    const rotated = await c.post(`/admin/devices/${c.deviceId}/rotate`, {});
    expect(rotated.statusCode).toBe(200);
    expect(rotated.body).toContain('Mã mới cho máy “Quầy 1”');
    const token = /<code>([^<]+)<\/code>/.exec(rotated.body)![1];
    expect(await authenticateToken(c.store, c.token)).toBeNull();
    expect((await authenticateToken(c.store, token))?.id).toBe(c.deviceId);

    const revoked = await c.post(`/admin/devices/${c.deviceId}/revoke`, {});
    expect(revoked.statusCode).toBe(303);
    expect(revoked.headers.location).toBe(`/admin/devices?revoked=${c.deviceId}`);
    expect(await authenticateToken(c.store, token)).toBeNull();
    expect(await c.store.countResponses(c.deviceId)).toBe(1);
    const page = await c.get(revoked.headers.location as string);
    expect(page.body).toContain('Đã thu hồi máy “Quầy 1”. Các phiếu đã nhận vẫn được giữ.');
    expect(page.body).not.toContain(`/admin/devices/${c.deviceId}/rotate`);
    // A revoked or unknown device cannot be given a new token.
    expect((await c.post(`/admin/devices/${c.deviceId}/rotate`, {})).statusCode).toBe(404);
    expect((await c.post('/admin/devices/00000000-0000-4000-8000-000000000000/revoke', {})).statusCode).toBe(404);
  });

  it('explains what is missing or not allowed in the form and registers nothing', async () => {
    const c = await admin();
    const answer = await c.post('/admin/devices', { agencyName: '  ', agencyCode: 'Sở-NV', counterName: 'Quầy 2', counterCode: '', label: '' });
    expect(answer.statusCode).toBe(400);
    expect(answer.body).toContain('Xin điền tên (tối đa 200 ký tự).');
    // The message says what a code may be.
    expect(answer.body).toContain('Mã không hợp lệ. Mã gồm 1 đến 32 ký tự: chữ in hoa A–Z không dấu, chữ số, “-” hoặc “_”');
    // What was typed comes back, and the blank counter code holds the code suggested from its name.
    expect(answer.body).toContain('name="agencyCode" value="Sở-NV"');
    expect(answer.body).toContain('name="counterName" value="Quầy 2"');
    expect(answer.body).toContain('name="counterCode" value="QUAY-2"');
    expect(await c.store.listDevices()).toHaveLength(1);

    const english = await c.post('/admin/devices?lang=en', { agencyName: 'Sở Nội vụ', agencyCode: 'snv', counterName: 'Quầy 2' });
    expect(english.statusCode).toBe(400);
    expect(english.body).toContain('Not a valid code. A code is 1 to 32 characters: capital letters A–Z without diacritics, digits, “-” or “_”');
  });

  it('suggests codes from the names when they are left blank, and shows them to the clerk', async () => {
    const c = await admin();
    const answer = await c.post('/admin/devices', { agencyName: 'Sở Tư pháp', agencyCode: '', counterName: 'Quầy 2', counterCode: '', label: '' });
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toContain('Mã SO-TU-PHAP được gợi ý từ tên “Sở Tư pháp”.');
    expect(answer.body).toContain('Mã QUAY-2 được gợi ý từ tên “Quầy 2”.');
    expect(answer.body).toContain('&amp;agency=SO-TU-PHAP&amp;');
    expect(answer.body).toContain('&amp;counter=QUAY-2&amp;');
    const token = /<code>([^<]+)<\/code>/.exec(answer.body)![1];
    expect(await authenticateToken(c.store, token)).toMatchObject({ label: 'Quầy 2', agencyCode: 'SO-TU-PHAP', agencyName: 'Sở Tư pháp', counterCode: 'QUAY-2', counterName: 'Quầy 2' });
  });

  it('moves a device with one edit: its next sync answer carries the new place, stored responses keep theirs', async () => {
    const c = await admin();
    resultsOf(await c.submit(makeBatch([makeResponse({ seq: 1 })])));
    const form = await c.get(`/admin/devices/${c.deviceId}/place`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('name="agencyCode" value="UBND-Q1"');

    const refused = await c.post(`/admin/devices/${c.deviceId}/place`, { agencyName: 'Sở Tư pháp', agencyCode: 'stp', counterName: 'Quầy 5' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Mã không hợp lệ.');
    expect(await c.store.getDevice(c.deviceId)).toMatchObject({ agencyCode: 'UBND-Q1', counterCode: 'Q01' });

    const moved = await c.post(`/admin/devices/${c.deviceId}/place`, { agencyName: 'Sở Tư pháp', agencyCode: '', counterName: 'Quầy 5', counterCode: '', label: '' });
    expect(moved.statusCode).toBe(303);
    expect(moved.headers.location).toBe(`/admin/devices?moved=${c.deviceId}`);
    expect((await c.get(moved.headers.location as string)).body).toContain('Đã lưu nơi đặt máy “Quầy 5”: Sở Tư pháp (SO-TU-PHAP) / Quầy 5 (QUAY-5).');
    expect(await c.store.getDevice(c.deviceId)).toMatchObject({ label: 'Quầy 5', agencyCode: 'SO-TU-PHAP', agencyName: 'Sở Tư pháp', counterCode: 'QUAY-5', counterName: 'Quầy 5' });
    // The token keeps working: moving is not re-provisioning.
    const answer = resultsOf(await c.submit(makeBatch([])));
    expect(answer.place).toEqual({ agencyCode: 'SO-TU-PHAP', agencyName: 'Sở Tư pháp', counterCode: 'QUAY-5', counterName: 'Quầy 5' });
    expect(await c.store.listPlaces()).toEqual([{ agencyCode: 'UBND-Q1', counterCode: 'Q01', count: 1 }]);

    await revokeDevice(c.store, c.deviceId);
    expect((await c.get(`/admin/devices/${c.deviceId}/place`)).statusCode).toBe(404);
    expect((await c.post(`/admin/devices/${c.deviceId}/place`, { agencyName: 'A', counterName: 'B' })).statusCode).toBe(404);
  });

  it('warns on the token page of a device registered under the old code rule, whose link the tablet refuses', async () => {
    const c = await admin();
    const old = await registerDevice(c.store, { label: 'Máy cũ', agencyCode: 'Sở NV', counterCode: 'Quầy 1' });
    const rotated = await c.post(`/admin/devices/${old.deviceId}/rotate`, {});
    expect(rotated.statusCode).toBe(200);
    expect(rotated.body).toContain('data-testid="old-codes"');
    expect(rotated.body).toContain(`href="/admin/devices/${old.deviceId}/place"`);
    // Reading old rows never fails: the list shows the old codes as they are.
    expect((await c.get('/admin/devices')).body).toContain('Sở NV');
    const current = await c.post(`/admin/devices/${c.deviceId}/rotate`, {});
    expect(current.body).not.toContain('data-testid="old-codes"');
  });

  it('escapes a device label, agency code and kiosk-reported error on every page that shows them', async () => {
    const c = await admin();
    const evil = await c.post('/admin/devices', { label: XSS, agencyName: `"><img src=x onerror=alert(2)>`, agencyCode: 'SNV', counterName: "'; alert(3); '", counterCode: 'Q9' });
    expect(evil.statusCode).toBe(200);
    const token = /<code>([^<]+)<\/code>/.exec(evil.body)![1];
    // A device can put text of its own into the fleet view through its report and its responses.
    const reported = await c.app.inject({
      method: 'POST',
      url: '/api/v1/responses',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify(
        makeBatch(
          [makeResponse({ agencyCode: `<b>${XSS}</b>`, counterCode: XSS, deviceLabel: XSS })],
          makeReport({ lastError: XSS, appVersion: XSS, definition: XSS }),
        ),
      ),
    });
    expect(reported.statusCode).toBe(200);
    for (const url of ['/admin/devices', '/admin/fleet', '/admin/import', '/admin/export', '/admin/report?definition=sipas-test']) {
      const page = await c.get(url);
      expect(page.statusCode, url).toBe(200);
      expect(page.body, url).not.toContain(XSS);
      expect(page.body, url).not.toContain('<img src=x');
      expectOnlyOurScripts(page.body, page.headers['content-security-policy'] as string);
    }
    expect((await c.get('/admin/devices')).body).toContain(XSS_ESCAPED);
    expect((await c.get('/admin/fleet')).body).toContain(`Lỗi máy báo: ${XSS_ESCAPED}`);
    expect((await c.get('/admin/export')).body).toContain(`<option value="${XSS_ESCAPED}">${XSS_ESCAPED}</option>`);
    expect(evil.body).toContain(`Mã cài đặt cho máy “${XSS_ESCAPED}”`);
  });
});

describe('fleet view', () => {
  const NOW = new Date('2026-03-10T03:00:00.000Z');
  const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();
  const device = (label: string, overrides: Partial<DeviceRecord> = {}): DeviceRecord => ({
    id: `id-${label}`,
    label,
    agencyCode: 'SNV',
    counterCode: label,
    agencyName: 'Sở Nội vụ',
    counterName: label,
    tokenHash: Buffer.alloc(32),
    revokedAt: null,
    createdAt: hoursAgo(500),
    lastContactAt: hoursAgo(1),
    lastReport: makeReport(),
    ...overrides,
  });

  it('names each problem and puts the silent, then the lossy, then the other unhealthy devices first', () => {
    const entries: FleetEntry[] = [
      assessDevice(device('healthy'), 10, [], NOW),
      assessDevice(device('revoked', { revokedAt: hoursAgo(2), lastContactAt: hoursAgo(400) }), 5, [], NOW),
      assessDevice(device('storage', { lastReport: makeReport({ storage: { persisted: false, usageBytes: 1, quotaBytes: 2 } }) }), 10, [], NOW),
      assessDevice(device('gaps'), 10, [{ kioskId: 'k', from: 3, to: 4 }, { kioskId: 'k', from: 9, to: 9 }], NOW),
      assessDevice(device('stale', { lastContactAt: hoursAgo(25) }), 10, [], NOW),
      assessDevice(device('never', { lastContactAt: null, lastReport: null }), 0, [], NOW),
      assessDevice(device('queue', { lastReport: makeReport({ queueDepth: 40, oldestUnsentAt: hoursAgo(30), conflicts: 1, rejected: 2 }) }), 10, [], NOW),
      assessDevice(device('fresh'), 10, [], NOW),
    ];
    const sorted = sortFleet(entries);
    expect(sorted.map((e) => e.label)).toEqual(['never', 'stale', 'queue', 'gaps', 'storage', 'fresh', 'healthy', 'revoked']);
    const byLabel = new Map(sorted.map((e) => [e.label, e]));
    expect(byLabel.get('never')!.problems).toEqual([{ kind: 'neverContacted' }]);
    expect(byLabel.get('stale')!.problems).toEqual([{ kind: 'stale', lastContactAt: hoursAgo(25) }]);
    expect(byLabel.get('gaps')!).toMatchObject({ missing: 3, state: 'attention', problems: [{ kind: 'gaps', missing: 3 }] });
    expect(byLabel.get('queue')!.problems.map((p) => p.kind)).toEqual(['queueOld', 'conflicts', 'rejected']);
    expect(byLabel.get('storage')!.problems).toEqual([{ kind: 'storageNotPersisted' }]);
    expect(byLabel.get('healthy')!).toMatchObject({ state: 'ok', problems: [] });
    expect(byLabel.get('revoked')!).toMatchObject({ state: 'revoked', problems: [] });
  });

  it('shows devices with gaps or silence first, each problem in words, with last contact relative', async () => {
    let clock = new Date('2026-03-09T00:00:00.000Z');
    const c = await admin({ now: () => clock });
    const quiet = await registerDevice(c.store, { label: 'Máy im lặng', agencyCode: 'SNV', counterCode: 'Q09' });
    const lossy = await registerDevice(c.store, { label: 'Máy mất phiếu', agencyCode: 'SNV', counterCode: 'Q05' });
    const gone = await registerDevice(c.store, { label: 'Máy đã thu hồi', agencyCode: 'SNV', counterCode: 'Q07' });
    await revokeDevice(c.store, gone.deviceId);
    const send = (token: string, kioskId: string, seqs: number[]) =>
      c.app.inject({
        method: 'POST',
        url: '/api/v1/responses',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: JSON.stringify(makeBatch(seqs.map((seq) => makeResponse({ kioskId, seq })), makeReport({ kioskId, appVersion: '1.2.3', definition: 'sipas-test@1' }))),
      });
    // Two days ago the quiet one sent; it has been silent since.
    clock = new Date('2026-03-10T00:00:00.000Z');
    resultsOf(await send(quiet.token, '11111111-1111-4111-8111-111111111111', [1, 2]));
    clock = new Date('2026-03-12T00:00:00.000Z');
    resultsOf(await send(lossy.token, '22222222-2222-4222-8222-222222222222', [1, 2, 5, 6, 9]));
    resultsOf(await c.submit(makeBatch([1, 2, 3].map((seq) => makeResponse({ seq })))));
    clock = new Date('2026-03-12T03:00:00.000Z');
    // Days have passed: a fresh session.
    const cookie = await signIn(c.app);
    const get = (url: string) => c.app.inject({ method: 'GET', url, headers: { cookie } });

    const page = await get('/admin/fleet');
    expect(page.statusCode).toBe(200);
    const order = ['Máy im lặng', 'Máy mất phiếu', 'Quầy 1', 'Máy đã thu hồi'].map((label) => page.body.indexOf(`<strong>${label}</strong>`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(page.body).toContain('Đã 2 ngày không liên lạc (quá 24 giờ)');
    expect(page.body).toContain('Thiếu 4 phiếu theo số thứ tự (3–4, 7–8)');
    expect(page.body).toContain('3 giờ trước');
    expect(page.body).toContain('✓ Bình thường');
    expect(page.body).toContain('Ứng dụng 1.2.3');
    expect(page.body).toContain('2 máy cần xem xét · 1 máy bình thường · 1 máy đã thu hồi');

    const json = JSON.parse((await get('/api/v1/admin/fleet')).body) as { devices: FleetEntry[] };
    expect(json.devices.map((d) => d.label)).toEqual(['Máy im lặng', 'Máy mất phiếu', 'Quầy 1', 'Máy đã thu hồi']);
    expect(json.devices[1]).toMatchObject({ received: 5, missing: 4, gaps: [{ from: 3, to: 4 }, { from: 7, to: 8 }] });
    expect(JSON.stringify(json)).not.toContain('tokenHash');

    const english = await get('/admin/fleet?lang=en');
    expect(english.body).toContain('Silent for 2 days (over 24 hours)');
    expect(english.body).toContain('3 hours ago');
  });
});
