/*
 * The fleet figures on SQLite (migration 0010): per kiosk id its highest stored sequence number, its
 * count and its missing ranges, per device and kiosk id the count stored through the device. Ingest
 * keeps them in its own transaction; the fleet view, a device's status and the sequence account read
 * them instead of a window over every response.
 */
import type Database from 'better-sqlite3';
import { fleetFiguresFromRows, gapsOpenedAbove, rangesLeftAfterStoring, rangesOfText } from './sequence-figures';
import { SEQUENCE_ACCOUNT_MAX, type DeviceFleetFigures, type SequenceGap, type SetAsideSequence } from './store';

/** The figures of one ingest batch: add each response stored, then flush once, inside the batch's transaction. */
export interface FleetFigureBatch {
  add(kioskId: string, seq: number): void;
  flush(): void;
}

/** The fleet figure queries over one SQLite connection. */
export function sqliteFleetFigures(db: Database.Database) {
  const statements = {
    highest: db.prepare<[string], { highest: number }>('SELECT highest_seq AS highest FROM kiosk_sequences WHERE kiosk_id = ?'),
    addToKiosk: db.prepare<[string, number, number]>(
      `INSERT INTO kiosk_sequences (kiosk_id, highest_seq, stored) VALUES (?, ?, ?)
       ON CONFLICT (kiosk_id) DO UPDATE SET highest_seq = max(highest_seq, excluded.highest_seq), stored = stored + excluded.stored`,
    ),
    addToDevice: db.prepare<[string, string, number]>(
      `INSERT INTO device_kiosk_stored (device_id, kiosk_id, stored) VALUES (?, ?, ?)
       ON CONFLICT (device_id, kiosk_id) DO UPDATE SET stored = stored + excluded.stored`,
    ),
    insertGap: db.prepare<[string, number, number]>('INSERT INTO sequence_gaps (kiosk_id, from_seq, to_seq) VALUES (?, ?, ?)'),
    // The range that could hold seq: the last one starting at or below it (ranges never overlap).
    gapAtOrBelow: db.prepare<[string, number], { from: number; to: number }>(
      'SELECT from_seq AS "from", to_seq AS "to" FROM sequence_gaps WHERE kiosk_id = ? AND from_seq <= ? ORDER BY from_seq DESC LIMIT 1',
    ),
    deleteGap: db.prepare<[string, number]>('DELETE FROM sequence_gaps WHERE kiosk_id = ? AND from_seq = ?'),
    countStored: db.prepare<[string], { n: number }>('SELECT coalesce(sum(stored), 0) AS n FROM device_kiosk_stored WHERE device_id = ?'),
    deviceGaps: db.prepare<[string], SequenceGap>(
      `SELECT g.kiosk_id AS kioskId, g.from_seq AS "from", g.to_seq AS "to"
       FROM device_kiosk_stored AS k JOIN sequence_gaps AS g ON g.kiosk_id = k.kiosk_id
       WHERE k.device_id = ? ORDER BY g.kiosk_id, g.from_seq`,
    ),
    // The whole fleet in six reads, none of them over the responses but for index probes.
    fleetReceived: db.prepare<[], { deviceId: string; n: number }>('SELECT device_id AS deviceId, sum(stored) AS n FROM device_kiosk_stored GROUP BY device_id'),
    // One row per device and kiosk, its ranges as "from-to,from-to…" in order: a fleet may have tens
    // of thousands of ranges, and handing each over as a row of its own cost most of the fleet read
    // (200 ms for 20,000 ranges here, against 2 ms to split the text). As arrays (raw mode).
    fleetGaps: db
      .prepare<[], [deviceId: string, kioskId: string, ranges: string]>(
        `SELECT k.device_id, k.kiosk_id, group_concat(g.from_seq || '-' || g.to_seq, ',' ORDER BY g.from_seq)
         FROM device_kiosk_stored AS k JOIN sequence_gaps AS g ON g.kiosk_id = k.kiosk_id
         GROUP BY k.device_id, k.kiosk_id ORDER BY k.device_id, k.kiosk_id`,
      )
      .raw(true),
    fleetHighest: db.prepare<[], { deviceId: string; kioskId: string; top: number }>(
      `WITH ${FLEET_KIOSKS}
       SELECT p.device_id AS deviceId, p.kiosk_id AS kioskId, s.highest_seq AS top
       FROM pairs AS p JOIN kiosk_sequences AS s ON s.kiosk_id = p.kiosk_id`,
    ),
    // As the set-aside query of one device (sqlite-set-aside.ts), for each device, at most
    // SEQUENCE_ACCOUNT_MAX numbers each: the window runs over what was set aside, not over responses.
    fleetSetAside: db.prepare<{ max: number }, { deviceId: string } & SetAsideSequence>(
      `WITH ${FLEET_KIOSKS},
       entries(kiosk_id, seq, kind) AS (
         SELECT kiosk_id, seq, 'rejected' FROM rejections WHERE kiosk_id IS NOT NULL AND seq IS NOT NULL
         UNION
         SELECT json_extract(body_json, '$.kioskId'), json_extract(body_json, '$.seq'), 'conflict' FROM conflicts
       ),
       aside AS (
         SELECT p.device_id, e.kiosk_id, e.seq, e.kind,
           row_number() OVER (PARTITION BY p.device_id ORDER BY e.kiosk_id, e.seq, e.kind) AS n
         FROM pairs AS p JOIN entries AS e ON e.kiosk_id = p.kiosk_id
         WHERE typeof(e.seq) = 'integer' AND e.seq > 0
           AND NOT EXISTS (SELECT 1 FROM responses AS r WHERE r.kiosk_id = e.kiosk_id AND r.seq = e.seq)
       )
       SELECT device_id AS deviceId, kiosk_id AS kioskId, seq, kind FROM aside WHERE n <= @max
       ORDER BY device_id, kiosk_id, seq, kind`,
    ),
    fleetConflicts: db.prepare<[], { deviceId: string; n: number }>(
      'SELECT device_id AS deviceId, count(*) AS n FROM conflicts WHERE device_id IS NOT NULL GROUP BY device_id',
    ),
    fleetRejections: db.prepare<[], { deviceId: string; n: number }>(
      'SELECT device_id AS deviceId, count(*) AS n FROM rejections WHERE device_id IS NOT NULL GROUP BY device_id',
    ),
  };

  /** Stores `seq` into the kiosk's missing range that holds it, if one does (else the number was stored before). */
  function fill(kioskId: string, seq: number): void {
    const gap = statements.gapAtOrBelow.get(kioskId, seq);
    if (gap === undefined || gap.to < seq) return;
    statements.deleteGap.run(kioskId, gap.from);
    for (const left of rangesLeftAfterStoring(gap, seq)) statements.insertGap.run(kioskId, left.from, left.to);
  }

  return {
    /** The figures of one batch through `deviceId` (null: an import naming no device). */
    batch(deviceId: string | null): FleetFigureBatch {
      const byKiosk = new Map<string, number[]>();
      return {
        add(kioskId, seq) {
          const seqs = byKiosk.get(kioskId);
          if (seqs) seqs.push(seq);
          else byKiosk.set(kioskId, [seq]);
        },
        flush() {
          // One read and one write per kiosk of the batch: a batch is mostly one kiosk's next numbers.
          for (const [kioskId, seqs] of byKiosk) {
            const highest = statements.highest.get(kioskId)?.highest ?? 0;
            for (const seq of seqs) if (seq <= highest) fill(kioskId, seq);
            const above = gapsOpenedAbove(highest, seqs);
            for (const gap of above.gaps) statements.insertGap.run(kioskId, gap.from, gap.to);
            statements.addToKiosk.run(kioskId, above.highest, seqs.length);
            if (deviceId !== null) statements.addToDevice.run(deviceId, kioskId, seqs.length);
          }
          byKiosk.clear();
        },
      };
    },
    /** Responses stored that came through the device. */
    countStored(deviceId: string): number {
      return statements.countStored.get(deviceId)!.n;
    },
    /** The missing ranges of the kiosks that stored responses through the device, by kiosk id then number. */
    gapsOfDevice(deviceId: string): SequenceGap[] {
      return statements.deviceGaps.all(deviceId);
    },
    /** Every device's figures in six queries. */
    listFleetFigures(): DeviceFleetFigures[] {
      // One read transaction, so the six reads see the same moment.
      return db.transaction(() =>
        fleetFiguresFromRows({
          received: statements.fleetReceived.all(),
          gaps: statements.fleetGaps.all().flatMap(([deviceId, kioskId, ranges]) => rangesOfText(deviceId, kioskId, ranges)),
          highest: statements.fleetHighest.all(),
          setAside: statements.fleetSetAside.all({ max: SEQUENCE_ACCOUNT_MAX }),
          conflicts: statements.fleetConflicts.all(),
          rejections: statements.fleetRejections.all(),
        }),
      )();
    },
  };
}

/** The kiosks that sent through each device: by its stored responses, its rejections and its conflicts. */
const FLEET_KIOSKS = `pairs(device_id, kiosk_id) AS (
    SELECT device_id, kiosk_id FROM device_kiosk_stored
    UNION SELECT device_id, kiosk_id FROM rejections WHERE device_id IS NOT NULL AND kiosk_id IS NOT NULL
    UNION SELECT device_id, json_extract(body_json, '$.kioskId') FROM conflicts WHERE device_id IS NOT NULL
  )`;

/**
 * Recomputes every fleet figure from the stored rows (the backfill of migration 0010, run again): for
 * a database whose rows were written around ingest, as a bulk load does. Inside one transaction.
 */
export function rebuildFleetFigures(db: Database.Database): void {
  db.transaction(() => {
    db.exec(`DELETE FROM kiosk_sequences; DELETE FROM device_kiosk_stored; DELETE FROM sequence_gaps;
      INSERT INTO kiosk_sequences (kiosk_id, highest_seq, stored)
        SELECT kiosk_id, max(seq), count(*) FROM responses GROUP BY kiosk_id;
      INSERT INTO device_kiosk_stored (device_id, kiosk_id, stored)
        SELECT device_id, kiosk_id, count(*) FROM responses WHERE device_id IS NOT NULL GROUP BY device_id, kiosk_id;
      INSERT INTO sequence_gaps (kiosk_id, from_seq, to_seq)
        SELECT kiosk_id, previous + 1, seq - 1
        FROM (SELECT kiosk_id, seq, LAG(seq, 1, 0) OVER (PARTITION BY kiosk_id ORDER BY seq) AS previous FROM responses)
        WHERE seq > previous + 1;`);
  })();
}
