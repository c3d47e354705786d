/*
 * A PostgreSQL store whose every connection is busy (issue 12, part 3): a query that waits past the
 * pool's connection timeout fails as "busy" (SQLSTATE 53300), which the HTTP layer answers 503 with
 * Retry-After and the kiosk sends again later, rather than 500.
 */
import { describe, expect, it } from 'vitest';
import { createCollector, registerDevice } from '../../../src/collector';
import { openPostgresStore } from '../../../src/collector/stores';
import { SUBMIT_PATH } from '../../../src/shared/wire';
import { DEFINITIONS, deferCleanups, makeBatch, makeResponse, resultsOf } from '../helpers';
import { freshPostgresDatabase, TEST_DATABASE_URL } from '../test-databases';

const defer = deferCleanups();
/** The pool's wait for a connection: long enough to open one on a loaded machine, short enough for a test. */
const WAIT_MS = 1_500;

describe.skipIf(TEST_DATABASE_URL === undefined)('a PostgreSQL store with every connection busy', () => {
  it('answers a batch 503 busy with Retry-After, storing nothing, and stores it once a connection is free', async () => {
    const db = freshPostgresDatabase();
    defer(() => db.cleanup());
    const store = await openPostgresStore(db.url, { max: 1, connectionTimeoutMs: WAIT_MS });
    defer(() => store.close());
    const { token, deviceId } = await registerDevice(store, { label: 'Quầy 1', agencyCode: 'UBND-Q1', counterCode: 'Q01' });
    const app = await createCollector({ store, definitions: DEFINITIONS, busyRetryAfterSeconds: 9 });
    defer(() => app.close());
    const submit = () =>
      app.inject({ method: 'POST', url: SUBMIT_PATH, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: makeBatch([makeResponse({ seq: 1 })]) });
    // A snapshot holds the pool's one connection until it is closed.
    const snapshot = await store.openResponseSnapshot({});
    const refused = await submit();
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('9');
    expect(JSON.parse(refused.body).error).toBe('busy');
    await snapshot.close();
    expect(await store.countResponses(deviceId)).toBe(0);
    expect(resultsOf(await submit()).results[0].status).toBe('created');
  });

  it('gives the wait timeout the SQLSTATE of too many connections, and other errors as they were', async () => {
    const db = freshPostgresDatabase();
    defer(() => db.cleanup());
    const store = await openPostgresStore(db.url, { max: 1, connectionTimeoutMs: WAIT_MS });
    defer(() => store.close());
    const snapshot = await store.openResponseSnapshot({});
    await expect(store.listPlaces()).rejects.toMatchObject({ code: '53300' });
    await snapshot.close();
    await expect(store.listPlaces()).resolves.toEqual([]);
  });
});
