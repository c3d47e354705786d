import { describe, expect, it } from 'vitest';
import { registerDevice } from '../../../src/collector';
import { FLEET_PAGE_ROWS, pageOfFleet, searchFold, type FleetEntry, type FleetQuery } from '../../../src/collector/staff-pages';
import { adminCollectors, deferCleanups, type AdminTestCollector } from '../helpers';

const defer = deferCleanups();
const admin = adminCollectors(defer);

const CLOCK = new Date('2026-03-02T02:00:00.000Z');
/** Devices needing attention (never contacted), healthy (heard from a minute ago) and revoked. */
const ATTENTION = 12;
const REVOKED = 3;
/** Three pages: two full, the third with 30 devices. */
const TOTAL = 2 * FLEET_PAGE_ROWS + 30;
const OK = TOTAL - ATTENTION - REVOKED;
const SUMMARY = `${ATTENTION} máy cần xem xét · ${OK} máy bình thường · ${REVOKED} máy đã thu hồi`;

type FleetJson = { devices: FleetEntry[] };

/** A collector with TOTAL devices: "Máy 001"… (the helpers' "Quầy 1" is the first), agencies CQ0–CQ4. */
async function fleetOf(): Promise<AdminTestCollector> {
  const c = await admin({ now: () => CLOCK });
  const contacted = new Date(CLOCK.getTime() - 60_000).toISOString();
  const ids = [c.deviceId];
  for (let i = 1; i < TOTAL; i++) {
    const label = `Máy ${String(i).padStart(3, '0')}`;
    ids.push((await registerDevice(c.store, { label, agencyCode: `CQ${i % 5}`, counterCode: `QUAY-${i}` })).deviceId);
  }
  // The last ATTENTION + REVOKED registered never make contact; of those, the last REVOKED are revoked.
  for (const id of ids.slice(0, OK)) await c.store.ingest({ deviceId: id, receivedAt: contacted, report: null, source: 'sync', items: [] });
  for (const id of ids.slice(TOTAL - REVOKED)) await c.store.revokeDevice(id, contacted);
  return c;
}

/** The labels of the rows of a fleet page, in order, with each row's state. */
function rowsOf(html: string): Array<{ state: string; label: string }> {
  return [...html.matchAll(/<tr class="(attention|ok|revoked)"><td class="device"><strong>([^<]*)<\/strong>/g)].map((m) => ({ state: m[1], label: m[2] }));
}

/** The device labels of every page of the fleet, following the pager's "next" links from `first`. */
async function walkPages(c: AdminTestCollector, first: string): Promise<{ labels: string[]; pages: number }> {
  const labels: string[] = [];
  let url: string | null = first;
  let pages = 0;
  while (url !== null) {
    const page = await c.get(url);
    expect(page.statusCode, url).toBe(200);
    labels.push(...rowsOf(page.body).map((r) => r.label));
    pages++;
    const next = /<a href="([^"]*)" rel="next">/.exec(page.body);
    url = next ? next[1].replace(/&amp;/g, '&') : null;
    expect(pages).toBeLessThanOrEqual(TOTAL);
  }
  return { labels, pages };
}

describe('fleet page: one page of devices at a time (issue 12)', () => {
  it('shows at most a page of rows, the devices needing attention first, and the counts of the whole fleet', async () => {
    const c = await fleetOf();
    const page = await c.get('/admin/fleet');
    expect(page.statusCode).toBe(200);
    const rows = rowsOf(page.body);
    expect(rows).toHaveLength(FLEET_PAGE_ROWS);
    expect(rows.slice(0, ATTENTION).every((r) => r.state === 'attention')).toBe(true);
    expect(rows.slice(ATTENTION).every((r) => r.state === 'ok')).toBe(true);
    expect(page.body).toContain(SUMMARY);
    expect(page.body).toContain(`Đang xem máy thứ 1–${FLEET_PAGE_ROWS} trong ${TOTAL} máy.`);
    expect(page.body).toContain('Trang 1 / 3');
    // The pager: a labelled nav, the current page marked, a next link and no previous one on page 1.
    expect(page.body).toContain('<nav class="pager no-print" aria-label="Các trang danh sách máy">');
    expect(page.body).toContain('<a href="/admin/fleet" aria-current="page" aria-label="Trang 1 / 3"><strong>1</strong></a>');
    expect(page.body).toContain('<a href="/admin/fleet?page=2" aria-label="Trang 2 / 3">2</a>');
    expect(page.body).toContain('<a href="/admin/fleet?page=2" rel="next">');
    expect(page.body).not.toContain('rel="prev"');
    const pager = /<nav class="pager[\s\S]*?<\/nav>/.exec(page.body)![0];
    expect(pager.match(/aria-current="page"/g)).toHaveLength(1);
    expect(pager).not.toContain('page=3" aria-current');
    // At 175% text the table is wider than a tablet: it scrolls in a box of its own, reachable by
    // keyboard, instead of pushing the whole page sideways.
    expect(page.body).toContain('<div class="table-wrap" tabindex="0"><table>');
  });

  it('continues on page 2 where page 1 stopped, and the pages together are the JSON fleet in its order', async () => {
    const c = await fleetOf();
    const json = JSON.parse((await c.get('/api/v1/admin/fleet')).body) as FleetJson;
    // The JSON API is not paged: every device, in the page's order.
    expect(json.devices).toHaveLength(TOTAL);
    const order = json.devices.map((d) => d.label);

    const second = await c.get('/admin/fleet?page=2');
    expect(rowsOf(second.body).map((r) => r.label)).toEqual(order.slice(FLEET_PAGE_ROWS, 2 * FLEET_PAGE_ROWS));
    expect(second.body).toContain(SUMMARY);
    expect(second.body).toContain(`Đang xem máy thứ ${FLEET_PAGE_ROWS + 1}–${2 * FLEET_PAGE_ROWS} trong ${TOTAL} máy.`);
    expect(second.body).toContain('<a href="/admin/fleet" rel="prev">');
    expect(second.body).toContain('<a href="/admin/fleet?page=2" aria-current="page" aria-label="Trang 2 / 3"><strong>2</strong></a>');

    const last = await c.get('/admin/fleet?page=3');
    const lastRows = rowsOf(last.body);
    expect(lastRows).toHaveLength(TOTAL - 2 * FLEET_PAGE_ROWS);
    expect(lastRows.slice(-REVOKED).every((r) => r.state === 'revoked')).toBe(true);
    expect(last.body).toContain(SUMMARY);
    expect(last.body).not.toContain('rel="next"');

    const walked = await walkPages(c, '/admin/fleet');
    expect(walked).toEqual({ labels: order, pages: 3 });
  });

  it('shows the last page, and says so, for a page past the last one', async () => {
    const c = await fleetOf();
    const past = await c.get('/admin/fleet?page=99');
    expect(past.statusCode).toBe(200);
    expect(past.body).toContain('Không có trang 99: danh sách chỉ có 3 trang, đây là trang cuối.');
    expect(rowsOf(past.body)).toEqual(rowsOf((await c.get('/admin/fleet?page=3')).body));
    expect(past.body).toContain('Trang 3 / 3');
    expect(past.body).toContain(SUMMARY);
  });

  for (const bad of ['abc', '0', '-1', '1.5', '2e1', '1234567890']) {
    it(`answers 400 naming the page parameter for page=${bad}, with the counts and the search kept`, async () => {
      const c = await fleetOf();
      const answer = await c.get(`/admin/fleet?page=${encodeURIComponent(bad)}&q=CQ1`);
      expect(answer.statusCode).toBe(400);
      expect(answer.body).toContain('Bộ lọc chưa đúng:');
      expect(answer.body).toContain(`?.page: expected a page number (a whole number from 1), found &quot;${bad}&quot;`);
      expect(answer.body).toContain(SUMMARY);
      expect(answer.body).toContain('name="q" value="CQ1"');
      expect(rowsOf(answer.body)).toEqual([]);
    });
  }

  it('answers 400 for an unknown state or an unknown parameter, naming it', async () => {
    const c = await fleetOf();
    const state = await c.get('/admin/fleet?state=broken');
    expect(state.statusCode).toBe(400);
    expect(state.body).toContain('?.state: expected one of');
    const unknown = await c.get('/admin/fleet?pgae=2');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('?.pgae: expected no such key (allowed: page, q, state)');
    // The language switch is not a filter.
    expect((await c.get('/admin/fleet?lang=en&page=2')).statusCode).toBe(200);
  });
});

describe('fleet page: reaching any device', () => {
  it('finds a device on a later page by its label typed without Vietnamese marks, its counter code or its agency code', async () => {
    const c = await fleetOf();
    const order = (JSON.parse((await c.get('/api/v1/admin/fleet')).body) as FleetJson).devices;
    // A healthy device on the last page unfiltered.
    const far = order.filter((d) => d.state === 'ok' && d.label.startsWith('Máy ')).at(-1)!;
    expect(order.indexOf(far)).toBeGreaterThanOrEqual(2 * FLEET_PAGE_ROWS);
    const byLabel = await c.get(`/admin/fleet?q=${encodeURIComponent(far.label.replace('Máy', 'may'))}`);
    expect(rowsOf(byLabel.body).map((r) => r.label)).toEqual([far.label]);
    expect(byLabel.body).toContain(`Đang xem máy thứ 1–1 trong 1 máy khớp (tổng cộng ${TOTAL} máy).`);
    expect(byLabel.body).toContain(SUMMARY); // counts stay the whole fleet's
    expect(byLabel.body).not.toContain('<nav class="pager');

    const byCounter = await c.get(`/admin/fleet?q=${encodeURIComponent(far.counterCode.toLowerCase())}`);
    expect(rowsOf(byCounter.body).map((r) => r.label)).toContain(far.label);
    const byPlace = await c.get(`/admin/fleet?q=${encodeURIComponent(`${far.agencyCode}/${far.counterCode}`)}`);
    expect(rowsOf(byPlace.body).map((r) => r.label)).toEqual([far.label]);

    const byId = await c.get(`/admin/fleet?q=${far.id.slice(0, 8).toUpperCase()}`);
    expect(rowsOf(byId.body).map((r) => r.label)).toEqual([far.label]);

    const agency = await c.get('/admin/fleet?q=CQ3');
    expect(rowsOf(agency.body).map((r) => r.label)).toEqual(order.filter((d) => d.agencyCode === 'CQ3').map((d) => d.label));
    expect(await c.get('/admin/fleet?q=kh%C3%B4ng-c%C3%B3')).toMatchObject({ statusCode: 200 });
    expect((await c.get('/admin/fleet?q=kh%C3%B4ng-c%C3%B3')).body).toContain('Không có máy nào khớp với tìm kiếm này.');
  });

  it('narrows by state, and its page links keep the filter', async () => {
    const c = await fleetOf();
    const order = (JSON.parse((await c.get('/api/v1/admin/fleet')).body) as FleetJson).devices;
    const healthy = order.filter((d) => d.state === 'ok').map((d) => d.label);
    const first = await c.get('/admin/fleet?state=ok');
    expect(first.body).toContain('<a href="/admin/fleet?state=ok&amp;page=2" rel="next">');
    expect(first.body).toContain('<option value="ok" selected>');
    expect(first.body).toContain(SUMMARY);
    expect(await walkPages(c, '/admin/fleet?state=ok')).toEqual({ labels: healthy, pages: Math.ceil(OK / FLEET_PAGE_ROWS) });
    const revoked = rowsOf((await c.get('/admin/fleet?state=revoked')).body);
    expect(revoked.map((r) => r.state)).toEqual(Array(REVOKED).fill('revoked'));
  });

  it('reaches every device by following the pages, each exactly once', async () => {
    const c = await fleetOf();
    const { labels } = await walkPages(c, '/admin/fleet');
    const all = await c.store.listDevices();
    expect([...labels].sort()).toEqual(all.map((d) => d.label).sort());
    expect(new Set(labels).size).toBe(TOTAL);
  });

  it('escapes the search text it shows back, and speaks English when asked', async () => {
    const c = await fleetOf();
    const xss = await c.get(`/admin/fleet?q=${encodeURIComponent('"><script>alert(1)</script>')}`);
    expect(xss.body).not.toContain('<script>alert(1)');
    expect(xss.body).toContain('value="&quot;>&lt;script>alert(1)&lt;/script>"');
    const english = await c.get('/admin/fleet?page=2&lang=en');
    expect(english.body).toContain(`Showing devices ${FLEET_PAGE_ROWS + 1}–${2 * FLEET_PAGE_ROWS} of ${TOTAL}.`);
    expect(english.body).toContain('aria-label="Pages of the device list"');
    expect(english.body).toContain('Page 2 of 3');
  });
});

describe('pageOfFleet', () => {
  const entry = (i: number, state: FleetEntry['state']): FleetEntry =>
    ({ id: `d${i}`, label: `Quầy ${i}`, agencyCode: 'SNV', counterCode: `Q${i}`, state }) as FleetEntry;
  const fleet = [entry(1, 'attention'), entry(2, 'attention'), entry(3, 'ok'), entry(4, 'ok'), entry(5, 'ok'), entry(6, 'revoked')];
  const cases: Array<{ name: string; query: FleetQuery; ids: string[]; page: number; pages: number; pastLast: number | null; matching: number }> = [
    { name: 'first page', query: { page: 1 }, ids: ['d1', 'd2'], page: 1, pages: 3, pastLast: null, matching: 6 },
    { name: 'last page', query: { page: 3 }, ids: ['d5', 'd6'], page: 3, pages: 3, pastLast: null, matching: 6 },
    { name: 'past the last page', query: { page: 7 }, ids: ['d5', 'd6'], page: 3, pages: 3, pastLast: 7, matching: 6 },
    { name: 'state filter', query: { page: 2, state: 'ok' }, ids: ['d5'], page: 2, pages: 2, pastLast: null, matching: 3 },
    { name: 'search, every word', query: { page: 1, q: 'quay  q4 snv' }, ids: ['d4'], page: 1, pages: 1, pastLast: null, matching: 1 },
    { name: 'a short word is not taken as the start of an id', query: { page: 1, q: 'd1' }, ids: [], page: 1, pages: 1, pastLast: null, matching: 0 },
    { name: 'nothing found', query: { page: 2, q: 'nowhere' }, ids: [], page: 1, pages: 1, pastLast: 2, matching: 0 },
  ];
  for (const c of cases) {
    it(`pages the ordered fleet: ${c.name}`, () => {
      const view = pageOfFleet(fleet, c.query, 2);
      expect(view.rows.map((r) => r.id)).toEqual(c.ids);
      expect(view).toMatchObject({ page: c.page, pages: c.pages, pastLast: c.pastLast, matching: c.matching, total: 6 });
      expect(view.counts).toEqual({ attention: 2, ok: 3, revoked: 1 });
    });
  }

  it('folds Vietnamese marks and đ for the search', () => {
    expect(searchFold('Đồng Tháp — Quầy Một')).toBe('dong thap — quay mot');
    expect(searchFold('ĐỨC')).toBe('duc');
  });
});
