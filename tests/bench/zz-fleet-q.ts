import { performance } from 'node:perf_hooks';
import { openSqliteStore } from '../../src/collector';
import Database from 'better-sqlite3';
const store = openSqliteStore(process.argv[2]);
const db = new Database(process.argv[2], { readonly: true });
const q = (name: string, sql: string, p: object = {}) => { const st = db.prepare(sql); st.all(p); const s = performance.now(); for (let i = 0; i < 5; i++) st.all(p); console.log(name, ((performance.now() - s) / 5).toFixed(1)); };
const P = `pairs(device_id, kiosk_id) AS (
    SELECT device_id, kiosk_id FROM device_kiosk_stored
    UNION SELECT device_id, kiosk_id FROM rejections WHERE device_id IS NOT NULL AND kiosk_id IS NOT NULL
    UNION SELECT device_id, json_extract(body_json, '$.kioskId') FROM conflicts WHERE device_id IS NOT NULL)`;
q('received', 'SELECT device_id, sum(stored) FROM device_kiosk_stored GROUP BY device_id');
q('highest', `WITH ${P} SELECT p.device_id, p.kiosk_id, s.highest_seq FROM pairs p JOIN kiosk_sequences s ON s.kiosk_id = p.kiosk_id`);
q('conflicts', 'SELECT device_id, count(*) FROM conflicts WHERE device_id IS NOT NULL GROUP BY device_id');
const s = performance.now(); for (let i = 0; i < 5; i++) await store.listFleetFigures!(); console.log('all', ((performance.now() - s) / 5).toFixed(1));
const s2 = performance.now(); for (let i = 0; i < 5; i++) await store.listDevices(); console.log('listDevices', ((performance.now() - s2) / 5).toFixed(1));
q('setAside', `WITH ${P},
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
       ORDER BY device_id, kiosk_id, seq, kind`, { max: 10000 });
q('gaps', `SELECT k.device_id, k.kiosk_id, g.from_seq, g.to_seq
         FROM device_kiosk_stored AS k JOIN sequence_gaps AS g ON g.kiosk_id = k.kiosk_id
         ORDER BY k.device_id, k.kiosk_id, g.from_seq`);
