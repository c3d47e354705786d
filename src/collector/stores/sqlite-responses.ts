import Database from 'better-sqlite3';
import { isQuestionId } from '../../shared/ids';
import { canonicalJson, type SurveyDefinition, type SurveyResponse } from '../../shared/survey';
import { contactWriter, kioskSightingWriter } from './sqlite-devices';
import type {
  DefinitionCount,
  IngestBatch,
  IngestOutcome,
  PlaceCount,
  ResponseFilter,
  ResponseSnapshot,
  ResponseSource,
  ResponseStore,
  ScorableRow,
  SnapshotOptions,
  StoredFlag,
  StoredRow,
} from './store';
import { NO_COLLECTOR_FLAGS, reportAfterBatch } from './store';
import { sqliteSetAsideQueries } from './sqlite-set-aside';
import { batchClockSkew, latestAnswersOf, textAnswerMark } from './store-rows';
import { sqliteTallies } from './sqlite-tallies';
import { sqliteFleetFigures } from './sqlite-fleet';
import type { LatestAnswers } from './store';
import { tallyFlagBits } from './tally-groups';

/** Rows a snapshot hands over at a time. */
const SNAPSHOT_BATCH_ROWS = 256;
/** Page cache of a snapshot's own connection, in KiB. */
const SNAPSHOT_CACHE_KB = 2048;

/** Instants are stored in UTC so that text order is time order for the completed_at index. */
function utc(isoDateTime: string): string {
  return new Date(isoDateTime).toISOString();
}

/** The response queries over one SQLite connection; snapshots read through a second, read-only one. */
export function sqliteResponseStore(db: Database.Database): ResponseStore {
  const statements = {
    insertResponse: db.prepare(
      `INSERT INTO responses (
         id, device_id, kiosk_id, seq, definition_id, definition_version, status, agency_code, counter_code,
         locale, started_at, completed_at, duration_ms, flag_too_fast, flag_below_min_interval, device_label,
         app_version, answers_json, content_hash, received_at, source,
         clock_skew_ms, flag_clock_skew, placed_at, flag_place_mismatch, ended_by, sections_off, has_text_answer)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
    logRejection: db.prepare('INSERT INTO rejections (device_id, response_id, received_at, reason, kiosk_id, seq) VALUES (?, ?, ?, ?, ?, ?)'),
    // Names come from the devices registered with the codes now (the newest registration's), so the
    // report and the filters show "Quầy 2" where a device has names; '' for codes no device carries.
    places: db.prepare<[], PlaceCount>(
      `SELECT r.agency_code AS agencyCode, r.counter_code AS counterCode, count(*) AS count,
         coalesce((SELECT d.agency_name FROM devices d WHERE d.agency_code = r.agency_code AND d.agency_name <> ''
                   ORDER BY d.created_at DESC LIMIT 1), '') AS agencyName,
         coalesce((SELECT d.counter_name FROM devices d WHERE d.agency_code = r.agency_code AND d.counter_code = r.counter_code
                   AND d.counter_name <> '' ORDER BY d.created_at DESC LIMIT 1), '') AS counterName
       FROM responses r GROUP BY r.agency_code, r.counter_code ORDER BY r.agency_code, r.counter_code`,
    ),
  };
  const writeContact = contactWriter(db);
  // One stored response by id, for the conflicts listing (which shows it beside the incoming content).
  const storedRow = db.prepare(`SELECT ${RESPONSE_COLUMNS.join(', ')} FROM responses WHERE id = ?`).raw(true);
  const noteKioskSeen = kioskSightingWriter(db);
  const tallies = sqliteTallies(db);
  // Highest number, count and missing ranges per kiosk, kept here so the fleet view never reads every row.
  const fleetFigures = sqliteFleetFigures(db);

  const ingestTransaction = db.transaction((batch: IngestBatch): IngestOutcome[] => {
    const s = statements;
    // Scoring tallies of the stored responses, written in this same transaction (never duplicates or conflicts).
    const tallyBatch = tallies.batch();
    const figureBatch = fleetFigures.batch(batch.deviceId);
    const outcomes = batch.items.map((item): IngestOutcome => {
      if (item.kind === 'rejected') {
        s.logRejection.run(batch.deviceId, item.responseId, batch.receivedAt, item.reason, item.kioskId ?? null, item.seq ?? null);
        return { status: 'rejected', reason: item.reason };
      }
      const r = item.response;
      const flags = item.collectorFlags ?? NO_COLLECTOR_FLAGS;
      const completedAt = utc(r.completedAt);
      // A kiosk clock known to be off: the response is placed in time on the collector's clock.
      const placedAt = flags.clockSkew && flags.clockSkewMs !== null ? new Date(Date.parse(completedAt) - flags.clockSkewMs).toISOString() : completedAt;
      const inserted = s.insertResponse.run(
        r.id, batch.deviceId, r.kioskId, r.seq, r.definitionId, r.definitionVersion, r.status, r.agencyCode,
        r.counterCode, r.locale, utc(r.startedAt), completedAt, r.durationMs, r.flags.tooFast ? 1 : 0,
        r.flags.belowMinInterval ? 1 : 0, r.deviceLabel, r.appVersion, canonicalJson(r.answers), item.contentHash,
        batch.receivedAt, batch.source, flags.clockSkewMs, flags.clockSkew ? 1 : 0, placedAt, flags.placeMismatch ? 1 : 0,
        r.endedBy ?? null, sectionsOffJson(r.sectionsOff), sqliteMark(textAnswerMark(tallies.definitionOf(r.definitionId, r.definitionVersion), r.answers)),
      );
      if (inserted.changes === 1) {
        tallyBatch.add({
          definitionId: r.definitionId,
          definitionVersion: r.definitionVersion,
          status: r.status,
          agencyCode: r.agencyCode,
          counterCode: r.counterCode,
          answers: r.answers,
          ...(r.sectionsOff ? { sectionsOff: r.sectionsOff } : {}),
          flags: tallyFlagBits(r.flags, flags, r.endedBy),
          placedAt,
        });
        figureBatch.add(r.kioskId, r.seq);
        return { status: 'created' };
      }
      const stored = s.storedHash.get(r.id)!;
      if (stored.content_hash === item.contentHash) return { status: 'duplicate' };
      s.keepConflict.run(r.id, batch.deviceId, batch.receivedAt, item.contentHash, item.canonical);
      return {
        status: 'conflict',
        reason: `a response with id ${r.id} but different content was received at ${stored.received_at}; it is kept unchanged and this version is set aside for review`,
      };
    });
    tallyBatch.flush();
    figureBatch.flush();
    // Written after the items, in the same transaction: the kiosk counted its queue before sending, so
    // the report kept is the kiosk as it stands after this batch (else an emptied queue shows "1 waiting" for ever).
    if (batch.deviceId !== null && batch.source === 'sync') {
      writeContact(batch.deviceId, batch.receivedAt, batch.report && reportAfterBatch(batch.report, outcomes), batchClockSkew(batch));
    }
    // The kiosk ids that came through the device (its report's and its responses'), so one kiosk id
    // arriving through two devices (a copied profile, a token moved by hand) shows in the fleet view.
    if (batch.deviceId !== null && batch.source === 'sync') {
      const seen = new Set<string>(batch.report ? [batch.report.kioskId] : []);
      for (const item of batch.items) if (item.kind === 'valid') seen.add(item.response.kioskId);
      for (const kioskId of seen) noteKioskSeen(batch.deviceId, kioskId, batch.receivedAt);
    }
    return outcomes;
  });

  return {
    async ingest(batch) {
      // IMMEDIATE: take the write lock up front so a second handle on the file waits instead of failing mid-batch.
      return ingestTransaction.immediate(batch);
    },
    async countResponses(deviceId) {
      return fleetFigures.countStored(deviceId);
    },
    async findSequenceGaps(deviceId) {
      return fleetFigures.gapsOfDevice(deviceId);
    },
    async listFleetFigures() {
      return fleetFigures.listFleetFigures();
    },
    async openResponseSnapshot(filter, options) {
      return openSnapshot(db, filter, options);
    },
    async listPlaces() {
      // Names only where a device has them, so a place without one reads exactly as before.
      return statements.places.all().map(({ agencyName, counterName, ...place }) => ({
        ...place,
        ...(agencyName ? { agencyName } : {}),
        ...(counterName ? { counterName } : {}),
      }));
    },
    async listCaseDuplicateIds() {
      const rows = db
        .prepare<[], { canonicalId: string; idsJson: string; foundAt: string }>(
          'SELECT canonical_id AS canonicalId, ids_json AS idsJson, found_at AS foundAt FROM case_duplicate_ids ORDER BY canonical_id',
        )
        .all();
      return rows.map(({ canonicalId, idsJson, foundAt }) => ({ canonicalId, ids: JSON.parse(idsJson) as string[], foundAt }));
    },
    async useDefinitions(definitions) {
      tallies.useDefinitions(definitions);
      markTextAnswers(db, definitions);
    },
    async readTallies(query) {
      return tallies.readTallies(query);
    },
    async readPlaceTallies(query) {
      return tallies.readPlaceTallies(query);
    },
    async checkTallies(definitions) {
      return tallies.checkTallies(definitions);
    },
    async listLatestAnswers(filter, versions, questionIds, limit) {
      return latestAnswers(db, filter, versions, questionIds, limit);
    },
    ...sqliteSetAsideQueries(
      db,
      (deviceId) => fleetFigures.gapsOfDevice(deviceId),
      (responseId) => {
        const row = storedRow.get(responseId) as unknown[] | undefined;
        return row ? toStoredRow(row) : null;
      },
    ),
  };
}

function openSnapshot(db: Database.Database, filter: ResponseFilter, options: SnapshotOptions = {}): ResponseSnapshot {
  if (db.memory) throw new Error('response snapshots need a database file (they read through a second connection)');
  const { where, params } = whereClause(filter);
  // A connection of its own: a long export waiting on a slow client must never keep the main
  // connection busy (better-sqlite3 allows no other statement on a connection mid-iteration), and
  // WAL lets it read a fixed snapshot while kiosks keep writing through the main one.
  const reader = new Database(db.name, { readonly: true, fileMustExist: true });
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
    // A snapshot reads each page once, in index order: the default 16 MB page cache only fills up and
    // stays taken while the export runs (issue 12's export memory); the index's inner pages fit in 2 MB.
    reader.pragma(`cache_size = -${SNAPSHOT_CACHE_KB}`);
    // The snapshot starts at the first read inside the transaction: the count below, else the read.
    reader.exec('BEGIN');
    const summary = options.summary ?? true;
    const batchRows = Math.max(1, Math.floor(options.batchRows ?? SNAPSHOT_BATCH_ROWS));
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
          if (batch.length === batchRows) {
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
      responses: () => read(full, toStoredRow),
      scorable: () => read(scorable, toScorableRow),
      close: async () => close(),
    };
  } catch (error) {
    close();
    throw error;
  }
}

/**
 * Walks the matching complete responses newest first (by placed time) and keeps those that answered one of the
 * questions, until `limit` are found: a report's comments cost the rows up to the latest comments,
 * not the whole table (json_extract decides in SQLite which rows have an answer at all).
 */
function latestAnswers(db: Database.Database, filter: ResponseFilter, versions: readonly number[], questionIds: readonly string[], limit: number): LatestAnswers[] {
  if (versions.length === 0 || questionIds.length === 0 || limit <= 0) return [];
  const { where, params } = whereClause({ ...filter, definitionVersion: undefined });
  const answered: string[] = [];
  questionIds.forEach((questionId, i) => {
    if (!isQuestionId(questionId)) throw new Error(`not a question id: ${JSON.stringify(questionId)}`);
    answered.push(`json_extract(answers_json, @textPath${i}) IS NOT NULL`);
    params[`textPath${i}`] = `$.${questionId}`;
  });
  params.versions = JSON.stringify(versions);
  // Rows marked as having no text answer (migration 0014) are left out by the partial indexes' own
  // terms, which must appear as written for SQLite to use them; unmarked rows (NULL) are read and checked.
  const conditions = [
    where === '' ? '1' : where.slice('WHERE '.length),
    'has_text_answer IS NOT 0',
    "status = 'complete'",
    'definition_version IN (SELECT value FROM json_each(@versions))',
    `(${answered.join(' OR ')})`,
  ];
  // Newest first by placed time (the report's time axis; ties by id, as on PostgreSQL): the text
  // answers' indexes (migration 0014), of every unit or of one, are walked backwards from the end of
  // the period and the walk stops at the limit.
  const statement = db.prepare<Record<string, unknown>, { completed_at: string; agency_code: string; counter_code: string; answers_json: string }>(
    `SELECT completed_at, agency_code, counter_code, answers_json FROM responses WHERE ${conditions.join(' AND ')} ORDER BY placed_at DESC, id DESC`,
  );
  const found: LatestAnswers[] = [];
  for (const row of statement.iterate(params)) {
    const comment = latestAnswersOf({ completedAt: row.completed_at, agencyCode: row.agency_code, counterCode: row.counter_code, answersJson: row.answers_json }, questionIds);
    if (!comment) continue;
    found.push(comment);
    if (found.length >= limit) break;
  }
  return found;
}

/** Rows marked per transaction: the writer is held for one page at a time, never for the whole table. */
const MARK_PAGE_ROWS = 5_000;

/**
 * Marks the rows stored unmarked (before migration 0014, or under a definition not known then) of
 * `definitions`, page by page, with the same rule as ingest; rows of other definitions stay unmarked.
 */
function markTextAnswers(db: Database.Database, definitions: readonly SurveyDefinition[]): void {
  const page = db
    .prepare<[string, number, string, number], [string, string]>(
      `SELECT id, answers_json FROM responses INDEXED BY responses_text_answers_unmarked
       WHERE has_text_answer IS NULL AND definition_id = ? AND definition_version = ? AND id > ? ORDER BY id LIMIT ?`,
    )
    .raw(true);
  const mark = db.prepare<[0 | 1, string]>('UPDATE responses SET has_text_answer = ? WHERE id = ? AND has_text_answer IS NULL');
  const markPage = db.transaction((rows: ReadonlyArray<[string, string]>, definition: SurveyDefinition) => {
    for (const [id, answersJson] of rows) mark.run(textAnswerMark(definition, JSON.parse(answersJson) as SurveyResponse['answers']) ? 1 : 0, id);
  });
  for (const definition of definitions) {
    let after = '';
    for (;;) {
      const rows = page.all(definition.id, definition.version, after, MARK_PAGE_ROWS);
      if (rows.length === 0) break;
      markPage(rows, definition);
      after = rows[rows.length - 1][0];
    }
  }
}

/** A has_text_answer mark as SQLite stores it. */
function sqliteMark(mark: boolean | null): 0 | 1 | null {
  return mark === null ? null : mark ? 1 : 0;
}

/** The columns a full response is read from, in the order toStoredRow reads them. */
const RESPONSE_COLUMNS = [
  'id', 'kiosk_id', 'seq', 'definition_id', 'definition_version', 'locale', 'status', 'started_at', 'completed_at',
  'duration_ms', 'agency_code', 'counter_code', 'device_label', 'app_version', 'answers_json', 'flag_too_fast',
  'flag_below_min_interval', 'device_id', 'received_at', 'source', 'clock_skew_ms', 'flag_clock_skew', 'placed_at',
  'flag_place_mismatch', 'ended_by', 'sections_off',
] as const;

/** A row back into the response it was stored from (keys in the schema's order); instants come back in UTC. */
function toStoredRow(row: unknown[]): StoredRow {
  const response: SurveyResponse = {
    id: row[0] as string,
    kioskId: row[1] as string,
    seq: row[2] as number,
    definitionId: row[3] as string,
    definitionVersion: row[4] as number,
    locale: row[5] as string,
    status: row[6] as SurveyResponse['status'],
    // Absent, not null, for a kiosk that never sent it: the response reads back exactly as it came.
    ...(row[24] === null ? {} : { endedBy: row[24] as NonNullable<SurveyResponse['endedBy']> }),
    ...sectionsOffOf(row[25]),
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
  return {
    response,
    deviceId: row[17] as string | null,
    receivedAt: row[18] as string,
    source: row[19] as ResponseSource,
    collectorFlags: { clockSkewMs: row[20] as number | null, clockSkew: row[21] === 1, placeMismatch: row[23] === 1 },
    placedAt: row[22] as string,
  };
}

/** The columns scoring reads, in the order toScorableRow reads them. */
const SCORABLE_COLUMNS = [
  'definition_id', 'status', 'answers_json', 'completed_at', 'agency_code', 'counter_code', 'definition_version',
  'flag_too_fast', 'flag_below_min_interval', 'clock_skew_ms', 'flag_clock_skew', 'placed_at', 'flag_place_mismatch', 'ended_by',
  'sections_off',
] as const;

function toScorableRow(row: unknown[]): ScorableRow {
  return {
    definitionId: row[0] as string,
    status: row[1] as SurveyResponse['status'],
    answers: JSON.parse(row[2] as string) as SurveyResponse['answers'],
    completedAt: row[3] as string,
    agencyCode: row[4] as string,
    counterCode: row[5] as string,
    definitionVersion: row[6] as number,
    flags: { tooFast: row[7] === 1, belowMinInterval: row[8] === 1 },
    collectorFlags: { clockSkewMs: row[9] as number | null, clockSkew: row[10] === 1, placeMismatch: row[12] === 1 },
    placedAt: row[11] as string,
    ...(row[13] === null ? {} : { endedBy: row[13] as NonNullable<SurveyResponse['endedBy']> }),
    ...sectionsOffOf(row[14]),
  };
}

/** sectionsOff as stored in sections_off: JSON text, NULL for a response that did not say (an older kiosk). */
export function sectionsOffJson(sectionsOff: SurveyResponse['sectionsOff']): string | null {
  return sectionsOff === undefined ? null : JSON.stringify(sectionsOff);
}

/** The sections_off column back as the response's field: absent, not empty, when NULL, so the response reads back as it came. */
export function sectionsOffOf(column: unknown): Pick<SurveyResponse, 'sectionsOff'> {
  return column === null || column === undefined ? {} : { sectionsOff: JSON.parse(column as string) as string[] };
}


/** The condition a response not carrying each stored flag meets (fixed SQL, never text from a filter). */
const UNFLAGGED: Readonly<Record<StoredFlag, string>> = {
  tooFast: 'flag_too_fast = 0',
  belowMinInterval: 'flag_below_min_interval = 0',
  placeMismatch: 'flag_place_mismatch = 0',
  clockSkew: 'flag_clock_skew = 0',
  // NULL (a kiosk older than the field) is ended by the citizen.
  endedByTimeout: "ended_by IS NOT 'timeout'",
};
const hasOwnFlag = Object.prototype.hasOwnProperty;

/** The WHERE clause of a filter, with named parameters only: no value is ever spliced into the SQL. */
function whereClause(filter: ResponseFilter): { where: string; params: Record<string, unknown> } {
  const conditions: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.agencyCode !== undefined) {
    conditions.push('agency_code = @agencyCode');
    params.agencyCode = filter.agencyCode;
  }
  // A unit and its descendants: one JSON parameter, however many units the tree holds.
  if (filter.agencyCodes !== undefined) {
    conditions.push('agency_code IN (SELECT value FROM json_each(@agencyCodes))');
    params.agencyCodes = JSON.stringify(filter.agencyCodes);
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
  // The period is the placed time, so a kiosk whose clock is off still lands in the right month
  // (placed_at equals completed_at for every response not flagged for clock skew).
  if (filter.completedFrom !== undefined) {
    conditions.push('placed_at >= @completedFrom');
    params.completedFrom = utc(filter.completedFrom);
  }
  if (filter.completedBefore !== undefined) {
    conditions.push('placed_at < @completedBefore');
    params.completedBefore = utc(filter.completedBefore);
  }
  if (filter.answer !== undefined) {
    if (!isQuestionId(filter.answer.questionId)) throw new Error(`not a question id: ${JSON.stringify(filter.answer.questionId)}`);
    conditions.push('json_extract(answers_json, @answerPath) = @answerCode');
    params.answerPath = `$.${filter.answer.questionId}`;
    params.answerCode = filter.answer.code;
  }
  for (const flag of new Set(filter.excludeFlags ?? [])) {
    // A fixed column name per flag, never text from the filter.
    if (!hasOwnFlag.call(UNFLAGGED, flag)) throw new Error(`not a stored flag: ${JSON.stringify(flag)}`);
    conditions.push(UNFLAGGED[flag]);
  }
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}
