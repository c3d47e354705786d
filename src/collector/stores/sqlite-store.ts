import Database from 'better-sqlite3';
import type { KioskReport } from '../../shared/schemas';
import { canonicalJson, type SurveyResponse } from '../../shared/survey';
import type {
  AdminSession,
  CollectorStore,
  DefinitionCount,
  DeviceRecord,
  IngestBatch,
  IngestOutcome,
  NewDevice,
  PlaceCount,
  ResponseFilter,
  ResponseSnapshot,
  ResponseSource,
  ScorableRow,
  SequenceGap,
  SnapshotOptions,
  StoredResponse,
} from './store';

/** Numbered schema steps (exported for the migration test); each runs once, in order, inside its own transaction. Never edit a shipped step. */
export const MIGRATIONS: ReadonlyArray<{ version: number; reason: string; sql: string }> = [
  {
    version: 1,
    reason: 'initial schema: devices with hashed tokens, responses unique by id, conflicts kept aside, rejections logged',
    sql: `
      CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        agency_code TEXT NOT NULL,
        counter_code TEXT NOT NULL,
        token_hash BLOB NOT NULL,
        revoked_at TEXT,
        created_at TEXT NOT NULL,
        last_contact_at TEXT,
        last_report_json TEXT
      ) STRICT;

      CREATE TABLE responses (
        id TEXT PRIMARY KEY,
        device_id TEXT NOT NULL REFERENCES devices(id),
        kiosk_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        definition_id TEXT NOT NULL,
        definition_version INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('complete', 'partial')),
        agency_code TEXT NOT NULL,
        counter_code TEXT NOT NULL,
        locale TEXT NOT NULL,
        started_at TEXT NOT NULL,
        completed_at TEXT NOT NULL,
        duration_ms INTEGER NOT NULL,
        flag_too_fast INTEGER NOT NULL CHECK (flag_too_fast IN (0, 1)),
        flag_below_min_interval INTEGER NOT NULL CHECK (flag_below_min_interval IN (0, 1)),
        device_label TEXT NOT NULL,
        app_version TEXT NOT NULL,
        answers_json TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        received_at TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('sync', 'import'))
      ) STRICT;
      CREATE INDEX responses_by_kiosk_seq ON responses (kiosk_id, seq);
      CREATE INDEX responses_by_completed_at ON responses (completed_at);
      CREATE INDEX responses_by_place ON responses (agency_code, counter_code);
      CREATE INDEX responses_by_device ON responses (device_id, kiosk_id);

      CREATE TABLE conflicts (
        id INTEGER PRIMARY KEY,
        response_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        received_at TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        body_json TEXT NOT NULL,
        UNIQUE (response_id, content_hash)
      ) STRICT;

      CREATE TABLE rejections (
        id INTEGER PRIMARY KEY,
        device_id TEXT NOT NULL,
        response_id TEXT,
        received_at TEXT NOT NULL,
        reason TEXT NOT NULL
      ) STRICT;
      CREATE INDEX rejections_by_device ON rejections (device_id, received_at);
    `,
  },
  {
    version: 2,
    reason:
      'staff side: imported evacuation files may name no device (device_id becomes nullable, by rebuilding the tables as SQLite requires); staff password and sessions, stored hashed',
    sql: `
      CREATE TABLE responses_v2 (
        id TEXT PRIMARY KEY,
        device_id TEXT REFERENCES devices(id),
        kiosk_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        definition_id TEXT NOT NULL,
        definition_version INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('complete', 'partial')),
        agency_code TEXT NOT NULL,
        counter_code TEXT NOT NULL,
        locale TEXT NOT NULL,
        started_at TEXT NOT NULL,
        completed_at TEXT NOT NULL,
        duration_ms INTEGER NOT NULL,
        flag_too_fast INTEGER NOT NULL CHECK (flag_too_fast IN (0, 1)),
        flag_below_min_interval INTEGER NOT NULL CHECK (flag_below_min_interval IN (0, 1)),
        device_label TEXT NOT NULL,
        app_version TEXT NOT NULL,
        answers_json TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        received_at TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('sync', 'import'))
      ) STRICT;
      INSERT INTO responses_v2 SELECT * FROM responses;
      DROP TABLE responses;
      ALTER TABLE responses_v2 RENAME TO responses;
      CREATE INDEX responses_by_kiosk_seq ON responses (kiosk_id, seq);
      -- (completed_at, id): exports stream in this order without a sort step.
      CREATE INDEX responses_by_completed_at ON responses (completed_at, id);
      CREATE INDEX responses_by_place ON responses (agency_code, counter_code);
      CREATE INDEX responses_by_device ON responses (device_id, kiosk_id);

      CREATE TABLE conflicts_v2 (
        id INTEGER PRIMARY KEY,
        response_id TEXT NOT NULL,
        device_id TEXT,
        received_at TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        body_json TEXT NOT NULL,
        UNIQUE (response_id, content_hash)
      ) STRICT;
      INSERT INTO conflicts_v2 SELECT * FROM conflicts;
      DROP TABLE conflicts;
      ALTER TABLE conflicts_v2 RENAME TO conflicts;

      CREATE TABLE rejections_v2 (
        id INTEGER PRIMARY KEY,
        device_id TEXT,
        response_id TEXT,
        received_at TEXT NOT NULL,
        reason TEXT NOT NULL
      ) STRICT;
      INSERT INTO rejections_v2 SELECT * FROM rejections;
      DROP TABLE rejections;
      ALTER TABLE rejections_v2 RENAME TO rejections;
      CREATE INDEX rejections_by_device ON rejections (device_id, received_at);

      CREATE TABLE admin_password (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        hash TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE admin_sessions (
        id_hash BLOB PRIMARY KEY,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX admin_sessions_by_expiry ON admin_sessions (expires_at);
    `,
  },
];

/** Rows a snapshot hands over at a time. */
const SNAPSHOT_BATCH_ROWS = 256;

/** File name of the database inside the collector's data folder. */
export const DATABASE_FILE = 'collector.sqlite';

/** The schema version this code expects (the last migration step). */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** Opens (creating and migrating if needed) the collector's SQLite database. */
export function openSqliteStore(file: string): CollectorStore {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    // WAL + NORMAL survives a process crash; a power cut may lose the last commits but never corrupts.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Several processes or handles on one file wait for each other rather than failing with SQLITE_BUSY.
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return new SqliteStore(db);
  } catch (error) {
    db.close();
    throw error;
  }
}

function migrate(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    reason TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const applied = db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM schema_migrations WHERE version = ?');
  const record = db.prepare('INSERT INTO schema_migrations (version, reason, applied_at) VALUES (?, ?, ?)');
  for (const step of MIGRATIONS) {
    // IMMEDIATE takes the write lock first, so two processes starting together cannot both apply a step.
    db.transaction(() => {
      if (applied.get(step.version)!.n > 0) return;
      db.exec(step.sql);
      record.run(step.version, step.reason, new Date().toISOString());
    }).immediate();
  }
  const newest = db.prepare<[], { v: number | null }>('SELECT max(version) AS v FROM schema_migrations').get()!.v;
  if (newest !== null && newest > SCHEMA_VERSION) {
    throw new Error(`database schema version ${newest} is newer than this collector understands (${SCHEMA_VERSION}); upgrade the collector`);
  }
}

interface DeviceRow {
  id: string;
  label: string;
  agency_code: string;
  counter_code: string;
  token_hash: Buffer;
  revoked_at: string | null;
  created_at: string;
  last_contact_at: string | null;
  last_report_json: string | null;
}

function toDevice(row: DeviceRow): DeviceRecord {
  return {
    id: row.id,
    label: row.label,
    agencyCode: row.agency_code,
    counterCode: row.counter_code,
    tokenHash: row.token_hash,
    revokedAt: row.revoked_at,
    createdAt: row.created_at,
    lastContactAt: row.last_contact_at,
    lastReport: row.last_report_json === null ? null : (JSON.parse(row.last_report_json) as KioskReport),
  };
}

/** Instants are stored in UTC so that text order is time order for the completed_at index. */
function utc(isoDateTime: string): string {
  return new Date(isoDateTime).toISOString();
}

class SqliteStore implements CollectorStore {
  private readonly statements;
  private readonly ingestTransaction: Database.Transaction<(batch: IngestBatch) => IngestOutcome[]>;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      addDevice: db.prepare(
        `INSERT INTO devices (id, label, agency_code, counter_code, token_hash, created_at)
         VALUES (@id, @label, @agencyCode, @counterCode, @tokenHash, @createdAt)`,
      ),
      getDevice: db.prepare<[string], DeviceRow>('SELECT * FROM devices WHERE id = ?'),
      listDevices: db.prepare<[], DeviceRow>('SELECT * FROM devices ORDER BY created_at, id'),
      setTokenHash: db.prepare('UPDATE devices SET token_hash = ? WHERE id = ?'),
      revoke: db.prepare('UPDATE devices SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?'),
      contact: db.prepare('UPDATE devices SET last_contact_at = ? WHERE id = ?'),
      contactWithReport: db.prepare('UPDATE devices SET last_contact_at = ?, last_report_json = ? WHERE id = ?'),
      insertResponse: db.prepare(
        `INSERT INTO responses (
           id, device_id, kiosk_id, seq, definition_id, definition_version, status, agency_code, counter_code,
           locale, started_at, completed_at, duration_ms, flag_too_fast, flag_below_min_interval, device_label,
           app_version, answers_json, content_hash, received_at, source)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING`,
      ),
      storedHash: db.prepare<[string], { content_hash: string; received_at: string }>(
        'SELECT content_hash, received_at FROM responses WHERE id = ?',
      ),
      keepConflict: db.prepare(
        `INSERT INTO conflicts (response_id, device_id, received_at, content_hash, body_json)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (response_id, content_hash) DO NOTHING`,
      ),
      logRejection: db.prepare('INSERT INTO rejections (device_id, response_id, received_at, reason) VALUES (?, ?, ?, ?)'),
      countResponses: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM responses WHERE device_id = ?'),
      // One ordered pass over the covering (kiosk_id, seq) index with LAG: no self-join, no sort of the
      // rows (only of the gaps found); about 0.1 s for 100k responses on a small server.
      gaps: db.prepare<[string], { kioskId: string; from: number; to: number }>(
        `SELECT kiosk_id AS kioskId, previous + 1 AS "from", seq - 1 AS "to"
         FROM (
           SELECT kiosk_id, seq, LAG(seq, 1, 0) OVER (PARTITION BY kiosk_id ORDER BY seq) AS previous
           FROM responses
           WHERE kiosk_id IN (SELECT kiosk_id FROM responses WHERE device_id = ?)
         )
         WHERE seq > previous + 1
         ORDER BY kioskId, "from"`,
      ),
      places: db.prepare<[], PlaceCount>(
        `SELECT agency_code AS agencyCode, counter_code AS counterCode, count(*) AS count
         FROM responses GROUP BY agency_code, counter_code ORDER BY agency_code, counter_code`,
      ),
      getPassword: db.prepare<[], { hash: string }>('SELECT hash FROM admin_password WHERE id = 1'),
      setPassword: db.prepare(
        `INSERT INTO admin_password (id, hash, updated_at) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at`,
      ),
      addSession: db.prepare('INSERT INTO admin_sessions (id_hash, created_at, expires_at) VALUES (?, ?, ?)'),
      findSession: db.prepare<[Buffer, string], AdminSession>(
        'SELECT created_at AS createdAt, expires_at AS expiresAt FROM admin_sessions WHERE id_hash = ? AND expires_at > ?',
      ),
      deleteSession: db.prepare('DELETE FROM admin_sessions WHERE id_hash = ?'),
      deleteAllSessions: db.prepare('DELETE FROM admin_sessions'),
      deleteExpiredSessions: db.prepare('DELETE FROM admin_sessions WHERE expires_at <= ?'),
    };

    this.ingestTransaction = db.transaction((batch: IngestBatch): IngestOutcome[] => {
      const s = this.statements;
      if (batch.deviceId !== null && batch.source === 'sync') {
        if (batch.report) s.contactWithReport.run(batch.receivedAt, JSON.stringify(batch.report), batch.deviceId);
        else s.contact.run(batch.receivedAt, batch.deviceId);
      }
      return batch.items.map((item): IngestOutcome => {
        if (item.kind === 'rejected') {
          s.logRejection.run(batch.deviceId, item.responseId, batch.receivedAt, item.reason);
          return { status: 'rejected', reason: item.reason };
        }
        const r = item.response;
        const inserted = s.insertResponse.run(
          r.id, batch.deviceId, r.kioskId, r.seq, r.definitionId, r.definitionVersion, r.status, r.agencyCode,
          r.counterCode, r.locale, utc(r.startedAt), utc(r.completedAt), r.durationMs, r.flags.tooFast ? 1 : 0,
          r.flags.belowMinInterval ? 1 : 0, r.deviceLabel, r.appVersion, canonicalJson(r.answers), item.contentHash,
          batch.receivedAt, batch.source,
        );
        if (inserted.changes === 1) return { status: 'created' };
        const stored = s.storedHash.get(r.id)!;
        if (stored.content_hash === item.contentHash) return { status: 'duplicate' };
        s.keepConflict.run(r.id, batch.deviceId, batch.receivedAt, item.contentHash, item.canonical);
        return {
          status: 'conflict',
          reason: `a response with id ${r.id} but different content was received at ${stored.received_at}; it is kept unchanged and this version is set aside for review`,
        };
      });
    });
  }

  async addDevice(device: NewDevice): Promise<void> {
    this.statements.addDevice.run(device);
  }

  async getDevice(deviceId: string): Promise<DeviceRecord | undefined> {
    const row = this.statements.getDevice.get(deviceId);
    return row && toDevice(row);
  }

  async listDevices(): Promise<DeviceRecord[]> {
    return this.statements.listDevices.all().map(toDevice);
  }

  async setDeviceTokenHash(deviceId: string, tokenHash: Buffer): Promise<boolean> {
    return this.statements.setTokenHash.run(tokenHash, deviceId).changes === 1;
  }

  async revokeDevice(deviceId: string, at: string): Promise<boolean> {
    return this.statements.revoke.run(at, deviceId).changes === 1;
  }

  async recordContact(deviceId: string, at: string, report: KioskReport | null): Promise<void> {
    if (report) this.statements.contactWithReport.run(at, JSON.stringify(report), deviceId);
    else this.statements.contact.run(at, deviceId);
  }

  async ingest(batch: IngestBatch): Promise<IngestOutcome[]> {
    // IMMEDIATE: take the write lock up front so a second handle on the file waits instead of failing mid-batch.
    return this.ingestTransaction.immediate(batch);
  }

  async countResponses(deviceId: string): Promise<number> {
    return this.statements.countResponses.get(deviceId)!.n;
  }

  async findSequenceGaps(deviceId: string): Promise<SequenceGap[]> {
    return this.statements.gaps.all(deviceId);
  }

  async openResponseSnapshot(filter: ResponseFilter, options: SnapshotOptions = {}): Promise<ResponseSnapshot> {
    if (this.db.memory) throw new Error('response snapshots need a database file (they read through a second connection)');
    const { where, params } = whereClause(filter);
    // A connection of its own: a long export waiting on a slow client must never keep the main
    // connection busy (better-sqlite3 allows no other statement on a connection mid-iteration), and
    // WAL lets it read a fixed snapshot while kiosks keep writing through the main one.
    const reader = new Database(this.db.name, { readonly: true, fileMustExist: true });
    let active: IterableIterator<unknown[]> | null = null;
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      try {
        active?.return?.();
        if (reader.inTransaction) reader.exec('COMMIT');
      } finally {
        reader.close();
      }
    };
    try {
      reader.pragma('busy_timeout = 5000');
      // The snapshot starts at the first read inside the transaction: the count below, else the read.
      reader.exec('BEGIN');
      const summary = options.summary ?? true;
      const count = summary ? reader.prepare<Record<string, unknown>, { n: number }>(`SELECT count(*) AS n FROM responses ${where}`).get(params)!.n : null;
      const definitions = summary
        ? reader
            .prepare<Record<string, unknown>, DefinitionCount>(
              `SELECT definition_id AS id, definition_version AS version, count(*) AS count FROM responses ${where}
               GROUP BY definition_id, definition_version ORDER BY count DESC, id, version`,
            )
            .all(params)
        : [];
      // Rows as arrays (raw mode): building an object with named keys for every row costs more than
      // the read itself at 100,000 rows.
      const full = reader.prepare(`SELECT ${RESPONSE_COLUMNS.join(', ')} FROM responses ${where} ORDER BY completed_at, id`).raw(true);
      const scorable = reader.prepare(`SELECT ${SCORABLE_COLUMNS.join(', ')} FROM responses ${where}`).raw(true);
      let started = false;
      /**
       * Runs the one read of the snapshot in batches (one await per batch, not per row, which matters
       * at 100,000 rows) and closes the snapshot when it ends, however it ends.
       */
      async function* read<T>(statement: Database.Statement, map: (row: unknown[]) => T): AsyncGenerator<T[], void, undefined> {
        if (started) throw new Error('a response snapshot is read once');
        started = true;
        try {
          const rows = (active = statement.iterate(params) as IterableIterator<unknown[]>);
          let batch: T[] = [];
          for (const row of rows) {
            batch.push(map(row));
            if (batch.length === SNAPSHOT_BATCH_ROWS) {
              yield batch;
              batch = [];
            }
          }
          if (batch.length > 0) yield batch;
        } finally {
          active = null;
          close();
        }
      }
      return {
        count,
        definitions,
        responses: () => read(full, toStoredResponse),
        scorable: () => read(scorable, toScorableRow),
        close: async () => close(),
      };
    } catch (error) {
      close();
      throw error;
    }
  }

  async listPlaces(): Promise<PlaceCount[]> {
    return this.statements.places.all();
  }

  async getAdminPasswordHash(): Promise<string | null> {
    return this.statements.getPassword.get()?.hash ?? null;
  }

  async setAdminPasswordHash(hash: string, at: string): Promise<void> {
    this.db.transaction(() => {
      this.statements.setPassword.run(hash, at);
      this.statements.deleteAllSessions.run();
    }).immediate();
  }

  async addAdminSession(idHash: Buffer, session: AdminSession): Promise<void> {
    this.statements.addSession.run(idHash, session.createdAt, session.expiresAt);
  }

  async findAdminSession(idHash: Buffer, now: string): Promise<AdminSession | undefined> {
    return this.statements.findSession.get(idHash, now);
  }

  async deleteAdminSession(idHash: Buffer): Promise<void> {
    this.statements.deleteSession.run(idHash);
  }

  async deleteExpiredAdminSessions(now: string): Promise<number> {
    return this.statements.deleteExpiredSessions.run(now).changes;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** The columns a full response is read from, in the order toStoredResponse reads them. */
const RESPONSE_COLUMNS = [
  'id', 'kiosk_id', 'seq', 'definition_id', 'definition_version', 'locale', 'status', 'started_at', 'completed_at',
  'duration_ms', 'agency_code', 'counter_code', 'device_label', 'app_version', 'answers_json', 'flag_too_fast',
  'flag_below_min_interval', 'device_id', 'received_at', 'source',
] as const;

/** A row back into the response it was stored from (keys in the schema's order); instants come back in UTC. */
function toStoredResponse(row: unknown[]): StoredResponse {
  const response: SurveyResponse = {
    id: row[0] as string,
    kioskId: row[1] as string,
    seq: row[2] as number,
    definitionId: row[3] as string,
    definitionVersion: row[4] as number,
    locale: row[5] as string,
    status: row[6] as SurveyResponse['status'],
    startedAt: row[7] as string,
    completedAt: row[8] as string,
    durationMs: row[9] as number,
    agencyCode: row[10] as string,
    counterCode: row[11] as string,
    deviceLabel: row[12] as string,
    appVersion: row[13] as string,
    answers: JSON.parse(row[14] as string) as SurveyResponse['answers'],
    flags: { tooFast: row[15] === 1, belowMinInterval: row[16] === 1 },
  };
  return { response, deviceId: row[17] as string | null, receivedAt: row[18] as string, source: row[19] as ResponseSource };
}

/** The columns scoring reads, in the order toScorableRow reads them. */
const SCORABLE_COLUMNS = ['definition_id', 'status', 'answers_json', 'completed_at', 'agency_code', 'counter_code'] as const;

function toScorableRow(row: unknown[]): ScorableRow {
  return {
    definitionId: row[0] as string,
    status: row[1] as SurveyResponse['status'],
    answers: JSON.parse(row[2] as string) as SurveyResponse['answers'],
    completedAt: row[3] as string,
    agencyCode: row[4] as string,
    counterCode: row[5] as string,
  };
}

const QUESTION_ID = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;

/** The WHERE clause of a filter, with named parameters only: no value is ever spliced into the SQL. */
function whereClause(filter: ResponseFilter): { where: string; params: Record<string, unknown> } {
  const conditions: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.agencyCode !== undefined) {
    conditions.push('agency_code = @agencyCode');
    params.agencyCode = filter.agencyCode;
  }
  if (filter.counterCode !== undefined) {
    conditions.push('counter_code = @counterCode');
    params.counterCode = filter.counterCode;
  }
  if (filter.definitionId !== undefined) {
    conditions.push('definition_id = @definitionId');
    params.definitionId = filter.definitionId;
    if (filter.definitionVersion !== undefined) {
      conditions.push('definition_version = @definitionVersion');
      params.definitionVersion = filter.definitionVersion;
    }
  }
  if (filter.completedFrom !== undefined) {
    conditions.push('completed_at >= @completedFrom');
    params.completedFrom = utc(filter.completedFrom);
  }
  if (filter.completedBefore !== undefined) {
    conditions.push('completed_at < @completedBefore');
    params.completedBefore = utc(filter.completedBefore);
  }
  if (filter.answer !== undefined) {
    if (!QUESTION_ID.test(filter.answer.questionId)) throw new Error(`not a question id: ${JSON.stringify(filter.answer.questionId)}`);
    conditions.push('json_extract(answers_json, @answerPath) = @answerCode');
    params.answerPath = `$.${filter.answer.questionId}`;
    params.answerCode = filter.answer.code;
  }
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}
