import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  ensureAdminPassword,
  LoginThrottle,
  hashPassword,
  SESSION_COOKIE,
  verifyPassword,
} from '../../../src/collector/staff-pages';
import { createCollector, openStore, setAdminPassword, type CollectorStore, type ThrottleOptions } from '../../../src/collector';
import { ADMIN_PASSWORD, DEFINITIONS, ORIGIN, signIn, startTestCollector, tempDatabase, type TestCollector, deferCleanups, adminCollectors, TEST_SCRYPT_COST } from '../helpers';
import { storedBytes } from '../test-databases';
import { openSqliteStore } from '../../../src/collector';

const defer = deferCleanups();

const admin = adminCollectors(defer);

/**
 * Sets the staff password at the tests' cheap scrypt cost (it travels with the hash, so every check
 * of it is cheap too): for cases about sessions and lock-outs, not the hash. The production cost is
 * pinned by "stores the password … only as hashes" and the password hashing cases, and kept where
 * 40 parallel guesses race one slow check.
 */
const setCheapPassword = (store: CollectorStore, password: string, now?: Date) => setAdminPassword(store, password, now, 'admin-cli', TEST_SCRYPT_COST);

async function plain(options: Parameters<typeof startTestCollector>[0] = {}): Promise<TestCollector> {
  const c = await startTestCollector(options);
  defer(() => c.close());
  return c;
}

/** Every staff page, as method and path. */
const PAGE_ROUTES: Array<[string, string]> = [
  ['GET', '/admin'],
  ['GET', '/admin/fleet'],
  ['GET', '/admin/devices'],
  ['POST', '/admin/devices'],
  ['POST', '/admin/devices/00000000-0000-4000-8000-000000000000/rotate'],
  ['POST', '/admin/devices/00000000-0000-4000-8000-000000000000/revoke'],
  ['GET', '/admin/export'],
  ['GET', '/admin/import'],
  ['GET', '/admin/report'],
  ['GET', '/admin/report?definition=sipas-test'],
  ['GET', '/admin/audit'],
  ['GET', '/admin/audit?action=signIn&from=2026-03-01'],
  ['GET', '/admin/no-such-page'],
];

/** Every staff API route. */
const API_ROUTES: Array<[string, string]> = [
  ['GET', '/api/v1/admin/fleet'],
  ['GET', '/api/v1/admin/report'],
  ['GET', '/api/v1/admin/responses.csv'],
  ['GET', '/api/v1/admin/responses.xlsx'],
  ['GET', '/api/v1/admin/responses.json'],
  ['POST', '/api/v1/admin/imports'],
  ['GET', '/api/v1/admin/audit'],
  ['GET', '/api/v1/admin/no-such-route'],
];

/** A Set-Cookie value as its name=value and its attributes, in any order (RFC 6265 gives the order no meaning). */
function cookieParts(setCookie: string): string[] {
  const [pair, ...attributes] = setCookie.split('; ');
  return [pair, ...attributes.sort()];
}

const UNAUTHORIZED = { error: 'unauthorized', message: 'staff sign-in required: sign in at /admin/login' };

describe('staff routes without a valid session', () => {
  it('send every page to the sign-in page and every API route a JSON 401, whatever the cookie', async () => {
    let clock = new Date('2026-03-02T02:00:00.000Z');
    const c = await admin({ now: () => clock });
    // A session that has expired: signed in more than 8 hours ago.
    clock = new Date(clock.getTime() + 8 * 60 * 60 * 1000 + 1);
    const cookies: Array<[string, Record<string, string>]> = [
      ['no cookie', {}],
      ['made-up session', { cookie: `${SESSION_COOKIE}=${'A'.repeat(43)}` }],
      ['empty session', { cookie: `${SESSION_COOKIE}=` }],
      ['expired session', { cookie: c.cookie }],
      ['device token as cookie', { cookie: `${SESSION_COOKIE}=${c.token}` }],
    ];
    for (const [name, headers] of cookies) {
      for (const [method, url] of PAGE_ROUTES) {
        const answer = await c.app.inject({
          method: method as 'GET' | 'POST',
          url,
          headers: { ...headers, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
          payload: method === 'POST' ? 'label=x&agencyCode=y&counterCode=z' : undefined,
        });
        expect(answer.statusCode, `${name} ${method} ${url}`).toBe(303);
        expect(answer.headers.location, `${name} ${method} ${url}`).toMatch(/^\/admin\/login(\?|$)/);
        expect(answer.body, `${name} ${method} ${url}`).toBe('');
      }
      for (const [method, url] of API_ROUTES) {
        const answer = await c.app.inject({
          method: method as 'GET' | 'POST',
          url,
          headers: { ...headers, origin: ORIGIN, 'content-type': 'application/json' },
          payload: method === 'POST' ? '{}' : undefined,
        });
        expect(answer.statusCode, `${name} ${method} ${url}`).toBe(401);
        expect(JSON.parse(answer.body), `${name} ${method} ${url}`).toEqual(UNAUTHORIZED);
        expect(answer.headers['access-control-allow-origin'], url).toBeUndefined();
      }
    }
    // Nothing was registered by the refused POSTs.
    expect((await c.store.listDevices()).map((d) => d.label)).toEqual(['Quầy 1']);
  });

  it('remembers the page asked for and returns to it after signing in, but never leaves /admin', async () => {
    const c = await plain();
    await setCheapPassword(c.store, ADMIN_PASSWORD);
    const refused = await c.app.inject({ method: 'GET', url: '/admin/report?agency=SNV' });
    expect(refused.headers.location).toBe(`/admin/login?next=${encodeURIComponent('/admin/report?agency=SNV')}`);
    const page = await c.app.inject({ method: 'GET', url: refused.headers.location as string });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="next" value="/admin/report?agency=SNV"');
    const signIn = (next: string) =>
      c.app.inject({
        method: 'POST',
        url: '/admin/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
        payload: new URLSearchParams({ password: ADMIN_PASSWORD, next }).toString(),
      });
    expect((await signIn('/admin/report?agency=SNV')).headers.location).toBe('/admin/report?agency=SNV');
    for (const next of ['https://evil.example/admin', '//evil.example/admin', '/administrator', '/api/v1/admin/fleet', '/admin\\@evil', '/admin/login']) {
      expect((await signIn(next)).headers.location, next).toBe('/admin/fleet');
    }
  });

  it('refuses an upload without a session before reading its body', async () => {
    const c = await admin();
    const answer = await c.app.inject({
      method: 'POST',
      url: '/api/v1/admin/imports',
      headers: { 'content-type': 'application/json', origin: ORIGIN },
      payload: 'x'.repeat(5 * 1024 * 1024),
    });
    expect(answer.statusCode).toBe(401);
  });
});

describe('staff sign-in', () => {
  it('sets the session cookie HttpOnly, SameSite=Strict on /admin and /api/v1/admin, and the session opens every page', async () => {
    const c = await admin();
    const answer = await c.app.inject({
      method: 'POST',
      url: '/admin/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
      payload: `password=${encodeURIComponent(ADMIN_PASSWORD)}`,
    });
    expect(answer.statusCode).toBe(303);
    expect(answer.headers.location).toBe('/admin/fleet');
    const cookies = answer.headers['set-cookie'] as string[];
    expect(cookies).toHaveLength(2);
    const id = /^sipas_admin=([A-Za-z0-9_-]{43});/.exec(cookies[0])![1];
    expect(cookieParts(cookies[0])).toEqual(cookieParts(`sipas_admin=${id}; Path=/admin; Max-Age=28800; HttpOnly; SameSite=Strict`));
    expect(cookieParts(cookies[1])).toEqual(cookieParts(`sipas_admin=${id}; Path=/api/v1/admin; Max-Age=28800; HttpOnly; SameSite=Strict`));
    for (const [method, url] of PAGE_ROUTES.filter(([m, u]) => m === 'GET' && u !== '/admin' && u !== '/admin/no-such-page')) {
      const page = await c.app.inject({ method: method as 'GET', url, headers: { cookie: `sipas_admin=${id}` } });
      expect(page.statusCode, url).toBe(200);
      expect(page.headers['content-type'], url).toBe('text/html; charset=utf-8');
      expect(page.headers['cache-control'], url).toBe('no-store');
      expect(page.headers['content-security-policy'], url).toMatch(/script-src 'nonce-[^']+'/);
      expect(page.body, url).toMatch(/^<!doctype html>\n<html lang="vi">/);
    }
    expect((await c.app.inject({ method: 'GET', url: '/admin/no-such-page', headers: { cookie: `sipas_admin=${id}` } })).statusCode).toBe(404);
    const api = await c.app.inject({ method: 'GET', url: '/api/v1/admin/fleet', headers: { cookie: `sipas_admin=${id}` } });
    expect(api.statusCode).toBe(200);
  });

  it('marks the cookies Secure when the collector is reached over https', async () => {
    const c = await admin({ publicUrl: 'https://sipas.example.gov.vn' });
    const answer = await c.app.inject({
      method: 'POST',
      url: '/admin/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://sipas.example.gov.vn' },
      payload: `password=${encodeURIComponent(ADMIN_PASSWORD)}`,
    });
    expect(answer.statusCode).toBe(303);
    for (const cookie of answer.headers['set-cookie'] as string[]) expect(cookieParts(cookie)).toContain('Secure');
  });

  it('fails a wrong password and locks the address for a growing, capped time, also for the right password', async () => {
    let clock = new Date('2026-03-02T02:00:00.000Z');
    const c = await admin({ now: () => clock, loginThrottle: { baseMs: 1000, maxMs: 8000 } });
    const attempt = (password: string, ip = '10.0.0.7') =>
      c.app.inject({
        method: 'POST',
        url: '/admin/login',
        remoteAddress: ip,
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
        payload: new URLSearchParams({ password }).toString(),
      });
    const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));

    const first = await attempt('mật khẩu sai 2026');
    expect(first.statusCode).toBe(401);
    expect(first.body).toContain('Mật khẩu không đúng.');
    expect(first.headers['set-cookie']).toBeUndefined();
    expect(first.headers['retry-after']).toBe('1');

    // Within the lock even the right password is refused, without being checked.
    const locked = await attempt(ADMIN_PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.body).toContain('Xin đợi 1 giây');
    expect(locked.headers['set-cookie']).toBeUndefined();

    // Another address is not affected.
    expect((await attempt(ADMIN_PASSWORD, '10.0.0.8')).statusCode).toBe(303);

    const locks: string[] = [];
    for (let i = 0; i < 5; i++) {
      advance(Number(locks.at(-1) ?? first.headers['retry-after']) * 1000);
      const answer = await attempt('still wrong password');
      expect(answer.statusCode).toBe(401);
      locks.push(answer.headers['retry-after'] as string);
    }
    expect(locks).toEqual(['2', '4', '8', '8', '8']);
    advance(7999);
    expect((await attempt(ADMIN_PASSWORD)).statusCode).toBe(429);
    advance(1);
    expect((await attempt(ADMIN_PASSWORD)).statusCode).toBe(303);
    // Success starts the count again.
    expect((await attempt('wrong again, once')).headers['retry-after']).toBe('1');
  });

  it('stores the password and the session ids only as hashes', async () => {
    const db = tempDatabase();
    defer(db.cleanup);
    const store = openSqliteStore(db.file);
    await setAdminPassword(store, ADMIN_PASSWORD);
    await store.close();
    const c = await plain();
    await setAdminPassword(c.store, ADMIN_PASSWORD);
    const cookie = await signIn(c.app);
    const sessionId = cookie.slice(`${SESSION_COOKIE}=`.length);
    // Everything both databases hold: the files, or on PostgreSQL every row of the collector's schema.
    const collectorBytes = await storedBytes(c.file);
    const files = [...collectorBytes, ...(await storedBytes(db.file))];
    const needles = [
      Buffer.from(ADMIN_PASSWORD, 'utf8'),
      Buffer.from(ADMIN_PASSWORD.normalize('NFD'), 'utf8'),
      Buffer.from('thử 2026', 'utf8'),
      Buffer.from(sessionId, 'utf8'),
      Buffer.from(sessionId, 'base64url'),
    ];
    for (const bytes of files) for (const needle of needles) expect(bytes.includes(needle)).toBe(false);
    // The check can fail: the scrypt parameters (stored in clear with the hash) are found the same way.
    expect(files.some((bytes) => bytes.includes(Buffer.from('scrypt$32768$8$1$')))).toBe(true);
    expect(collectorBytes.some((bytes) => bytes.includes(Buffer.from('scrypt$32768$8$1$')))).toBe(true);
    expect(await c.store.getAdminPasswordHash()).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  });

  it('signs out: the session stops working even if its cookie is replayed', async () => {
    const c = await admin();
    const out = await c.post('/admin/logout', {});
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/admin/login?out=1');
    const cleared = (out.headers['set-cookie'] as string[]).map(cookieParts);
    expect(cleared).toEqual([
      cookieParts('sipas_admin=; Path=/admin; Max-Age=0; HttpOnly; SameSite=Strict'),
      cookieParts('sipas_admin=; Path=/api/v1/admin; Max-Age=0; HttpOnly; SameSite=Strict'),
    ]);
    expect((await c.get('/admin/fleet')).statusCode).toBe(303);
    expect((await c.get('/api/v1/admin/fleet')).statusCode).toBe(401);
    const page = await c.app.inject({ method: 'GET', url: '/admin/login?out=1' });
    expect(page.body).toContain('Bạn đã đăng xuất.');
  });

  it('signs every session out when the password changes', async () => {
    let clock = new Date('2026-03-02T02:00:00.000Z');
    const c = await admin({ now: () => clock });
    expect((await c.get('/admin/fleet')).statusCode).toBe(200);
    await setCheapPassword(c.store, 'một mật khẩu mới hơn', clock);
    expect((await c.get('/admin/fleet')).statusCode).toBe(303);
    await expect(signIn(c.app)).rejects.toThrow(/401/);
    clock = new Date(clock.getTime() + 1000);
    expect(await signIn(c.app, 'một mật khẩu mới hơn')).toMatch(/^sipas_admin=/);
  });

  it('tells staff how to set a password when none is set, and signs nobody in', async () => {
    const c = await plain();
    const page = await c.app.inject({ method: 'GET', url: '/admin/login' });
    expect(page.body).toContain('admin-cli.ts set-password');
    const attempt = await c.app.inject({
      method: 'POST',
      url: '/admin/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
      payload: 'password=',
    });
    expect(attempt.statusCode).toBe(403);
    expect(attempt.headers['set-cookie']).toBeUndefined();
  });
});

describe('cross-site request forgery', () => {
  it('refuses state-changing requests whose Origin or Referer is not this collector', async () => {
    const c = await admin();
    // With the place names the registration form requires (issue 10, one rule for places).
    const register = { label: 'Quầy giả', agencyName: 'Sở Giả', agencyCode: 'X', counterName: 'Quầy Y', counterCode: 'Y' };
    const cases: Array<[string, Record<string, string>, number]> = [
      ['other origin', { origin: 'https://evil.example' }, 403],
      ['sibling origin', { origin: 'http://localhost:8081' }, 403],
      ['other scheme', { origin: 'https://localhost' }, 403],
      ['origin null, no referer', { origin: 'null' }, 403],
      ['neither origin nor referer', { origin: '' }, 403],
      ['other referer', { origin: '', referer: 'https://evil.example/admin/devices' }, 403],
      ['own referer', { origin: '', referer: `${ORIGIN}/admin/devices` }, 200],
      ['own origin', { origin: ORIGIN }, 200],
      ['own origin with its default port', { origin: 'http://localhost:80' }, 200],
    ];
    for (const [name, headers, status] of cases) {
      const clean = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== ''));
      const answer = await c.app.inject({
        method: 'POST',
        url: '/admin/devices',
        headers: { cookie: c.cookie, 'content-type': 'application/x-www-form-urlencoded', ...clean },
        payload: new URLSearchParams(register).toString(),
      });
      expect(answer.statusCode, name).toBe(status);
      if (status === 403) expect(answer.body, name).toContain('bị từ chối');
    }
    expect((await c.store.listDevices()).filter((d) => d.label === 'Quầy giả')).toHaveLength(3);

    const api = await c.app.inject({
      method: 'POST',
      url: '/api/v1/admin/imports',
      headers: { cookie: c.cookie, 'content-type': 'application/json', origin: 'https://evil.example' },
      payload: '{}',
    });
    expect(api.statusCode).toBe(403);
    expect(JSON.parse(api.body)).toMatchObject({ error: 'forbidden' });

    const login = await c.app.inject({
      method: 'POST',
      url: '/admin/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      payload: `password=${encodeURIComponent(ADMIN_PASSWORD)}`,
    });
    expect(login.statusCode).toBe(403);
    expect(login.headers['set-cookie']).toBeUndefined();
  });
});

describe('password hashing', () => {
  it('verifies the same password however its diacritics are encoded, and nothing else', async () => {
    const hash = await hashPassword('Hà Nội mùa thu');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('Hà Nội mùa thu', hash)).toBe(true);
    expect(await verifyPassword('Hà Nội mùa thu'.normalize('NFD'), hash)).toBe(true);
    expect(await verifyPassword('Ha Noi mua thu', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
    expect(await hashPassword('Hà Nội mùa thu')).not.toBe(hash);
    expect(await verifyPassword('x', 'scrypt$1073741824$8$1$AAAA$AAAA')).toBe(false);
    expect(await verifyPassword('x', 'plain text')).toBe(false);
  });

  it('takes COLLECTOR_ADMIN_PASSWORD only when no password is set, and makes one up in demo mode', async () => {
    const c = await plain();
    await expect(ensureAdminPassword(c.store, { envPassword: 'short', demo: false })).rejects.toThrow(/at least 10 characters/);
    expect(await ensureAdminPassword(c.store, { envPassword: undefined, demo: false })).toEqual({ kind: 'none' });
    expect(await ensureAdminPassword(c.store, { envPassword: 'mật khẩu từ môi trường', demo: true })).toEqual({ kind: 'env' });
    expect(await signIn(c.app, 'mật khẩu từ môi trường')).toMatch(/^sipas_admin=/);
    expect(await ensureAdminPassword(c.store, { envPassword: 'một mật khẩu khác nữa', demo: true })).toEqual({ kind: 'existing', envIgnored: true });
    await expect(signIn(c.app, 'một mật khẩu khác nữa')).rejects.toThrow();

    const d = await plain();
    const demo = await ensureAdminPassword(d.store, { demo: true });
    expect(demo.kind).toBe('demo');
    const password = (demo as { password: string }).password;
    expect(password).toMatch(/^([a-z]+-){5}\d{2}$/);
    expect(await signIn(d.app, password)).toMatch(/^sipas_admin=/);
    expect(await ensureAdminPassword(d.store, { demo: true })).toEqual({ kind: 'existing', envIgnored: false });
  });
});

describe('helpers', () => {
  it('reads the session from a Cookie header as browsers send it: among other cookies, the first of a repeated name', async () => {
    const c = await admin();
    const id = c.cookie.slice(`${SESSION_COOKIE}=`.length);
    const status = async (cookie: string) => (await c.app.inject({ method: 'GET', url: '/api/v1/admin/fleet', headers: { cookie } })).statusCode;
    expect(await status(`a=1; bad=%E0%A4%A; =nameless; flag; ${SESSION_COOKIE}=${id}; ${SESSION_COOKIE}=second`)).toBe(200);
    expect(await status(`${SESSION_COOKIE}=second; ${SESSION_COOKIE}=${id}`)).toBe(401);
    expect(await status(`${SESSION_COOKIE.toUpperCase()}=${id}`)).toBe(401);
  });

  it('forgets an address after an hour of quiet and remembers a bounded number of addresses', async () => {
    // (Was an in-memory Map; the lock-out now lives in the database, so the same rules are checked through a store.)
    const c = await plain();
    let now = Date.parse('2026-03-02T02:00:00.000Z');
    const throttle = new LoginThrottle(c.store, () => now, { baseMs: 1000, maxMs: 60_000, forgetMs: 3_600_000, maxEntries: 2 });
    const fail = async (address: string) => {
      const attempt = await throttle.attempt(address);
      if (!attempt.go) throw new Error(`${address} refused for ${attempt.waitMs} ms`);
      return attempt.failed();
    };
    const waitMs = async (address: string) => {
      const attempt = await throttle.attempt(address);
      if (attempt.go) await attempt.release();
      return attempt.go ? 0 : attempt.waitMs;
    };
    expect(await fail('a')).toBe(1000);
    now += 1000;
    expect(await fail('a')).toBe(2000);
    now += 3_600_000;
    expect(await fail('a')).toBe(1000);
    now += 1;
    await fail('b');
    now += 1;
    await fail('c');
    // Three addresses, two kept: the one that failed longest ago is forgotten.
    expect(await waitMs('a')).toBe(0);
    expect(await waitMs('c')).toBe(1000);
    expect(await waitMs('b')).toBe(999);
  });
});

/** A collector of our own on `file`, its store wrapped to count the password checks (each reads the hash once). */
async function countingCollector(file: string, options: { now: () => Date; loginThrottle?: ThrottleOptions; trustProxy?: readonly string[] }) {
  const store = await openStore(file);
  let checks = 0;
  const counted: CollectorStore = {
    ...store,
    getAdminPasswordHash: async () => {
      checks++;
      return store.getAdminPasswordHash();
    },
  };
  const app = await createCollector({ store: counted, definitions: DEFINITIONS, ...options });
  defer(async () => {
    await app.close();
    await store.close();
  });
  return { app, store, checks: () => checks };
}

/** A sign-in attempt through the form, from `ip`. */
function attemptFrom(app: FastifyInstance, password: string, ip = '10.0.0.7', headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/admin/login',
    remoteAddress: ip,
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, ...headers },
    payload: new URLSearchParams({ password }).toString(),
  });
}

describe('sign-in lock-out kept in the database', () => {
  it('checks exactly one of 40 parallel guesses right after a lock expires, and refuses the rest unchecked', async () => {
    const db = tempDatabase();
    defer(db.cleanup);
    let clock = new Date('2026-03-02T02:00:00.000Z');
    const c = await countingCollector(db.file, { now: () => clock });
    await setAdminPassword(c.store, ADMIN_PASSWORD, clock);
    expect((await attemptFrom(c.app, 'sai lần một')).statusCode).toBe(401);
    clock = new Date(clock.getTime() + 1000);
    const before = c.checks();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => attemptFrom(c.app, `đoán song song ${i}`)));
    expect(c.checks() - before).toBe(1);
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses).toEqual([401, ...Array<number>(39).fill(429)]);
    for (const refused of answers.filter((a) => a.statusCode === 429)) {
      expect(refused.headers['retry-after']).toMatch(/^[12]$/);
      expect(refused.headers['set-cookie']).toBeUndefined();
    }
    // The one checked guess was the second failure: the lock doubled, and only then is the next one checked.
    clock = new Date(clock.getTime() + 1999);
    expect((await attemptFrom(c.app, ADMIN_PASSWORD)).statusCode).toBe(429);
    clock = new Date(clock.getTime() + 1);
    expect((await attemptFrom(c.app, ADMIN_PASSWORD)).statusCode).toBe(303);
  });

  it('checks no password at all while locked, even 40 right ones in parallel', async () => {
    const db = tempDatabase();
    defer(db.cleanup);
    const clock = new Date('2026-03-02T02:00:00.000Z');
    const c = await countingCollector(db.file, { now: () => clock });
    await setCheapPassword(c.store, ADMIN_PASSWORD, clock);
    expect((await attemptFrom(c.app, 'sai lần một')).statusCode).toBe(401);
    const before = c.checks();
    const answers = await Promise.all(Array.from({ length: 40 }, () => attemptFrom(c.app, ADMIN_PASSWORD)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array<number>(40).fill(429));
    expect(c.checks() - before).toBe(0);
  });

  it('serialises guesses sent to two collectors on one database: one check between them', async () => {
    const db = tempDatabase();
    defer(db.cleanup);
    let clock = new Date('2026-03-02T02:00:00.000Z');
    const one = await countingCollector(db.file, { now: () => clock });
    const two = await countingCollector(db.file, { now: () => clock });
    await setAdminPassword(one.store, ADMIN_PASSWORD, clock);
    expect((await attemptFrom(one.app, 'sai ở máy một')).statusCode).toBe(401);
    // The lock set through one collector holds at the other.
    expect((await attemptFrom(two.app, ADMIN_PASSWORD)).statusCode).toBe(429);
    clock = new Date(clock.getTime() + 1000);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => attemptFrom(i % 2 === 0 ? one.app : two.app, `đoán ${i}`)));
    expect(answers.filter((a) => a.statusCode === 401)).toHaveLength(1);
    expect(answers.filter((a) => a.statusCode === 429)).toHaveLength(39);
    expect(one.checks() + two.checks()).toBe(2);
  });

  it('keeps the lock across a restart of the collector', async () => {
    const db = tempDatabase();
    defer(db.cleanup);
    let clock = new Date('2026-03-02T02:00:00.000Z');
    const first = await countingCollector(db.file, { now: () => clock });
    await setCheapPassword(first.store, ADMIN_PASSWORD, clock);
    for (let i = 0; i < 3; i++) {
      expect((await attemptFrom(first.app, `sai ${i}`)).statusCode).toBe(401);
      clock = new Date(clock.getTime() + 1000 * 2 ** i);
    }
    expect((await attemptFrom(first.app, 'sai lần bốn')).headers['retry-after']).toBe('8');
    await first.app.close();
    await first.store.close();
    const second = await countingCollector(db.file, { now: () => clock });
    const locked = await attemptFrom(second.app, ADMIN_PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBe('8');
    expect(second.checks()).toBe(0);
    clock = new Date(clock.getTime() + 8000);
    expect((await attemptFrom(second.app, ADMIN_PASSWORD)).statusCode).toBe(303);
  });

  it('frees the address at once when an attempt ends without a check (no password set yet)', async () => {
    const db = tempDatabase();
    defer(db.cleanup);
    const clock = new Date('2026-03-02T02:00:00.000Z');
    const c = await countingCollector(db.file, { now: () => clock });
    expect((await attemptFrom(c.app, 'bất kỳ')).statusCode).toBe(403);
    await setCheapPassword(c.store, ADMIN_PASSWORD, clock);
    expect((await attemptFrom(c.app, ADMIN_PASSWORD)).statusCode).toBe(303);
  });
});

describe('sign-in behind a reverse proxy', () => {
  const PROXY = '127.0.0.1';
  const viaProxy = (app: FastifyInstance, password: string, client: string) => attemptFrom(app, password, PROXY, { 'x-forwarded-for': client });

  it('with the proxy trusted, locks only the client X-Forwarded-For names, and records that address', async () => {
    const db = tempDatabase();
    defer(db.cleanup);
    const clock = new Date('2026-03-02T02:00:00.000Z');
    const c = await countingCollector(db.file, { now: () => clock, trustProxy: [PROXY] });
    await setCheapPassword(c.store, ADMIN_PASSWORD, clock);
    expect((await viaProxy(c.app, 'sai mật khẩu', '203.0.113.5')).statusCode).toBe(401);
    expect((await viaProxy(c.app, ADMIN_PASSWORD, '203.0.113.5')).statusCode).toBe(429);
    expect((await viaProxy(c.app, ADMIN_PASSWORD, '203.0.113.6')).statusCode).toBe(303);
    // A client further down a chain of proxies: the right-most untrusted address counts.
    expect((await viaProxy(c.app, ADMIN_PASSWORD, '198.51.100.1, 203.0.113.5')).statusCode).toBe(429);
    const entries = await c.store.listAudit({ action: 'signIn', limit: 10 });
    expect(entries.map((e) => [e.address, e.outcome])).toEqual([
      ['203.0.113.6', 'success'],
      ['203.0.113.5', 'failure'],
    ]);
  });

  it('believes no X-Forwarded-For from anyone but a trusted proxy', async () => {
    const db = tempDatabase();
    defer(db.cleanup);
    const clock = new Date('2026-03-02T02:00:00.000Z');
    const untrusted = await countingCollector(db.file, { now: () => clock });
    await setCheapPassword(untrusted.store, ADMIN_PASSWORD, clock);
    // Without --trust-proxy a forged header changes nothing: the lock is on the connection's address.
    expect((await attemptFrom(untrusted.app, 'sai', '10.9.9.9', { 'x-forwarded-for': '203.0.113.5' })).statusCode).toBe(401);
    expect((await attemptFrom(untrusted.app, ADMIN_PASSWORD, '10.9.9.9', { 'x-forwarded-for': '203.0.113.99' })).statusCode).toBe(429);

    const db2 = tempDatabase();
    defer(db2.cleanup);
    const trusting = await countingCollector(db2.file, { now: () => clock, trustProxy: ['10.0.0.0/24'] });
    await setCheapPassword(trusting.store, ADMIN_PASSWORD, clock);
    // A proxy is trusted, but this request did not come through it.
    expect((await attemptFrom(trusting.app, 'sai', '10.9.9.9', { 'x-forwarded-for': '203.0.113.5' })).statusCode).toBe(401);
    expect((await attemptFrom(trusting.app, ADMIN_PASSWORD, '10.9.9.9', { 'x-forwarded-for': '203.0.113.99' })).statusCode).toBe(429);
    expect((await attemptFrom(trusting.app, ADMIN_PASSWORD, '10.0.0.3', { 'x-forwarded-for': '203.0.113.5' })).statusCode).toBe(303);
  });
});

/** The security headers every staff answer carries, nonces left out. */
function securityHeaders(answer: { headers: Record<string, unknown> }): Record<string, unknown> {
  return {
    csp: String(answer.headers['content-security-policy'] ?? '').replace(/'nonce-[^']+'/, "'nonce'"),
    nosniff: answer.headers['x-content-type-options'],
    frame: answer.headers['x-frame-options'],
    cache: answer.headers['cache-control'],
    referrer: answer.headers['referrer-policy'],
    cors: answer.headers['access-control-allow-origin'],
  };
}

const UNKNOWN_PAGE_PATHS: Array<[string, string]> = [
  ['GET', '/admin/no-such-page'],
  ['GET', '/admin/fleet/'],
  ['GET', '/admin/devices/00000000-0000-4000-8000-000000000000'],
  ['GET', '/admin//fleet'],
  ['GET', '/admin/.env'],
  ['GET', '/admin/login/extra'],
  ['GET', '/admin/no-such-page?next=https://evil.example'],
  ['HEAD', '/admin/no-such-page'],
  ['POST', '/admin/no-such-page'],
  ['POST', '/admin/fleet'],
  ['PUT', '/admin/devices'],
  ['DELETE', '/admin/devices/00000000-0000-4000-8000-000000000000'],
  ['PATCH', '/admin/report'],
];

const UNKNOWN_API_PATHS: Array<[string, string]> = [
  ['GET', '/api/v1/admin/no-such-route'],
  ['GET', '/api/v1/admin'],
  ['GET', '/api/v1/admin/'],
  ['GET', '/api/v1/admin/fleet/extra'],
  ['GET', '/api/v1/admin/responses.txt'],
  ['POST', '/api/v1/admin/fleet'],
  ['DELETE', '/api/v1/admin/fleet'],
  ['PUT', '/api/v1/admin/imports'],
  ['HEAD', '/api/v1/admin/responses.csv'],
];

/** A folder standing in for the built kiosk: its files are served by a wildcard route at the root. */
function kioskFiles(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sipas-dist-'));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>SIPAS</title>');
  return dir;
}

describe.each([
  ['', () => ({})],
  [' (with the kiosk files served)', () => ({ staticDir: kioskFiles() })],
])('unknown staff paths%s', (_, options) => {
  it('answer like known ones without a session: pages a 303 to the sign-in page, the API a JSON 401, with the same security headers', async () => {
    const c = await admin(options());
    const known = await c.app.inject({ method: 'GET', url: '/admin/fleet' });
    const knownPost = await c.app.inject({ method: 'POST', url: '/admin/devices', headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'label=x' });
    const knownApi = await c.app.inject({ method: 'GET', url: '/api/v1/admin/fleet' });
    expect(securityHeaders(known)).toMatchObject({ nosniff: 'nosniff', frame: 'DENY', cache: 'no-store' });
    expect(String(known.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    expect(securityHeaders(knownApi)).toMatchObject({ nosniff: 'nosniff', frame: 'DENY', cache: 'no-store', cors: undefined });
    expect(String(knownApi.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    for (const [method, url] of UNKNOWN_PAGE_PATHS) {
      const answer = await c.app.inject({ method: method as 'GET', url, headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, payload: method === 'GET' || method === 'HEAD' ? undefined : 'a=1' });
      const like = method === 'GET' || method === 'HEAD' ? known : knownPost;
      expect(answer.statusCode, `${method} ${url}`).toBe(303);
      // As for known pages: a GET comes back to the page asked for, anything else to the fleet page.
      expect(answer.headers.location, `${method} ${url}`).toBe(method === 'GET' ? `/admin/login?next=${encodeURIComponent(url)}` : knownPost.headers.location);
      expect(securityHeaders(answer), `${method} ${url}`).toEqual(securityHeaders(like));
      expect(answer.body, `${method} ${url}`).toBe('');
    }
    for (const [method, url] of UNKNOWN_API_PATHS) {
      const answer = await c.app.inject({ method: method as 'GET', url, headers: { origin: ORIGIN, 'content-type': 'application/json' }, payload: method === 'GET' || method === 'HEAD' ? undefined : '{}' });
      expect(answer.statusCode, `${method} ${url}`).toBe(401);
      if (method !== 'HEAD') expect(JSON.parse(answer.body), `${method} ${url}`).toEqual(UNAUTHORIZED);
      expect(securityHeaders(answer), `${method} ${url}`).toEqual(securityHeaders(knownApi));
    }
  });

  it('answer a URL that cannot be decoded like any staff path without a session, with the security headers', async () => {
    const c = await admin(options());
    const cases: Array<[string, number]> = [
      ['/admin/%zz', 303],
      ['/admin/devices/%E0%A4%A', 303],
      ['/api/v1/admin/%zz', 401],
      ['/api/v1/admin/responses%E0%A4%A.csv', 401],
    ];
    for (const [url, status] of cases) {
      for (const cookie of [{}, { cookie: c.cookie }]) {
        const answer = await c.app.inject({ method: 'GET', url, headers: cookie });
        expect(answer.statusCode, url).toBe(status);
        if (status === 303) expect(answer.headers.location, url).toBe('/admin/login');
        else expect(JSON.parse(answer.body), url).toEqual(UNAUTHORIZED);
        expect(securityHeaders(answer), url).toMatchObject({ nosniff: 'nosniff', frame: 'DENY', cache: 'no-store', cors: undefined });
        expect(String(answer.headers['content-security-policy']), url).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
      }
    }
    // Anywhere else such a URL is a plain 400 from the error catalogue.
    const other = await c.app.inject({ method: 'GET', url: '/api/v1/%zz' });
    expect(other.statusCode).toBe(400);
    expect(JSON.parse(other.body)).toMatchObject({ error: 'bad_request' });
  });

  it('answer a signed-in person with a 404 page or JSON 404 carrying the same security headers', async () => {
    const c = await admin(options());
    const known = await c.get('/admin/fleet');
    const knownApi = await c.get('/api/v1/admin/fleet');
    for (const url of ['/admin/no-such-page', '/admin/fleet/', '/admin/.env']) {
      const answer = await c.get(url);
      expect(answer.statusCode, url).toBe(404);
      expect(answer.headers['content-type'], url).toBe('text/html; charset=utf-8');
      expect(securityHeaders(answer), url).toEqual(securityHeaders(known));
    }
    for (const url of ['/api/v1/admin/no-such-route', '/api/v1/admin']) {
      const answer = await c.get(url);
      expect(answer.statusCode, url).toBe(404);
      expect(JSON.parse(answer.body), url).toMatchObject({ error: 'not_found' });
      expect(securityHeaders(answer), url).toEqual(securityHeaders(knownApi));
    }
  });
});
