/*
 * The fleet figures kept at ingest (issue 12, part 4): per kiosk id the highest sequence number, the
 * count and the missing ranges, as findSequenceGaps, countResponses, accountSequences and the fleet
 * view read them. The behaviour runs on every store; how SQLite keeps them (against a recompute from
 * the rows, and the backfill of migration 0010) is SQLite's own.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqliteStore, readSqliteMigrations, registerDevice, type CollectorStore } from '../../../src/collector';
import { gapsOpenedAbove, rangesLeftAfterStoring, rebuildFleetFigures, type DeviceFleetFigures, type IngestItem, type SequenceGap } from '../../../src/collector/stores';
import { loadFleet } from '../../../src/collector/staff-pages';
import type { SurveyResponse } from '../../../src/shared/survey';
import { deferCleanups, KIOSK_ID, makeResponse, storeHandles, validItem } from '../helpers';
import { describeEachStore } from './store-contract';

const defer = deferCleanups();
const AT = '2026-03-02T02:00:00.000Z';
const NEW_KIOSK = '0f0e0d0c-0b0a-4908-8706-050403020100';

/** A response with an id made from its kiosk and number, so the same (kiosk, seq) is the same response. */
function numbered(seq: number, kioskId = KIOSK_ID, overrides: Partial<SurveyResponse> = {}): SurveyResponse {
  const kioskPart = kioskId === KIOSK_ID ? '1' : '2';
  return makeResponse({ id: `00000000-0000-4000-800${kioskPart}-${String(seq).padStart(12, '0')}`, kioskId, seq, ...overrides });
}

async function ingest(store: CollectorStore, deviceId: string | null, items: IngestItem[]) {
  return store.ingest({ deviceId, receivedAt: AT, report: null, source: deviceId === null ? 'import' : 'sync', items });
}

const gap = (from: number, to: number, kioskId = KIOSK_ID): SequenceGap => ({ kioskId, from, to });

describe('missing ranges as numbers are stored (pure)', () => {
  const fills: Array<{ name: string; seq: number; left: Array<[number, number]> }> = [
    { name: 'the only number of a range empties it', seq: 5, left: [] },
    { name: 'the first number shrinks it from below', seq: 3, left: [[4, 7]] },
    { name: 'the last number shrinks it from above', seq: 7, left: [[3, 6]] },
    { name: 'a number inside splits it in two', seq: 5, left: [[3, 4], [6, 7]] },
    { name: 'a number outside leaves it whole', seq: 9, left: [[3, 7]] },
  ];
  for (const { name, seq, left } of fills) {
    it(name, () => {
      const range = name.startsWith('the only') ? { from: 5, to: 5 } : { from: 3, to: 7 };
      expect(rangesLeftAfterStoring(range, seq)).toEqual(left.map(([from, to]) => ({ from, to })));
    });
  }

  const opened: Array<{ name: string; highest: number; seqs: number[]; gaps: Array<[number, number]>; top: number }> = [
    { name: 'the next numbers open nothing', highest: 4, seqs: [5, 6], gaps: [], top: 6 },
    { name: 'a first number above 1 opens 1 up to it', highest: 0, seqs: [4], gaps: [[1, 3]], top: 4 },
    { name: 'numbers out of order open the ranges between them', highest: 2, seqs: [9, 5], gaps: [[3, 4], [6, 8]], top: 9 },
    { name: 'numbers at or below the highest open nothing', highest: 8, seqs: [3, 8], gaps: [], top: 8 },
    { name: 'a number twice counts once', highest: 0, seqs: [3, 3], gaps: [[1, 2]], top: 3 },
  ];
  for (const { name, highest, seqs, gaps, top } of opened) {
    it(name, () => {
      expect(gapsOpenedAbove(highest, seqs)).toEqual({ gaps: gaps.map(([from, to]) => ({ from, to })), highest: top });
    });
  }
});

describeEachStore('fleet figures kept at ingest', defer, ({ open }) => {
  // Each case: batches through the device, as [kiosk, seq] pairs; then the missing ranges and the count.
  const cases: Array<{ name: string; batches: Array<Array<number | [string, number]>>; gaps: SequenceGap[]; received: number }> = [
    { name: 'numbers arriving out of order leave no gap once all are in', batches: [[3], [1], [2]], gaps: [], received: 3 },
    { name: 'out of order within one batch', batches: [[6, 2, 4]], gaps: [gap(1, 1), gap(3, 3), gap(5, 5)], received: 3 },
    { name: 'a number in the middle of a gap splits it', batches: [[1, 10], [5]], gaps: [gap(2, 4), gap(6, 9)], received: 3 },
    { name: 'a number at the lower edge of a gap shrinks it', batches: [[1, 10], [2]], gaps: [gap(3, 9)], received: 3 },
    { name: 'a number at the upper edge of a gap shrinks it', batches: [[1, 10], [9]], gaps: [gap(2, 8)], received: 3 },
    { name: 'the only number of a gap closes it', batches: [[1, 3], [2]], gaps: [], received: 3 },
    { name: 'number 1 arriving after later ones shrinks the gap from 1', batches: [[4], [1]], gaps: [gap(2, 3)], received: 2 },
    { name: 'the same response sent again changes nothing', batches: [[1, 4], [4], [1, 4]], gaps: [gap(2, 3)], received: 2 },
    {
      name: 'a reinstalled kiosk (a new kiosk id) starts its own numbers from 1',
      batches: [[1, 2, 5], [[NEW_KIOSK, 1], [NEW_KIOSK, 3]]],
      // Ordered by kiosk id: NEW_KIOSK's sorts first.
      gaps: [gap(2, 2, NEW_KIOSK), gap(3, 4)],
      received: 5,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const store = await open();
      const { deviceId } = await registerDevice(store, { label: 'Quầy 1', agencyCode: 'SNV', counterCode: 'Q1' });
      for (const batch of c.batches) {
        await ingest(store, deviceId, batch.map((entry) => validItem(typeof entry === 'number' ? numbered(entry) : numbered(entry[1], entry[0]))));
      }
      expect(await store.findSequenceGaps(deviceId)).toEqual(c.gaps);
      expect(await store.countResponses(deviceId)).toBe(c.received);
      expect((await store.accountSequences(deviceId)).missing).toEqual(c.gaps);
    });
  }

  it('a conflict changes neither the count nor the gaps; its number shows as set aside', async () => {
    const store = await open();
    const { deviceId } = await registerDevice(store, { label: 'Quầy 1', agencyCode: 'SNV', counterCode: 'Q1' });
    await ingest(store, deviceId, [validItem(numbered(1)), validItem(numbered(4))]);
    // Another content under the id of number 4, claiming number 3.
    const [outcome] = await ingest(store, deviceId, [validItem(numbered(4, KIOSK_ID, { seq: 3, answers: { TC1: 1 } }))]);
    expect(outcome.status).toBe('conflict');
    expect(await store.countResponses(deviceId)).toBe(2);
    expect(await store.findSequenceGaps(deviceId)).toEqual([gap(2, 3)]);
    expect(await store.accountSequences(deviceId)).toEqual({ missing: [gap(2, 2)], setAside: [{ kioskId: KIOSK_ID, seq: 3, kind: 'conflict' }] });
  });

  it('a rejection is not counted as received and opens no gap', async () => {
    const store = await open();
    const { deviceId } = await registerDevice(store, { label: 'Quầy 1', agencyCode: 'SNV', counterCode: 'Q1' });
    await ingest(store, deviceId, [validItem(numbered(1)), { kind: 'rejected', responseId: null, reason: 'test rejection', kioskId: KIOSK_ID, seq: 6 }]);
    expect(await store.countResponses(deviceId)).toBe(1);
    expect(await store.findSequenceGaps(deviceId)).toEqual([]);
    expect(await store.accountSequences(deviceId)).toEqual({ missing: [gap(2, 5)], setAside: [{ kioskId: KIOSK_ID, seq: 6, kind: 'rejected' }] });
  });

  it('a second response id under a number already stored counts as received and leaves the gaps', async () => {
    const store = await open();
    const { deviceId } = await registerDevice(store, { label: 'Quầy 1', agencyCode: 'SNV', counterCode: 'Q1' });
    await ingest(store, deviceId, [validItem(numbered(1)), validItem(numbered(3))]);
    await ingest(store, deviceId, [validItem(makeResponse({ seq: 3 }))]);
    expect(await store.countResponses(deviceId)).toBe(3);
    expect(await store.findSequenceGaps(deviceId)).toEqual([gap(2, 2)]);
  });

  it('an imported file naming no device fills its kiosk’s gap but adds to no device’s count', async () => {
    const store = await open();
    const { deviceId } = await registerDevice(store, { label: 'Quầy 1', agencyCode: 'SNV', counterCode: 'Q1' });
    await ingest(store, deviceId, [validItem(numbered(1)), validItem(numbered(4))]);
    await ingest(store, null, [validItem(numbered(2))]);
    expect(await store.findSequenceGaps(deviceId)).toEqual([gap(3, 3)]);
    expect(await store.countResponses(deviceId)).toBe(2);
  });

  it('tells every device at once what it tells one device at a time', async () => {
    const store = await open();
    // A store that does not keep the figures yet is read one device at a time by the fleet view.
    if (!store.listFleetFigures) return;
    const a = (await registerDevice(store, { label: 'Quầy 1', agencyCode: 'SNV', counterCode: 'Q1' })).deviceId;
    const b = (await registerDevice(store, { label: 'Quầy 2', agencyCode: 'SNV', counterCode: 'Q2' })).deviceId;
    const idle = (await registerDevice(store, { label: 'Quầy 3', agencyCode: 'SNV', counterCode: 'Q3' })).deviceId;
    await ingest(store, a, [validItem(numbered(1)), validItem(numbered(5)), validItem(numbered(2, NEW_KIOSK))]);
    // The same kiosk through b (a token moved by hand), a rejection of a's kiosk and a conflict.
    await ingest(store, b, [validItem(numbered(8)), { kind: 'rejected', responseId: null, reason: 'test rejection', kioskId: KIOSK_ID, seq: 3 }]);
    await ingest(store, b, [validItem(numbered(8, KIOSK_ID, { seq: 7, answers: { TC1: 1 } }))]);
    const perDevice = async (deviceId: string): Promise<DeviceFleetFigures> => ({
      deviceId,
      received: await store.countResponses(deviceId),
      account: await store.accountSequences(deviceId),
      setAsideCounts: await store.countSetAside(deviceId),
    });
    const all = await store.listFleetFigures();
    expect(all).toEqual([await perDevice(a), await perDevice(b)].sort((x, y) => (x.deviceId < y.deviceId ? -1 : 1)));
    expect(all.find((f) => f.deviceId === a)).toMatchObject({
      received: 3,
      account: { missing: [gap(1, 1, NEW_KIOSK), gap(2, 2), gap(4, 4), gap(6, 6)], setAside: [{ kioskId: KIOSK_ID, seq: 3, kind: 'rejected' }, { kioskId: KIOSK_ID, seq: 7, kind: 'conflict' }] },
    });
    expect(all.some((f) => f.deviceId === idle)).toBe(false);
  });
});

describe('the fleet view reads the figures at once', () => {
  const { database, open } = storeHandles(defer);

  /** The store, counting calls of the per-device reads. */
  function counting(store: CollectorStore): { store: CollectorStore; perDeviceCalls: () => number } {
    let calls = 0;
    const wrapped: CollectorStore = {
      ...store,
      countResponses: (id) => (calls++, store.countResponses(id)),
      accountSequences: (id) => (calls++, store.accountSequences(id)),
      countSetAside: (id) => (calls++, store.countSetAside(id)),
    };
    return { store: wrapped, perDeviceCalls: () => calls };
  }

  it('makes no per-device read, and shows what the per-device reads show', async () => {
    const store = await open(database().file);
    const ids: string[] = [];
    for (let d = 0; d < 4; d++) ids.push((await registerDevice(store, { label: `Quầy ${d}`, agencyCode: 'SNV', counterCode: `Q${d}` })).deviceId);
    await ingest(store, ids[0], [validItem(numbered(1)), validItem(numbered(4))]);
    await ingest(store, ids[1], [validItem(numbered(2, NEW_KIOSK)), { kind: 'rejected', responseId: null, reason: 'test rejection', kioskId: NEW_KIOSK, seq: 5 }]);
    const now = new Date('2026-03-02T03:00:00.000Z');
    const { store: watched, perDeviceCalls } = counting(store);
    const fleet = await loadFleet(watched, now);
    expect(perDeviceCalls()).toBe(0);
    const { listFleetFigures: _, ...withoutFigures } = store;
    expect(fleet).toEqual(await loadFleet(withoutFigures as CollectorStore, now));
    expect(fleet.find((entry) => entry.id === ids[0])).toMatchObject({ received: 2, missing: 2, gaps: [gap(2, 3)] });
    expect(fleet.find((entry) => entry.id === ids[1])).toMatchObject({ received: 1, missing: 3, setAside: [{ kioskId: NEW_KIOSK, seq: 5, kind: 'rejected' }] });
  });
});

describe('SQLite only: the figures against the rows', () => {
  const { database } = storeHandles(defer);

  /** The gaps and counts recomputed from every row, as the collector did before it kept them. */
  function recomputed(file: string) {
    const db = new Database(file, { readonly: true });
    try {
      return {
        gaps: db
          .prepare(
            `SELECT kiosk_id AS kioskId, previous + 1 AS "from", seq - 1 AS "to"
             FROM (SELECT kiosk_id, seq, LAG(seq, 1, 0) OVER (PARTITION BY kiosk_id ORDER BY seq) AS previous FROM responses)
             WHERE seq > previous + 1 ORDER BY kioskId, "from"`,
          )
          .all(),
        kiosks: db.prepare('SELECT kiosk_id AS kioskId, max(seq) AS highest, count(*) AS stored FROM responses GROUP BY kiosk_id ORDER BY kiosk_id').all(),
        devices: db.prepare('SELECT device_id AS deviceId, kiosk_id AS kioskId, count(*) AS stored FROM responses WHERE device_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2').all(),
      };
    } finally {
      db.close();
    }
  }

  function kept(file: string) {
    const db = new Database(file, { readonly: true });
    try {
      return {
        gaps: db.prepare('SELECT kiosk_id AS kioskId, from_seq AS "from", to_seq AS "to" FROM sequence_gaps ORDER BY kiosk_id, from_seq').all(),
        kiosks: db.prepare('SELECT kiosk_id AS kioskId, highest_seq AS highest, stored FROM kiosk_sequences ORDER BY kiosk_id').all(),
        devices: db.prepare('SELECT device_id AS deviceId, kiosk_id AS kioskId, stored FROM device_kiosk_stored ORDER BY 1, 2').all(),
      };
    } finally {
      db.close();
    }
  }

  it('keeps exactly what a recompute from the rows finds, over many batches in a shuffled order', async () => {
    const { file } = database();
    const store = openSqliteStore(file);
    defer(() => store.close());
    const devices = [
      (await registerDevice(store, { label: 'Quầy 1', agencyCode: 'SNV', counterCode: 'Q1' })).deviceId,
      (await registerDevice(store, { label: 'Quầy 2', agencyCode: 'SNV', counterCode: 'Q2' })).deviceId,
    ];
    // A fixed pseudo-random order (xorshift), so a failure can be replayed.
    let state = 2463534242;
    const next = () => ((state ^= state << 13), (state ^= state >>> 17), (state ^= state << 5), (state >>> 0) / 2 ** 32);
    const numbers = [KIOSK_ID, NEW_KIOSK].flatMap((kioskId) => Array.from({ length: 120 }, (_, i) => [kioskId, i + 1] as const).filter(() => next() < 0.8));
    for (let i = numbers.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [numbers[i], numbers[j]] = [numbers[j], numbers[i]];
    }
    for (let start = 0; start < numbers.length; ) {
      const size = 1 + Math.floor(next() * 12);
      const deviceId = next() < 0.15 ? null : devices[Math.floor(next() * 2)];
      const items = numbers.slice(start, start + size).map(([kioskId, seq]) => validItem(numbered(seq, kioskId)));
      // Some batches resend their last response: a duplicate must change nothing.
      if (next() < 0.3) items.push(items[items.length - 1]);
      await ingest(store, deviceId, items);
      start += size;
      expect(kept(file)).toEqual(recomputed(file));
    }
    expect(kept(file).gaps.length).toBeGreaterThan(0);
  });

  it('rebuilds the figures from the rows when they were lost', async () => {
    const { file } = database();
    const store = openSqliteStore(file);
    defer(() => store.close());
    const { deviceId } = await registerDevice(store, { label: 'Quầy 1', agencyCode: 'SNV', counterCode: 'Q1' });
    await ingest(store, deviceId, [validItem(numbered(1)), validItem(numbered(4)), validItem(numbered(2, NEW_KIOSK))]);
    const before = kept(file);
    const raw = new Database(file);
    defer(() => void raw.close());
    raw.exec('DELETE FROM sequence_gaps; UPDATE kiosk_sequences SET highest_seq = 99; DELETE FROM device_kiosk_stored');
    rebuildFleetFigures(raw);
    expect(kept(file)).toEqual(before);
    expect(before.gaps).toEqual([gap(1, 1, NEW_KIOSK), gap(2, 3)]);
  });

  it('migration 0010 backfills the figures of a database made at schema 9, and ingest keeps them from there', async () => {
    const { file } = database();
    const raw = new Database(file);
    raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, reason TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
    for (const step of readSqliteMigrations().slice(0, 9)) {
      raw.exec(step.sql);
      raw.prepare("INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01T00:00:00.000Z')").run(step.version, step.reason);
    }
    for (const id of ['d1', 'd2']) {
      raw.prepare("INSERT INTO devices (id, label, agency_code, counter_code, token_hash, created_at) VALUES (?, 'Quầy', 'SNV', 'Q1', x'00', '2026-01-01T00:00:00.000Z')").run(id);
    }
    const insert = raw.prepare(
      `INSERT INTO responses (id, device_id, kiosk_id, seq, definition_id, definition_version, status, agency_code, counter_code, locale,
         started_at, completed_at, duration_ms, flag_too_fast, flag_below_min_interval, device_label, app_version, answers_json,
         content_hash, received_at, source, placed_at)
       VALUES (?, ?, ?, ?, 'sipas-test', 1, 'complete', 'SNV', 'Q1', 'vi', '2026-01-02T00:00:00.000Z', '2026-01-02T00:01:00.000Z',
         60000, 0, 0, 'Quầy', '0.1.0', '{}', 'h', '2026-01-02T01:00:00.000Z', ?, '2026-01-02T00:01:00.000Z')`,
    );
    const rows: Array<[device: string | null, kiosk: string, seq: number]> = [
      ['d1', KIOSK_ID, 1], ['d1', KIOSK_ID, 2], ['d1', KIOSK_ID, 6], ['d2', KIOSK_ID, 9], [null, KIOSK_ID, 4],
      ['d2', NEW_KIOSK, 3], ['d2', NEW_KIOSK, 3],
    ];
    rows.forEach(([device, kiosk, seq], i) => insert.run(`6c1b0a2e-1d2a-4c55-9a57-6f0f1c2d3e${String(i).padStart(2, '0')}`, device, kiosk, seq, device === null ? 'import' : 'sync'));
    raw.prepare("INSERT INTO rejections (device_id, response_id, received_at, reason, kiosk_id, seq) VALUES ('d1', NULL, '2026-01-02T01:00:00.000Z', 'x', ?, 8)").run(KIOSK_ID);
    raw.close();

    const store = openSqliteStore(file);
    defer(() => store.close());
    expect(kept(file)).toEqual(recomputed(file));
    expect(await store.findSequenceGaps('d1')).toEqual([gap(3, 3), gap(5, 5), gap(7, 8)]);
    expect(await store.countResponses('d1')).toBe(3);
    expect(await store.countResponses('d2')).toBe(3);
    // Ordered by kiosk id: NEW_KIOSK's sorts first.
    expect(await store.findSequenceGaps('d2')).toEqual([gap(1, 2, NEW_KIOSK), gap(3, 3), gap(5, 5), gap(7, 8)]);
    expect(await store.accountSequences('d1')).toEqual({ missing: [gap(3, 3), gap(5, 5), gap(7, 7)], setAside: [{ kioskId: KIOSK_ID, seq: 8, kind: 'rejected' }] });

    await ingest(store, 'd1', [validItem(numbered(5)), validItem(numbered(10)), validItem(numbered(1, NEW_KIOSK))]);
    expect(kept(file)).toEqual(recomputed(file));
    expect(await store.findSequenceGaps('d1')).toEqual([gap(2, 2, NEW_KIOSK), gap(3, 3), gap(7, 8)]);
    expect(await store.countResponses('d1')).toBe(6);
  });
});
