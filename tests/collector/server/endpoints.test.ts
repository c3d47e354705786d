import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createCollector, DEVICE_SELF_PATH, ERROR_CODES, openSqliteStore, registerDevice } from '../../../src/collector';
import { HEALTH_PATH, MAX_BATCH_RESPONSES, SUBMIT_PATH } from '../../../src/shared/wire';
import { makeBatch, makeResponse, resultsOf, startTestCollector, tempDatabase, testDefinition, type TestCollector, deferCleanups } from '../helpers';

const defer = deferCleanups();

async function start(options: Parameters<typeof startTestCollector>[0] = {}): Promise<TestCollector> {
  const c = await startTestCollector(options);
  defer(() => c.close());
  return c;
}

describe('GET /api/v1/health', () => {
  it('answers without a token with the version, known definitions and time', async () => {
    const c = await start({ now: () => new Date('2026-03-02T02:00:00.000Z') });
    const answer = await c.app.inject({ method: 'GET', url: HEALTH_PATH });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(answer.body)).toEqual({
      ok: true,
      version: '0.1.0',
      definitions: ['sipas-test@1', 'sipas-old@2'],
      time: '2026-03-02T02:00:00.000Z',
    });
  });
});

describe('GET /api/v1/devices/me', () => {
  it('tells the device who it is, what was received and which sequence numbers are missing', async () => {
    let clock = new Date('2026-03-02T02:00:00.000Z');
    const c = await start({ now: () => clock });
    resultsOf(await c.submit(makeBatch([1, 2, 5, 6, 9].map((seq) => makeResponse({ seq })))));
    clock = new Date('2026-03-02T03:00:00.000Z');
    const answer = await c.app.inject({ method: 'GET', url: DEVICE_SELF_PATH, headers: { authorization: `Bearer ${c.token}` } });
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({
      deviceId: c.deviceId,
      label: 'Quầy 1',
      agencyCode: 'UBND-Q1',
      counterCode: 'Q01',
      place: { agencyCode: 'UBND-Q1', agencyName: '', counterCode: 'Q01', counterName: '' },
      lastContactAt: '2026-03-02T03:00:00.000Z',
      received: 5,
      gaps: [
        { kioskId: makeResponse().kioskId, from: 3, to: 4 },
        { kioskId: makeResponse().kioskId, from: 7, to: 8 },
      ],
    });
  });

  it('reports no gaps when every sequence number from 1 arrived, in any order', async () => {
    const c = await start();
    resultsOf(await c.submit(makeBatch([3, 1, 2].map((seq) => makeResponse({ seq })))));
    const answer = await c.app.inject({ method: 'GET', url: DEVICE_SELF_PATH, headers: { authorization: `Bearer ${c.token}` } });
    expect(JSON.parse(answer.body)).toMatchObject({ received: 3, gaps: [] });
  });
});

describe('errors and other routes', () => {
  it('answers an unknown route with a JSON 404', async () => {
    const c = await start();
    const answer = await c.app.inject({ method: 'GET', url: '/api/v1/nothing' });
    expect(answer.statusCode).toBe(404);
    expect(JSON.parse(answer.body)).toEqual({ error: 'not_found', message: 'no GET /api/v1/nothing here' });
  });

  it('never leaks a stack trace when the store fails', async () => {
    const c = await start();
    c.store.ingest = async () => {
      throw new Error('disk I/O error at /secret/path');
    };
    const answer = await c.submit(makeBatch([makeResponse()]));
    expect(answer.statusCode).toBe(500);
    expect(answer.body).not.toMatch(/secret|at .*\.ts/);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'internal_error' });
  });

  it('rejects an item the collector fails to check instead of failing the whole batch', async () => {
    const db = tempDatabase();
    defer(db.cleanup);
    const store = openSqliteStore(db.file);
    defer(() => store.close());
    const broken = Object.defineProperty({ ...testDefinition() }, 'sections', {
      get() {
        throw new Error('engine bug');
      },
    });
    const app = await createCollector({ store, definitions: [broken] });
    defer(() => app.close());
    const { token } = await registerDevice(store, { label: 'Quầy 1', agencyCode: 'A', counterCode: 'B' });
    const response = makeResponse();
    const answer = await app.inject({
      method: 'POST',
      url: SUBMIT_PATH,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify(makeBatch([response])),
    });
    expect(resultsOf(answer).results).toEqual([
      { id: response.id, index: 0, status: 'rejected', reason: 'the collector could not check this response; it is kept on the kiosk for staff' },
    ]);
  });

  it('answers a CORS preflight so a kiosk served elsewhere can send', async () => {
    const c = await start();
    const answer = await c.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/responses',
      headers: { origin: 'https://kiosk.example', 'access-control-request-method': 'POST' },
    });
    expect(answer.statusCode).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe('*');
    expect(answer.headers['access-control-allow-headers']).toContain('authorization');
  });
});

describe('kiosk files', () => {
  it('serves index.html at / and sw.js without caching, hashed assets for a year', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sipas-dist-'));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>SIPAS</title>');
    writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("install", () => {});');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    const c = await start({ staticDir: dir });

    const root = await c.app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(200);
    expect(root.body).toContain('<title>SIPAS</title>');
    expect(root.headers['cache-control']).toBe('no-cache');
    const index = await c.app.inject({ method: 'GET', url: '/index.html' });
    expect(index.headers['cache-control']).toBe('no-cache');
    const sw = await c.app.inject({ method: 'GET', url: '/sw.js' });
    expect(sw.statusCode).toBe(200);
    expect(sw.headers['cache-control']).toBe('no-cache');
    const asset = await c.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    // The API still wins over the files.
    expect((await c.app.inject({ method: 'GET', url: HEALTH_PATH })).statusCode).toBe(200);
    expect((await c.app.inject({ method: 'GET', url: '/missing.js' })).statusCode).toBe(404);
  });
});

describe('public/openapi.yaml', () => {
  it('documents every path and error code the collector uses', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../../public/openapi.yaml', import.meta.url)), 'utf8');
    const staff = ['fleet', 'report', 'responses.csv', 'responses.xlsx', 'responses.json', 'imports'].map((p) => `/api/v1/admin/${p}`);
    for (const path of [SUBMIT_PATH, HEALTH_PATH, DEVICE_SELF_PATH, ...staff]) expect(doc).toContain(`\n  ${path}:\n`);
    for (const code of Object.values(ERROR_CODES)) expect(doc).toMatch(new RegExp(`\\n {12}- ${code}\\n`));
    expect(doc).toContain(`maxItems: ${MAX_BATCH_RESPONSES}`);
  });
});
