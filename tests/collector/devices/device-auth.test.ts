import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, registerDevice, revokeDevice, rotateDeviceToken } from '../../../src/collector';
import { DEVICE_SELF_PATH } from '../../../src/collector';
import { SUBMIT_PATH } from '../../../src/shared/wire';
import { makeBatch, makeResponse, startTestCollector, tempDatabase, type TestCollector } from '../helpers';

let c: TestCollector;
beforeEach(async () => {
  c = await startTestCollector();
});
afterEach(async () => {
  await c.close();
});

const UNAUTHORIZED = { error: 'unauthorized', message: 'missing or invalid device token' };

describe('device tokens', () => {
  it('accepts the token registration returned', async () => {
    expect((await c.submit(makeBatch([]))).statusCode).toBe(200);
  });

  it('answers every kind of bad token with the same 401 body, on both protected endpoints', async () => {
    const secret = c.token.split('.')[1];
    const other = await registerDevice(c.store, { label: 'Quầy 2', agencyCode: 'UBND-Q1', counterCode: 'Q02' });
    const revoked = await registerDevice(c.store, { label: 'Quầy 3', agencyCode: 'UBND-Q1', counterCode: 'Q03' });
    await revokeDevice(c.store, revoked.deviceId);
    const wrongSecret = `${c.deviceId}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;

    const cases: Array<[string, Record<string, string>]> = [
      ['missing', {}],
      ['not bearer', { authorization: `Basic ${c.token}` }],
      ['empty bearer', { authorization: 'Bearer ' }],
      ['malformed', { authorization: 'Bearer not-a-token' }],
      ['wrong secret', { authorization: `Bearer ${wrongSecret}` }],
      ["another device's secret", { authorization: `Bearer ${c.deviceId}.${other.token.split('.')[1]}` }],
      ['unknown device', { authorization: `Bearer ${randomUUID()}.${secret}` }],
      ['revoked', { authorization: `Bearer ${revoked.token}` }],
    ];
    for (const [name, headers] of cases) {
      const post = await c.app.inject({
        method: 'POST',
        url: SUBMIT_PATH,
        headers: { 'content-type': 'application/json', ...headers },
        payload: JSON.stringify(makeBatch([makeResponse()])),
      });
      expect(post.statusCode, name).toBe(401);
      expect(JSON.parse(post.body), name).toEqual(UNAUTHORIZED);
      const me = await c.app.inject({ method: 'GET', url: DEVICE_SELF_PATH, headers });
      expect(me.statusCode, name).toBe(401);
      expect(JSON.parse(me.body), name).toEqual(UNAUTHORIZED);
    }
    expect(await c.store.countResponses(c.deviceId)).toBe(0);
  });

  it('checks the token before reading the body', async () => {
    const answer = await c.app.inject({
      method: 'POST',
      url: SUBMIT_PATH,
      headers: { 'content-type': 'application/json' },
      payload: 'x'.repeat(3 * 1024 * 1024),
    });
    expect(answer.statusCode).toBe(401);
  });

  it('refuses a revoked device that used to work, and keeps what it sent', async () => {
    expect((await c.submit(makeBatch([makeResponse()]))).statusCode).toBe(200);
    await revokeDevice(c.store, c.deviceId);
    const answer = await c.submit(makeBatch([makeResponse({ seq: 2 })]));
    expect(answer.statusCode).toBe(401);
    expect(JSON.parse(answer.body)).toEqual(UNAUTHORIZED);
    expect(await c.store.countResponses(c.deviceId)).toBe(1);
  });

  it('stops the old token when the token is rotated', async () => {
    const rotated = await rotateDeviceToken(c.store, c.deviceId);
    expect(rotated.deviceId).toBe(c.deviceId);
    expect((await c.submit(makeBatch([]))).statusCode).toBe(401);
    const answer = await c.submit(makeBatch([]), { authorization: `Bearer ${rotated.token}` });
    expect(answer.statusCode).toBe(200);
  });

  it('stores only a hash: the secret appears nowhere in the database files', async () => {
    const db = tempDatabase();
    try {
      const store = await openStore(db.file);
      const { token } = await registerDevice(store, { label: 'Quầy 9', agencyCode: 'A', counterCode: 'B' });
      const secret = token.split('.')[1];
      const whileOpen = [db.file, `${db.file}-wal`].filter(existsSync).map((f) => readFileSync(f));
      await store.close();
      const afterClose = [db.file, `${db.file}-wal`].filter(existsSync).map((f) => readFileSync(f));
      for (const bytes of [...whileOpen, ...afterClose]) {
        expect(bytes.includes(secret)).toBe(false);
        expect(bytes.includes(Buffer.from(secret, 'base64url'))).toBe(false);
      }
      // The check can fail: the device id (stored in clear) is found the same way.
      expect(afterClose.some((bytes) => bytes.includes(token.split('.')[0]))).toBe(true);
    } finally {
      db.cleanup();
    }
  });
});
