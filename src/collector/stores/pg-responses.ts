/*
 * The stored responses on PostgreSQL: the same ResponseStore as sqlite-responses.ts, value for value
 * (same order, same null/undefined, instants as the same UTC ISO strings), over a connection pool.
 *
 * The schema is migrations/postgres/ (the foundation's steps, SQLite's column names): instants, ids and
 * codes are `text COLLATE "C"` (the strings SQLite keeps, sorted byte-wise whatever the database's
 * locale), flags boolean (read back as 0/1 so both stores map rows alike), answers_json the canonical
 * text verbatim; responses.id is the primary key on the canonical lower-case id, so the database itself
 * keeps ids unique across collector processes, and (completed_at, id) is indexed for the export order.
 */
import type { Pool, PoolClient } from 'pg';
import Cursor from 'pg-cursor';
import { isQuestionId } from '../../shared/ids';
import { canonicalJson, type SurveyDefinition, type SurveyResponse } from '../../shared/survey';
import { pgSetAsideQueries } from './pg-set-aside';
import { pgRecordBatchContact } from './pg-devices';
import { homeShardOf, pgTallies } from './pg-tallies';
import { addToFleetFigures, pgFleetFigures } from './pg-fleet';
import { inTransaction } from './pg-pool';
import { tallyFlagBits, type TallySource } from './tally-groups';
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
import { NO_COLLECTOR_FLAGS, type LatestAnswers } from './store';
import { latestAnswersOf, textAnswerMark } from './store-rows';

/** Rows a snapshot hands over at a time (as SQLite's), unless the caller asks for another size. */
const SNAPSHOT_BATCH_ROWS = 256;

/** Attempts of a batch that PostgreSQL aborted to break a deadlock or a serialisation conflict. */
const INGEST_ATTEMPTS = 4;
/** SQLSTATEs worth running the whole transaction again for: deadlock_detected, serialization_failure. */
const RETRYABLE = new Set(['40P01', '40001']);

/** Instants are stored in UTC ISO text, so text order is time order (as on SQLite). */
function utc(isoDateTime: string): string {
  return new Date(isoDateTime).toISOString();
}

/** The columns a full response is read from, in the order toStoredRow reads them (flags cast to 0/1). */
const RESPONSE_COLUMNS = [
  'id', 'kiosk_id', 'seq', 'definition_id', 'definition_version', 'locale', 'status', 'started_at', 'completed_at',
  'duration_ms', 'agency_code', 'counter_code', 'device_label', 'app_version', 'answers_json', 'flag_too_fast::int',
  'flag_below_min_interval::int', 'device_id', 'received_at', 'source', 'clock_skew_ms', 'flag_clock_skew::int', 'placed_at',
  'flag_place_mismatch::int', 'ended_by', 'sections_off',
] as const;

/** The columns scoring reads, in the order toScorableRow reads them. */
const SCORABLE_COLUMNS = [
  'definition_id', 'status', 'answers_json', 'completed_at', 'agency_code', 'counter_code', 'definition_version',
  'flag_too_fast::int', 'flag_below_min_interval::int', 'clock_skew_ms', 'flag_clock_skew::int', 'placed_at',
  'flag_place_mismatch::int', 'ended_by', 'sections_off',
] as const;

/** A bigint (which node-postgres hands over as text) or an integer column as a number; null stays null. */
function numberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** sectionsOff as stored in sections_off (JSON text), NULL for a kiosk that did not say: as on SQLite. */
function sectionsOffJson(sectionsOff: SurveyResponse['sectionsOff']): string | null {
  return sectionsOff === undefined ? null : JSON.stringify(sectionsOff);
}

/** The ended_by and sections_off columns back as the response's fields: absent, not null, when NULL (an older kiosk). */
function endedAndSectionsOf(endedBy: unknown, sectionsOff: unknown): Pick<SurveyResponse, 'endedBy' | 'sectionsOff'> {
  return {
    ...(endedBy === null || endedBy === undefined ? {} : { endedBy: endedBy as NonNullable<SurveyResponse['endedBy']> }),
    ...(sectionsOff === null || sectionsOff === undefined ? {} : { sectionsOff: JSON.parse(sectionsOff as string) as string[] }),
  };
}

/** A row back into the response it was stored from (keys in the schema's order, as SQLite's store gives them). */
function toStoredRow(row: unknown[]): StoredRow {
  const response: SurveyResponse = {
    id: row[0] as string,
    kioskId: row[1] as string,
    seq: Number(row[2]),
    definitionId: row[3] as string,
    definitionVersion: Number(row[4]),
    locale: row[5] as string,
    status: row[6] as SurveyResponse['status'],
    // Where SQLite's store puts them, so both read back key for key alike.
    ...endedAndSectionsOf(row[24], row[25]),
    startedAt: row[7] as string,
    completedAt: row[8] as string,
    durationMs: Number(row[9]),
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
    collectorFlags: { clockSkewMs: numberOrNull(row[20]), clockSkew: row[21] === 1, placeMismatch: row[23] === 1 },
    placedAt: row[22] as string,
  };
}

function toScorableRow(row: unknown[]): ScorableRow {
  return {
    definitionId: row[0] as string,
    status: row[1] as SurveyResponse['status'],
    answers: JSON.parse(row[2] as string) as SurveyResponse['answers'],
    completedAt: row[3] as string,
    agencyCode: row[4] as string,
    counterCode: row[5] as string,
    definitionVersion: Number(row[6]),
    flags: { tooFast: row[7] === 1, belowMinInterval: row[8] === 1 },
    collectorFlags: { clockSkewMs: numberOrNull(row[9]), clockSkew: row[10] === 1, placeMismatch: row[12] === 1 },
    placedAt: row[11] as string,
    ...endedAndSectionsOf(row[13], row[14]),
  };
}

/** The condition a response not carrying each stored flag meets: fixed SQL, never text from a filter. */
const UNFLAGGED: Readonly<Record<StoredFlag, string>> = {
  tooFast: 'NOT flag_too_fast',
  belowMinInterval: 'NOT flag_below_min_interval',
  placeMismatch: 'NOT flag_place_mismatch',
  clockSkew: 'NOT flag_clock_skew',
  // NULL (a kiosk older than the field) is ended by the citizen.
  endedByTimeout: "ended_by IS DISTINCT FROM 'timeout'",
};
const hasOwnFlag = Object.prototype.hasOwnProperty;

/** The WHERE clause of a filter with $n parameters only: no value is ever spliced into the SQL. */
export function pgWhereClause(filter: ResponseFilter): { where: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.agencyCode !== undefined) conditions.push(`agency_code = ${param(filter.agencyCode)}`);
  if (filter.agencyCodes !== undefined) conditions.push(`agency_code = ANY(${param([...filter.agencyCodes])}::text[])`);
  if (filter.counterCode !== undefined) conditions.push(`counter_code = ${param(filter.counterCode)}`);
  if (filter.definitionId !== undefined) {
    conditions.push(`definition_id = ${param(filter.definitionId)}`);
    if (filter.definitionVersion !== undefined) conditions.push(`definition_version = ${param(filter.definitionVersion)}`);
  }
  // The period is the placed time, as on SQLite (placed_at equals completed_at unless flagged for skew).
  if (filter.completedFrom !== undefined) conditions.push(`placed_at >= ${param(utc(filter.completedFrom))}`);
  if (filter.completedBefore !== undefined) conditions.push(`placed_at < ${param(utc(filter.completedBefore))}`);
  if (filter.answer !== undefined) {
    if (!isQuestionId(filter.answer.questionId)) throw new Error(`not a question id: ${JSON.stringify(filter.answer.questionId)}`);
    // A string answer equal to the code, exactly as SQLite's json_extract(…) = code (a number 4 is not '4').
    const key = param(filter.answer.questionId);
    conditions.push(`json_typeof(answers_json::json -> ${key}::text) = 'string' AND answers_json::json ->> ${key}::text = ${param(filter.answer.code)}`);
  }
  for (const flag of new Set(filter.excludeFlags ?? [])) {
    if (!hasOwnFlag.call(UNFLAGGED, flag)) throw new Error(`not a stored flag: ${JSON.stringify(flag)}`);
    conditions.push(UNFLAGGED[flag]);
  }
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

/** PostgreSQL's SQLSTATE of an error, when it is one of the server's. */
function sqlState(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** Runs `work` in one transaction on a client of its own; a deadlock or serialisation failure runs it again. */
async function inRetriedTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(pool, work);
    } catch (error) {
      if (attempt < INGEST_ATTEMPTS && RETRYABLE.has(sqlState(error) ?? '')) continue;
      throw error;
    }
  }
}

const INSERT_RESPONSES = `
  INSERT INTO responses (
    id, device_id, kiosk_id, seq, definition_id, definition_version, status, agency_code, counter_code,
    locale, started_at, completed_at, duration_ms, flag_too_fast, flag_below_min_interval, device_label,
    app_version, answers_json, content_hash, received_at, source,
    clock_skew_ms, flag_clock_skew, placed_at, flag_place_mismatch, ended_by, sections_off, has_text_answer)
  SELECT u.id, $2::text, u.kiosk_id, u.seq, u.definition_id, u.definition_version, u.status, u.agency_code, u.counter_code,
    u.locale, u.started_at, u.completed_at, u.duration_ms, u.flag_too_fast, u.flag_below_min_interval, u.device_label,
    u.app_version, u.answers_json, u.content_hash, $3::text, $4::text,
    u.clock_skew_ms, u.flag_clock_skew, u.placed_at, u.flag_place_mismatch, u.ended_by, u.sections_off, u.has_text_answer
  FROM unnest($1::text[], $5::text[], $6::bigint[], $7::text[], $8::bigint[], $9::text[], $10::text[], $11::text[], $12::text[],
    $13::text[], $14::text[], $15::bigint[], $16::boolean[], $17::boolean[], $18::text[], $19::text[], $20::text[], $21::text[],
    $22::bigint[], $23::boolean[], $24::text[], $25::boolean[], $26::text[], $27::text[], $28::boolean[])
    WITH ORDINALITY AS u(id, kiosk_id, seq, definition_id, definition_version, status, agency_code, counter_code, locale,
      started_at, completed_at, duration_ms, flag_too_fast, flag_below_min_interval, device_label, app_version, answers_json,
      content_hash, clock_skew_ms, flag_clock_skew, placed_at, flag_place_mismatch, ended_by, sections_off, has_text_answer, n)
  -- In batch order, so the table's physical order is arrival order as SQLite's rowid is. Two batches sharing ids in opposite orders can deadlock: PostgreSQL aborts one and
  -- inRetriedTransaction runs it again.
  ORDER BY u.n
  ON CONFLICT (id) DO NOTHING
  RETURNING id`;

/** One valid item's columns, in the order of INSERT_RESPONSES' unnest arrays after the id. */
type ResponseValues = [
  kioskId: string, seq: number, definitionId: string, definitionVersion: number, status: string, agencyCode: string,
  counterCode: string, locale: string, startedAt: string, completedAt: string, durationMs: number, tooFast: boolean,
  belowMinInterval: boolean, deviceLabel: string, appVersion: string, answersJson: string, contentHash: string,
  clockSkewMs: number | null, clockSkew: boolean, placedAt: string, placeMismatch: boolean, endedBy: string | null,
  sectionsOff: string | null, hasTextAnswer: boolean | null,
];

/** Stores one batch through `client`, already inside its transaction; the outcomes in batch order. */
async function ingestWith(client: PoolClient, batch: IngestBatch, tallies: ReturnType<typeof pgTallies>): Promise<IngestOutcome[]> {
  const outcomes: Array<IngestOutcome | undefined> = new Array(batch.items.length);
  const rejections: Array<[responseId: string | null, reason: string, kioskId: string | null, seq: number | null]> = [];
  // First sight of each id in the batch goes to the INSERT; a later one is compared with what is stored
  // then (the first one, or an older row), exactly as SQLite's one-by-one inserts decide.
  const firstAt = new Map<string, number>();
  const placedAtOf = new Map<string, string>();
  const columns = { id: [] as string[], values: Array.from({ length: 24 }, () => [] as unknown[]) };
  batch.items.forEach((item, index) => {
    if (item.kind === 'rejected') {
      rejections.push([item.responseId, item.reason, item.kioskId ?? null, item.seq ?? null]);
      outcomes[index] = { status: 'rejected', reason: item.reason };
      return;
    }
    const r = item.response;
    if (firstAt.has(r.id)) return;
    firstAt.set(r.id, index);
    const flags = item.collectorFlags ?? NO_COLLECTOR_FLAGS;
    const completedAt = utc(r.completedAt);
    // A kiosk clock known to be off: the response is placed in time on the collector's clock.
    const placedAt = flags.clockSkew && flags.clockSkewMs !== null ? new Date(Date.parse(completedAt) - flags.clockSkewMs).toISOString() : completedAt;
    const values: ResponseValues = [
      r.kioskId, r.seq, r.definitionId, r.definitionVersion, r.status, r.agencyCode, r.counterCode, r.locale,
      utc(r.startedAt), completedAt, r.durationMs, r.flags.tooFast, r.flags.belowMinInterval,
      r.deviceLabel, r.appVersion, canonicalJson(r.answers), item.contentHash,
      flags.clockSkewMs, flags.clockSkew, placedAt, flags.placeMismatch, r.endedBy ?? null, sectionsOffJson(r.sectionsOff),
      textAnswerMark(tallies.definitionOf(r.definitionId, r.definitionVersion), r.answers),
    ];
    columns.id.push(r.id);
    placedAtOf.set(r.id, placedAt);
    values.forEach((value, column) => columns.values[column].push(value));
  });

  const created = new Set<string>();
  if (columns.id.length > 0) {
    const inserted = await client.query<{ id: string }>({
      name: 'sipas-insert-responses',
      text: INSERT_RESPONSES,
      values: [columns.id, batch.deviceId, batch.receivedAt, batch.source, ...columns.values],
    });
    for (const row of inserted.rows) created.add(row.id);
  }
  // Scoring tallies of the responses stored here, in this transaction (never duplicates or conflicts).
  const tallySources: TallySource[] = [];
  // The fleet figures of the numbers stored here (highest, count, missing ranges), kept in this transaction.
  const storedNumbers: Array<{ kioskId: string; seq: number }> = [];
  for (const [id, index] of firstAt) {
    if (!created.has(id)) continue;
    const item = batch.items[index] as Extract<IngestBatch['items'][number], { kind: 'valid' }>;
    const r = item.response;
    tallySources.push({
      definitionId: r.definitionId,
      definitionVersion: r.definitionVersion,
      status: r.status,
      agencyCode: r.agencyCode,
      counterCode: r.counterCode,
      answers: r.answers,
      ...(r.sectionsOff ? { sectionsOff: r.sectionsOff } : {}),
      flags: tallyFlagBits(r.flags, item.collectorFlags ?? NO_COLLECTOR_FLAGS, r.endedBy),
      placedAt: placedAtOf.get(id) as string,
    });
    storedNumbers.push({ kioskId: r.kioskId, seq: r.seq });
  }
  await addToFleetFigures(client, batch.deviceId, storedNumbers);

  // Every valid item not created here: one read of what is stored under those ids (this transaction's
  // own rows included, and rows another process committed while the INSERT waited for it).
  const unsettled = batch.items.flatMap((item, index) =>
    item.kind === 'valid' && !(created.has(item.response.id) && firstAt.get(item.response.id) === index) ? [index] : [],
  );
  for (const [id, index] of firstAt) if (created.has(id)) outcomes[index] = { status: 'created' };
  const conflicts: Array<[responseId: string, contentHash: string, body: string]> = [];
  if (unsettled.length > 0) {
    const ids = [...new Set(unsettled.map((index) => (batch.items[index] as Extract<IngestBatch['items'][number], { kind: 'valid' }>).response.id))];
    const stored = await client.query<{ id: string; content_hash: string; received_at: string }>(
      'SELECT id, content_hash, received_at FROM responses WHERE id = ANY($1::text[])',
      [ids],
    );
    const byId = new Map(stored.rows.map((row) => [row.id, row]));
    for (const index of unsettled) {
      const item = batch.items[index] as Extract<IngestBatch['items'][number], { kind: 'valid' }>;
      const row = byId.get(item.response.id);
      if (!row) throw new Error(`response ${item.response.id} is neither stored nor new`);
      if (row.content_hash === item.contentHash) {
        outcomes[index] = { status: 'duplicate' };
        continue;
      }
      conflicts.push([item.response.id, item.contentHash, item.canonical]);
      outcomes[index] = {
        status: 'conflict',
        reason: `a response with id ${item.response.id} but different content was received at ${row.received_at}; it is kept unchanged and this version is set aside for review`,
      };
    }
  }

  if (conflicts.length > 0) {
    // In batch order (the listing's ids follow arrival), one version per (id, content) kept.
    await client.query(
      `INSERT INTO conflicts (response_id, device_id, received_at, content_hash, body_json)
       SELECT c.response_id, $4::text, $5::text, c.content_hash, c.body_json
       FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS c(response_id, content_hash, body_json, n)
       ORDER BY c.n
       ON CONFLICT (response_id, content_hash) DO NOTHING`,
      [conflicts.map((c) => c[0]), conflicts.map((c) => c[1]), conflicts.map((c) => c[2]), batch.deviceId, batch.receivedAt],
    );
  }
  if (rejections.length > 0) {
    await client.query(
      `INSERT INTO rejections (device_id, response_id, received_at, reason, kiosk_id, seq)
       SELECT $5::text, j.response_id, $6::text, j.reason, j.kiosk_id, j.seq
       FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) WITH ORDINALITY AS j(response_id, reason, kiosk_id, seq, n)
       ORDER BY j.n`,
      [rejections.map((j) => j[0]), rejections.map((j) => j[1]), rejections.map((j) => j[2]), rejections.map((j) => j[3]), batch.deviceId, batch.receivedAt],
    );
  }
  const settled = outcomes as IngestOutcome[];
  // Written after the items, in the same transaction, as on SQLite: the report kept is the kiosk as it
  // stands after this batch, and the kiosk ids that came through the device are noted for the fleet view.
  await pgRecordBatchContact(client, batch, settled);
  // Last before COMMIT: the tally rows (and the shard's advisory lock) are held from this upsert to the
  // commit, so nothing else of the batch runs while they are. A device's batches start from its own
  // shard and take another when a running batch holds it, so concurrent kiosks rarely meet on a row.
  await tallies.addBatch(client, tallySources, homeShardOf(batch.deviceId ?? storedNumbers[0]?.kioskId ?? ''));
  return settled;
}

/** Rows marked per statement: each page is a short transaction of its own, never the whole table at once. */
const MARK_PAGE_ROWS = 5_000;

/**
 * Marks the rows stored unmarked (before migration 0014, or under a definition not known then) of
 * `definitions`, page by page, with the same rule as ingest; rows of other definitions stay unmarked.
 * Several processes starting at once may mark the same page: each writes the same mark, only where
 * none is yet.
 */
async function markTextAnswers(pool: Pool, definitions: readonly SurveyDefinition[]): Promise<void> {
  for (const definition of definitions) {
    let after = '';
    for (;;) {
      const page = await pool.query<{ id: string; answers_json: string }>(
        `SELECT id, answers_json FROM responses
         WHERE has_text_answer IS NULL AND definition_id = $1 AND definition_version = $2 AND id > $3 ORDER BY id LIMIT $4`,
        [definition.id, definition.version, after, MARK_PAGE_ROWS],
      );
      if (page.rows.length === 0) break;
      const marks = page.rows.map((row) => textAnswerMark(definition, JSON.parse(row.answers_json) as SurveyResponse['answers']));
      await pool.query(
        `UPDATE responses AS r SET has_text_answer = m.mark FROM unnest($1::text[], $2::boolean[]) AS m(id, mark)
         WHERE r.id = m.id AND r.has_text_answer IS NULL`,
        [page.rows.map((row) => row.id), marks],
      );
      after = page.rows[page.rows.length - 1].id;
    }
  }
}

/** The close functions of the snapshots still holding a client of the pool. */
export type OpenSnapshots = Set<() => Promise<void>>;

/**
 * The response queries over a pool; each snapshot reads through a client of its own and is noted in
 * `openSnapshots` until it closes, so the store's close can end the ones a caller left open (the
 * pool's end waits for every client to come back, and would otherwise wait forever).
 */
export function pgResponseStore(pool: Pool, openSnapshots: OpenSnapshots = new Set()): ResponseStore {
  const readStored = async (responseId: string): Promise<StoredRow | null> => {
    const result = await pool.query<unknown[]>({
      text: `SELECT ${RESPONSE_COLUMNS.join(', ')} FROM responses WHERE id = $1`,
      values: [responseId],
      rowMode: 'array',
    });
    return result.rows.length > 0 ? toStoredRow(result.rows[0]) : null;
  };

  const tallies = pgTallies(pool);
  const fleetFigures = pgFleetFigures(pool);

  return {
    async ingest(batch) {
      return inRetriedTransaction(pool, (client) => ingestWith(client, batch, tallies));
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
      return openSnapshot(pool, openSnapshots, filter, options);
    },
    async listPlaces() {
      // Names from the devices registered with the codes now (the newest registration's), as on SQLite.
      const result = await pool.query<{ agencyCode: string; counterCode: string; count: string; agencyName: string; counterName: string }>(
        `SELECT r.agency_code AS "agencyCode", r.counter_code AS "counterCode", count(*) AS count,
           coalesce((SELECT d.agency_name FROM devices d WHERE d.agency_code = r.agency_code AND d.agency_name <> ''
                     ORDER BY d.created_at DESC LIMIT 1), '') AS "agencyName",
           coalesce((SELECT d.counter_name FROM devices d WHERE d.agency_code = r.agency_code AND d.counter_code = r.counter_code
                     AND d.counter_name <> '' ORDER BY d.created_at DESC LIMIT 1), '') AS "counterName"
         FROM responses r GROUP BY r.agency_code, r.counter_code
         ORDER BY r.agency_code COLLATE "C", r.counter_code COLLATE "C"`,
      );
      return result.rows.map(({ agencyName, counterName, count, ...place }): PlaceCount => ({
        ...place,
        count: Number(count),
        ...(agencyName ? { agencyName } : {}),
        ...(counterName ? { counterName } : {}),
      }));
    },
    async listCaseDuplicateIds() {
      const result = await pool.query<{ canonicalId: string; idsJson: string; foundAt: string }>(
        `SELECT canonical_id AS "canonicalId", ids_json::text AS "idsJson", found_at AS "foundAt"
         FROM case_duplicate_ids ORDER BY canonical_id COLLATE "C"`,
      );
      return result.rows.map(({ canonicalId, idsJson, foundAt }) => ({ canonicalId, ids: JSON.parse(idsJson) as string[], foundAt }));
    },
    async useDefinitions(definitions) {
      await tallies.useDefinitions(definitions);
      await markTextAnswers(pool, definitions);
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
      return latestAnswers(pool, filter, versions, questionIds, limit);
    },
    ...pgSetAsideQueries(pool, (deviceId) => fleetFigures.gapsOfDevice(deviceId), readStored),
  };
}

/**
 * A snapshot on a client of its own: a REPEATABLE READ READ ONLY transaction (count, definitions and
 * rows all see one state of the table), the rows through a server-side cursor read a chunk at a time,
 * so an export of millions holds one chunk in memory. The client goes back to the pool when the read
 * ends, however it ends, or at close().
 */
async function openSnapshot(pool: Pool, openSnapshots: OpenSnapshots, filter: ResponseFilter, options: SnapshotOptions = {}): Promise<ResponseSnapshot> {
  const { where, params } = pgWhereClause(filter);
  const chunkRows = Math.max(1, Math.floor(options.batchRows ?? SNAPSHOT_BATCH_ROWS));
  const client = await pool.connect();
  let cursor: Cursor | null = null;
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      let broken: Error | undefined;
      try {
        if (cursor) await cursor.close();
        await client.query('COMMIT');
      } catch (error) {
        // A connection in an unknown state is dropped, never handed to the next request mid-transaction.
        broken = error instanceof Error ? error : new Error(String(error));
      } finally {
        cursor = null;
        client.release(broken);
        openSnapshots.delete(close);
      }
    })());
  openSnapshots.add(close);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const summary = options.summary ?? true;
    let count: number | null = null;
    let definitions: DefinitionCount[] = [];
    if (summary) {
      // The first query fixes the transaction's snapshot: the rows read later are these.
      const counted = await client.query<{ n: string }>(`SELECT count(*) AS n FROM responses ${where}`, params);
      count = Number(counted.rows[0].n);
      const grouped = await client.query<{ id: string; version: number; count: string }>(
        `SELECT definition_id AS id, definition_version AS version, count(*) AS count FROM responses ${where}
         GROUP BY definition_id, definition_version ORDER BY count(*) DESC, definition_id COLLATE "C", definition_version`,
        params,
      );
      definitions = grouped.rows.map((row) => ({ id: row.id, version: Number(row.version), count: Number(row.count) }));
    }
    let started = false;
    async function* read<T>(sql: string, map: (row: unknown[]) => T): AsyncGenerator<T[], void, undefined> {
      if (started) throw new Error('a response snapshot is read once');
      started = true;
      try {
        if (closing) return;
        const open = (cursor = client.query(new Cursor<unknown[]>(sql, params, { rowMode: 'array' })));
        for (;;) {
          const rows = await open.read(chunkRows);
          if (rows.length === 0) break;
          yield rows.map(map);
          if (rows.length < chunkRows) break;
        }
      } finally {
        await close();
      }
    }
    return {
      count,
      definitions,
      responses: () => read(`SELECT ${RESPONSE_COLUMNS.join(', ')} FROM responses ${where} ORDER BY completed_at, id`, toStoredRow),
      scorable: () => read(`SELECT ${SCORABLE_COLUMNS.join(', ')} FROM responses ${where}`, toScorableRow),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Walks the matching complete responses newest first by placed time, the report's time axis (ties by
 * id, so the text answers' indexes give the order and the walk stops at the limit) through a cursor and keeps those with a non-blank text answer
 * to one of the questions, until `limit` are found: as sqlite-responses.ts' latestAnswers.
 */
async function latestAnswers(pool: Pool, filter: ResponseFilter, versions: readonly number[], questionIds: readonly string[], limit: number): Promise<LatestAnswers[]> {
  if (versions.length === 0 || questionIds.length === 0 || limit <= 0) return [];
  for (const questionId of questionIds) if (!isQuestionId(questionId)) throw new Error(`not a question id: ${JSON.stringify(questionId)}`);
  const { where, params } = pgWhereClause({ ...filter, definitionVersion: undefined });
  params.push(versions, [...questionIds]);
  // Rows marked as having no text answer (migration 0014) are left out by the partial indexes' own
  // terms; unmarked rows (NULL) are read and their answers checked below, as every row once was.
  const conditions = [
    where === '' ? 'true' : where.slice('WHERE '.length),
    'has_text_answer IS NOT FALSE',
    "status = 'complete'",
    `definition_version = ANY($${params.length - 1}::bigint[])`,
    `answers_json::jsonb ?| $${params.length}::text[]`,
  ];
  // Pages of a LIMIT each, the next one after the last row read (keyset): with a LIMIT the planner walks
  // an index newest first and stops; a cursor without one is planned for every row, sorted (190 ms at
  // 100,000 rows against 7 ms). One REPEATABLE READ snapshot holds the pages together.
  const page = Math.min(1_000, Math.max(limit * 2, 50));
  params.push(null, null, page);
  const [afterAt, afterId, pageSize] = [params.length - 2, params.length - 1, params.length];
  const sql = `SELECT completed_at, agency_code, counter_code, answers_json, id, placed_at FROM responses
    WHERE ${conditions.join(' AND ')} AND ($${afterAt}::text IS NULL OR (placed_at, id) < ($${afterAt}::text, $${afterId}::text))
    ORDER BY placed_at DESC, id DESC LIMIT $${pageSize}`;
  const found: LatestAnswers[] = [];
  await inTransaction(pool, async (client) => {
    reading: for (;;) {
      const { rows } = await client.query<unknown[]>({ text: sql, values: params, rowMode: 'array' });
      for (const row of rows) {
        const comment = latestAnswersOf({ completedAt: row[0] as string, agencyCode: row[1] as string, counterCode: row[2] as string, answersJson: row[3] as string }, questionIds);
        if (!comment) continue;
        found.push(comment);
        if (found.length >= limit) break reading;
      }
      if (rows.length < page) break;
      const last = rows[rows.length - 1];
      params[afterAt - 1] = last[5];
      params[afterId - 1] = last[4];
    }
  }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  return found;
}
