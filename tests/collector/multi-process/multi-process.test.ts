/**
 * Two collector processes on one PostgreSQL database behind a round-robin proxy, 50 kiosks sending at
 * once (issue 12, part 5): every response stored exactly once, every kiosk's sequence gapless, a resent
 * batch answered all duplicates whichever process gets it. The fast version of tests/bench/multi-process.ts.
 * Needs TEST_DATABASE_URL; without it the test is listed as skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/collector';
import { freshPostgresDatabase, TEST_DATABASE_URL, type TestDatabase } from '../test-databases';
import { startCollectorCluster, type CollectorCluster } from './cluster';
import { kioskBodies, registerKiosks, runKioskLoad, storedSequences, type SimulatedKiosk } from './kiosk-load';

const KIOSKS = 50;
const BATCHES = 2;
const BATCH_SIZE = 10;

describe.skipIf(TEST_DATABASE_URL === undefined)(TEST_DATABASE_URL === undefined ? 'several collector processes on PostgreSQL (skipped: TEST_DATABASE_URL is not set)' : 'several collector processes on PostgreSQL', () => {
  let db: TestDatabase;
  let cluster: CollectorCluster;
  let kiosks: SimulatedKiosk[];

  beforeAll(async () => {
    db = freshPostgresDatabase();
    const store = await openStore(db.url);
    try {
      kiosks = await registerKiosks(store, KIOSKS);
    } finally {
      await store.close();
    }
    cluster = await startCollectorCluster({ databaseUrl: db.url }, 2);
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    await db?.cleanup();
  }, 60_000);

  it('stores every response of 50 concurrent kiosks exactly once, sequences gapless, through both processes', async () => {
    const bodies = kiosks.map((kiosk) => kioskBodies(kiosk, BATCHES, BATCH_SIZE));
    const load = await runKioskLoad(cluster.url, kiosks, bodies, { resendLast: true });

    const perKiosk = BATCHES * BATCH_SIZE;
    expect(load.statuses).toEqual({ created: KIOSKS * perKiosk, duplicate: KIOSKS * BATCH_SIZE });
    expect(cluster.proxy.served.every((n) => n > 0)).toBe(true);
    const stored = await storedSequences(db.url);
    expect(stored).toHaveLength(KIOSKS);
    for (const kiosk of stored) expect(kiosk).toEqual({ kioskId: kiosk.kioskId, rows: perKiosk, distinctSeqs: perKiosk, minSeq: 1, maxSeq: perKiosk });
    expect(new Set(stored.map((s) => s.kioskId))).toEqual(new Set(kiosks.map((k) => k.kioskId)));

    // The fleet figures agree from either process: no gaps for any device.
    const store = await openStore(db.url);
    try {
      for (const kiosk of kiosks.slice(0, 5)) {
        expect(await store.countResponses(kiosk.deviceId)).toBe(perKiosk);
        expect(await store.findSequenceGaps(kiosk.deviceId)).toEqual([]);
      }
    } finally {
      await store.close();
    }
  }, 180_000);
});
