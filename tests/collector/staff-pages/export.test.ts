import { randomUUID } from 'node:crypto';
import { get as httpGet } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { describe, expect, it, vi } from 'vitest';
import { type SurveyResponse } from '../../../src/shared/survey';
import { surveyResponseSchema } from '../../../src/shared/schemas';
import { makeBatch, makeResponse, resultsOf, seedResponses, deferCleanups, adminCollectors, validItem, type AdminTestCollector } from '../helpers';
import { COLLECTOR_TESTS_ON_POSTGRES, queryTestDatabase } from '../test-databases';

const defer = deferCleanups();

const admin = adminCollectors(defer);

/** RFC 4180 reader for the tests: quoted cells, doubled quotes, CRLF rows, line breaks inside quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += ch;
  }
  if (cell !== '' || row.length) throw new Error(`the CSV does not end with a complete line: ${JSON.stringify(row)}`);
  return rows;
}

/** Rows of a CSV answer as objects keyed by the header. */
function csvRecords(body: string): Array<Record<string, string>> {
  expect(body.startsWith('\uFEFF')).toBe(true);
  const [header, ...rows] = parseCsv(body.slice(1));
  return rows.map((row) => {
    expect(row).toHaveLength(header.length);
    return Object.fromEntries(header.map((h, i) => [h, row[i]]));
  });
}

const at = (iso: string, offsetMs = 0) => new Date(Date.parse(iso) + offsetMs).toISOString();

describe('CSV export', () => {
  it('is Excel-safe: BOM, formula neutralisation, commas, quotes, line breaks and Vietnamese text survive', async () => {
    const c = await admin();
    const comments: Array<[string, string]> = [
      ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
      ['+84 912 345 678', "'+84 912 345 678"],
      ['-1+1', "'-1+1"],
      ['@cmd|calc', "'@cmd|calc"],
      ['Nhanh, gọn', 'Nhanh, gọn'],
      ['Cán bộ nói "được"', 'Cán bộ nói "được"'],
      ['Dòng 1\nDòng 2\r\nDòng 3', 'Dòng 1\nDòng 2\r\nDòng 3'],
      ['Rất hài lòng – cảm ơn Đảng, Nhà nước! ạ ệ ỡ ự', 'Rất hài lòng – cảm ơn Đảng, Nhà nước! ạ ệ ỡ ự'],
    ];
    const responses = comments.map(([comment], i) =>
      makeResponse({
        seq: i + 1,
        completedAt: at('2026-03-02T01:00:00.000Z', i * 60_000),
        deviceLabel: i === 0 ? '=HYPERLINK("http://evil")' : 'Quầy 1, tầng 2',
        answers: { TC1: 4, TC2: 5, TT1: 3, CC1: 5, KQ1: 4, PA0: 'no', COMMENT: comment },
      }),
    );
    resultsOf(await c.submit(makeBatch(responses)));

    const answer = await c.get('/api/v1/admin/responses.csv');
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('text/csv; charset=utf-8');
    // Issue 11: the name carries the scope (all units) and the period (from the start to the day of the export).
    expect(answer.headers['content-disposition']).toMatch(/^attachment; filename="sipas-all-start_\d{4}-\d{2}-\d{2}\.csv"; filename\*=UTF-8''sipas-all-start_\d{4}-\d{2}-\d{2}\.csv$/);
    expect(answer.headers['x-row-count']).toBe(String(comments.length));
    expect(answer.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(answer.body.endsWith('\r\n')).toBe(true);
    // The quoting itself, byte for byte.
    expect(answer.body).toContain(',"Cán bộ nói ""được"""\r\n');
    expect(answer.body).toContain(',"Dòng 1\nDòng 2\r\nDòng 3"\r\n');
    expect(answer.body).toContain(`,"'=HYPERLINK(""http://evil"")",`);

    const records = csvRecords(answer.body);
    expect(records.map((r) => r.COMMENT)).toEqual(comments.map(([, expected]) => expected));
    expect(records.map((r) => r.id)).toEqual(responses.map((r) => r.id));
    expect(records[0]).toMatchObject({ TC1: '4', PA0: 'no', PA1: '', agencyCode: 'UBND-Q1', deviceLabel: `'=HYPERLINK("http://evil")`, flag_tooFast: '0' });
    expect(records[1].deviceLabel).toBe('Quầy 1, tầng 2');
  });

  it('filters by agency, counter, questionnaire and version, service-field-free period in Vietnam time, inclusively', async () => {
    const c = await admin();
    const make = (seq: number, overrides: Partial<SurveyResponse>) => makeResponse({ seq, ...overrides });
    const r = {
      lastOfFeb: make(1, { completedAt: '2026-02-28T16:59:59.999Z' }), // 28/02 23:59:59 in Vietnam
      firstOfMarch: make(2, { completedAt: '2026-02-28T17:00:00.000Z' }), // 01/03 00:00 in Vietnam
      offsetForm: make(3, { completedAt: '2026-03-15T09:00:00+07:00' }),
      otherCounter: make(4, { completedAt: '2026-03-16T02:00:00.000Z', counterCode: 'Q02' }),
      otherAgency: make(5, { completedAt: '2026-03-17T02:00:00.000Z', agencyCode: 'SNV', counterCode: 'Q02' }),
      oldDefinition: make(6, { completedAt: '2026-03-18T02:00:00.000Z', definitionId: 'sipas-old', definitionVersion: 2 }),
      lastOfMarch: make(7, { completedAt: '2026-03-31T16:59:59.999Z' }),
      firstOfApril: make(8, { completedAt: '2026-03-31T17:00:00.000Z' }),
    };
    resultsOf(await c.submit(makeBatch(Object.values(r))));
    const ids = async (query: string) => {
      const answer = await c.get(`/api/v1/admin/responses.csv${query}`);
      expect(answer.statusCode, query).toBe(200);
      const records = csvRecords(answer.body);
      expect(answer.headers['x-row-count'], query).toBe(String(records.length));
      return records.map((record) => record.id).sort();
    };
    const sorted = (...responses: SurveyResponse[]) => responses.map((x) => x.id).sort();

    expect(await ids('')).toEqual(sorted(...Object.values(r)));
    expect(await ids('?from=2026-03-01&to=2026-03-31')).toEqual(
      sorted(r.firstOfMarch, r.offsetForm, r.otherCounter, r.otherAgency, r.oldDefinition, r.lastOfMarch),
    );
    expect(await ids('?to=2026-02-28')).toEqual(sorted(r.lastOfFeb));
    expect(await ids('?from=2026-04-01&to=2026-04-01')).toEqual(sorted(r.firstOfApril));
    expect(await ids('?agency=SNV')).toEqual(sorted(r.otherAgency));
    expect(await ids('?counter=Q02')).toEqual(sorted(r.otherCounter, r.otherAgency));
    expect(await ids('?agency=UBND-Q1&counter=Q02')).toEqual(sorted(r.otherCounter));
    expect(await ids('?definition=sipas-old')).toEqual(sorted(r.oldDefinition));
    expect(await ids('?definition=sipas-old&version=1')).toEqual([]);
    expect(await ids('?definition=sipas-test&version=1&from=2026-03-15&to=2026-03-15&agency=UBND-Q1&counter=Q01')).toEqual(sorted(r.offsetForm));
    // Empty form fields are no filter.
    expect(await ids('?agency=&counter=&from=&to=&definition=')).toEqual(sorted(...Object.values(r)));

    for (const bad of ['?from=2026-02-30', '?from=01/03/2026', '?from=2026-03-02&to=2026-03-01', '?version=2', '?definition=../x']) {
      const answer = await c.get(`/api/v1/admin/responses.csv${bad}`);
      expect(answer.statusCode, bad).toBe(400);
      expect(JSON.parse(answer.body), bad).toMatchObject({ error: 'bad_request' });
    }
    const named = await c.get('/api/v1/admin/responses.csv?definition=sipas-old&agency=UBND-Q1&from=2026-03-01&to=2026-03-31');
    expect(named.headers['content-disposition']).toBe(
      `attachment; filename="sipas-UBND-Q1-2026-03-01_2026-03-31-sipas-old.csv"; filename*=UTF-8''sipas-UBND-Q1-2026-03-01_2026-03-31-sipas-old.csv`,
    );
  });

  it('writes answers as labels on request and gives an empty export its header', async () => {
    const c = await admin();
    resultsOf(await c.submit(makeBatch([makeResponse({ seq: 1 })])));
    const labelled = csvRecords((await c.get('/api/v1/admin/responses.csv?labels=1')).body);
    // Issue 11: scale answers stay numbers (they must still average); other answers become words.
    expect(labelled[0]).toMatchObject({ TC1: '4', PA0: 'Không' });
    const empty = await c.get('/api/v1/admin/responses.csv?agency=NOBODY&definition=sipas-test');
    expect(empty.headers['x-row-count']).toBe('0');
    expect(empty.body).toMatch(/^\uFEFFid,kioskId,seq,.*,TC1,TC2,TT1,CC1,KQ1,PA0,PA1,COMMENT\r\n$/);
  });
});

describe('XLSX export', () => {
  it('opens with exceljs: one row per response, one column per question code, typed cells, a legend sheet', async () => {
    const c = await admin();
    const responses = Array.from({ length: 30 }, (_, i) =>
      makeResponse({
        seq: i + 1,
        completedAt: at('2026-03-02T01:00:00.000Z', i * 60_000),
        answers: { TC1: (i % 5) + 1, TC2: 5, TT1: 3, CC1: 5, KQ1: 4, PA0: 'no', COMMENT: i === 0 ? '=1+1 Cán bộ\u0007 tận tình' : `Ý kiến ${i}` },
      }),
    );
    resultsOf(await c.submit(makeBatch(responses)));
    const answer = await c.get('/api/v1/admin/responses.xlsx');
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(answer.headers['x-row-count']).toBe('30');

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(answer.rawPayload as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Phiếu – Responses', 'Chú thích – Legend']);
    const sheet = workbook.worksheets[0];
    expect(sheet.rowCount).toBe(31);
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 3)).toEqual(['id', 'kioskId', 'seq']);
    expect(header.slice(-8)).toEqual(['TC1', 'TC2', 'TT1', 'CC1', 'KQ1', 'PA0', 'PA1', 'COMMENT']);
    const column = (code: string) => header.indexOf(code) + 1;
    const first = sheet.getRow(2);
    expect(first.getCell(column('id')).value).toBe(responses[0].id);
    expect(first.getCell(column('TC1')).value).toBe(1);
    expect(first.getCell(column('TC1')).type).toBe(ExcelJS.ValueType.Number);
    // A formula-looking text stays a text cell (never evaluated); a control character XML cannot carry is replaced.
    expect(first.getCell(column('COMMENT')).type).toBe(ExcelJS.ValueType.String);
    expect(first.getCell(column('COMMENT')).value).toBe('=1+1 Cán bộ\uFFFD tận tình');
    expect(first.getCell(column('PA1')).value).toBeNull();
    expect(sheet.getRow(31).getCell(column('COMMENT')).value).toBe('Ý kiến 29');

    const legend = workbook.worksheets[1];
    const legendRows = legend.getSheetValues().slice(1).map((row) => (row as unknown[]).slice(1));
    expect(legendRows[0][0]).toBe('Mã cột / Column');
    expect(legendRows).toContainEqual(['TC1', 'Tiếp cận', 'Câu TC1', 'Item TC1']);
    expect(legendRows).toContainEqual(['TC1', undefined, undefined, undefined, 4, 'Mức 4', 'Level 4']);
    expect(legendRows).toContainEqual(['PA0', undefined, undefined, undefined, 'yes', 'Có', 'Yes']);
    expect(legendRows.find((row) => row[0] === 'seq')?.[2]).toBe('Số thứ tự phiếu trên máy');
  });
});

describe('JSON export', () => {
  it('is one array of responses in the wire form', async () => {
    const c = await admin();
    const responses = [1, 2, 3].map((seq) => makeResponse({ seq, completedAt: at('2026-03-02T01:00:00.000Z', seq * 1000) }));
    resultsOf(await c.submit(makeBatch(responses)));
    const answer = await c.get('/api/v1/admin/responses.json?agency=UBND-Q1');
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers['x-row-count']).toBe('3');
    const parsed = JSON.parse(answer.body) as unknown[];
    expect(parsed.map((r) => surveyResponseSchema.parse(r))).toEqual(responses);
    expect(JSON.parse((await c.get('/api/v1/admin/responses.json?agency=NOBODY')).body)).toEqual([]);
  });
});

/**
 * Watches the exports' snapshots on `store`: counts the rows they take and, while a hold is set, holds
 * each export before its last batch, as a client that has stopped reading holds it. A test can then act
 * while an export is surely under way with a couple of thousand rows, not the 20,000 it took to be
 * likely (the loopback socket and the client's buffers swallow megabytes).
 */
function watchExports(store: AdminTestCollector['store']): { taken: () => number; hold: () => Promise<void>; release: () => void } {
  let taken = 0;
  let gate: { reached: () => void; released: Promise<void>; release: () => void } | undefined;
  const open = store.openResponseSnapshot.bind(store);
  store.openResponseSnapshot = async (filter, options) => {
    const snapshot = await open(filter, options);
    const responses = snapshot.responses.bind(snapshot);
    return Object.assign(Object.create(snapshot) as typeof snapshot, {
      async *responses() {
        let mine = 0;
        for await (const batch of responses()) {
          mine += batch.length;
          if (gate && mine >= (snapshot.count ?? Infinity)) {
            gate.reached();
            await gate.released;
          }
          taken += batch.length;
          yield batch;
        }
      },
    });
  };
  return {
    taken: () => taken,
    hold: () => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      return new Promise<void>((reached) => (gate = { reached, released, release }));
    },
    release: () => {
      gate?.release();
      gate = undefined;
    },
  };
}

/**
 * Enough rows for several snapshot batches (256 each) and for the XLSX writer to have sent bytes before
 * half of them are read (it does after two batches); 20,000 took a minute of the suite to prove the same.
 */
const STREAMED_ROWS = 2_000;
const STREAMED_XLSX_ROWS = 5_000;

/** Seeding and exporting thousands of rows on a loaded 2-core machine, PostgreSQL especially: time, not a hang. */
const STREAMING_TIMEOUT_MS = 60_000;

describe('streaming', { timeout: STREAMING_TIMEOUT_MS }, () => {
  it('streams every response completely over HTTP while kiosks keep sending, from a consistent snapshot', async () => {
    const c = await admin();
    const kioskId = randomUUID();
    const n = STREAMED_ROWS;
    await seedResponses(c.store, c.deviceId, n, (i) =>
      makeResponse({ kioskId, seq: i + 1, completedAt: at('2026-01-01T00:00:00.000Z', i * 60_000), answers: { TC1: (i % 5) + 1, PA0: 'no', COMMENT: `Ý kiến số ${i}, "trích dẫn"` } }),
    );
    const exports = watchExports(c.store);
    const held = exports.hold();
    await c.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = c.app.server.address() as AddressInfo;

    const response = await fetch(`http://127.0.0.1:${port}/api/v1/admin/responses.csv`, { headers: { cookie: c.cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-row-count')).toBe(String(n));
    const reader = response.body!.getReader();
    const chunks: Uint8Array[] = [];
    const reading = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        chunks.push(value);
      }
    })();

    // Mid-export (held before its last batch), a kiosk's batch is stored at once (the export reads
    // through its own connection) …
    await held;
    expect(exports.taken()).toBeLessThan(n);
    // Completed a minute ago: later than every seeded row, and not after its receipt (which the collector refuses).
    const late = makeResponse({ kioskId, seq: n + 1, completedAt: new Date(Date.now() - 60_000).toISOString() });
    expect(resultsOf(await c.submit(makeBatch([late]))).results[0].status).toBe('created');
    exports.release();
    await reading;

    const body = Buffer.concat(chunks).toString('utf8');
    const records = csvRecords(body);
    // … but does not appear in an export that had already counted its rows.
    expect(records).toHaveLength(n);
    expect(records[0].seq).toBe('1');
    expect(records[n - 1].seq).toBe(String(n));
    expect(records[n - 1].COMMENT).toBe(`Ý kiến số ${n - 1}, "trích dẫn"`);
    expect(body.endsWith('\r\n')).toBe(true);
    expect(records.some((r) => r.id === late.id)).toBe(false);

    const after = await fetch(`http://127.0.0.1:${port}/api/v1/admin/responses.json`, { headers: { cookie: c.cookie } });
    expect(after.headers.get('x-row-count')).toBe(String(n + 1));
    expect(((await after.json()) as unknown[]).length).toBe(n + 1);
  });

  it('releases the export when the client goes away half-way', async () => {
    const c = await admin();
    const n = STREAMED_ROWS;
    await seedResponses(c.store, c.deviceId, n, (i) => makeResponse({ seq: i + 1, completedAt: at('2026-01-01T00:00:00.000Z', i * 1000) }));
    const exports = watchExports(c.store);
    await c.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = c.app.server.address() as AddressInfo;
    for (const format of ['csv', 'xlsx', 'json']) {
      // A browser cancelling a download closes the connection after the first bytes, while the export
      // is held before its last batch: it cannot have finished first.
      void exports.hold();
      await new Promise<void>((resolve) => {
        const request = httpGet(`http://127.0.0.1:${port}/api/v1/admin/responses.${format}`, { headers: { cookie: c.cookie } }, (response) => {
          expect(response.statusCode).toBe(200);
          response.once('data', () => request.destroy());
        });
        request.on('close', resolve);
      });
      exports.release();
    }
    // The collector still answers and still writes …
    expect(resultsOf(await c.submit(makeBatch([makeResponse({ seq: n + 1 })]))).results[0].status).toBe('created');
    expect((await c.get('/api/v1/admin/responses.csv?from=2026-01-01&to=2026-01-01')).headers['x-row-count']).toBe(String(n));
    // … and no export still holds a read snapshot.
    await vi.waitFor(async () => {
      if (COLLECTOR_TESTS_ON_POSTGRES) {
        // A snapshot is a transaction holding a lock on the table it read until it ends: none may be
        // left, idle in transaction, on this test's responses table.
        const holders = await queryTestDatabase<{ pid: number; state: string }>(
          c.file,
          `SELECT a.pid, a.state FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
           WHERE l.relation = to_regclass('responses') AND l.pid <> pg_backend_pid()`,
        );
        expect(holders).toEqual([]);
        return;
      }
      // The write-ahead log can be checkpointed to the end.
      const raw = new Database(c.file);
      try {
        expect(raw.pragma('wal_checkpoint(TRUNCATE)')).toEqual([{ busy: 0, log: 0, checkpointed: 0 }]);
      } finally {
        raw.close();
      }
    });
  });
});

describe('XLSX streaming', { timeout: STREAMING_TIMEOUT_MS }, () => {
  it('sends the workbook while it is being written, not after reading every row', async () => {
    const c = await admin();
    const n = STREAMED_XLSX_ROWS;
    await seedResponses(c.store, c.deviceId, n, (i) => makeResponse({ seq: i + 1, completedAt: at('2026-01-01T00:00:00.000Z', i * 1000), answers: { TC1: 4, PA0: 'no', COMMENT: `Ý kiến ${i}` } }));
    // Count the rows the export has taken from its snapshot.
    const exports = watchExports(c.store);
    await c.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = c.app.server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/admin/responses.xlsx`, { headers: { cookie: c.cookie } });
    const reader = response.body!.getReader();
    const chunks: Uint8Array[] = [];
    let takenAtFirstBytes = -1;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (takenAtFirstBytes < 0 && value.length > 0) takenAtFirstBytes = exports.taken();
      chunks.push(value);
    }
    expect(takenAtFirstBytes).toBeGreaterThanOrEqual(0);
    expect(takenAtFirstBytes).toBeLessThan(n / 2);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    expect(workbook.worksheets[0].rowCount).toBe(n + 1);
  });
});

describe('export page', () => {
  it('offers the filters and the three formats, and counts the matching responses', async () => {
    const c = await admin();
    resultsOf(await c.submit(makeBatch([makeResponse({ seq: 1 }), makeResponse({ seq: 2, agencyCode: 'SNV' })])));
    const page = await c.get('/admin/export');
    expect(page.statusCode).toBe(200);
    for (const path of ['/api/v1/admin/responses.csv', '/api/v1/admin/responses.xlsx', '/api/v1/admin/responses.json']) {
      expect(page.body).toContain(`formaction="${path}"`);
    }
    expect(page.body).toContain('<option value="SNV">SNV</option>');
    expect(page.body).not.toContain('role="status"');
    const counted = await c.get('/admin/export?agency=SNV');
    expect(counted.body).toContain('1 phiếu khớp bộ lọc.');
    expect(counted.body).toContain('<option value="SNV" selected>SNV</option>');
    const bad = await c.get('/admin/export?from=2026-13-01');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Bộ lọc chưa đúng');
  });
});

describe('flagged responses in exports', () => {
  /*
   * Four responses: E1 clean; E2 tooFast; E3 belowMinInterval; E4 placeMismatch and clockSkew (kiosk 2 h
   * ahead: completed 2026-03-31T18:00Z = 01/04 in Vietnam, placed 2026-03-31T16:00Z = 31/03 23:00 in Vietnam).
   */
  const TWO_HOURS_MS = 2 * 3600 * 1000;
  async function flagged() {
    const c = await admin();
    const r = (seq: number, completedAt: string, flags: Partial<SurveyResponse['flags']> = {}) =>
      makeResponse({ seq, startedAt: at(completedAt, -90_000), completedAt, flags: { tooFast: false, belowMinInterval: false, ...flags } });
    const rows = {
      clean: r(1, '2026-03-10T02:00:00.000Z'),
      tooFast: r(2, '2026-03-11T02:00:00.000Z', { tooFast: true }),
      soon: r(3, '2026-03-12T02:00:00.000Z', { belowMinInterval: true }),
      moved: r(4, '2026-03-31T18:00:00.000Z'),
    };
    const items = Object.values(rows).map((response) =>
      response === rows.moved ? { ...validItem(response), collectorFlags: { clockSkewMs: TWO_HOURS_MS, clockSkew: true, placeMismatch: true } } : validItem(response),
    );
    const outcomes = await c.store.ingest({ deviceId: c.deviceId, receivedAt: '2026-04-01T00:00:00.000Z', report: null, source: 'sync', items });
    expect(outcomes.map((o) => o.status)).toEqual(['created', 'created', 'created', 'created']);
    return { c, rows };
  }

  it.each<[string, Array<'clean' | 'tooFast' | 'soon' | 'moved'>]>([
    ['', ['clean', 'tooFast', 'soon', 'moved']],
    ['?exclude=tooFast', ['clean', 'soon', 'moved']],
    ['?exclude=belowMinInterval,placeMismatch', ['clean', 'tooFast']],
    ['?exclude=clockSkew', ['clean', 'tooFast', 'soon']],
    ['?exclude=all', ['clean']],
    ['?exclude=endedByTimeout', ['clean', 'tooFast', 'soon', 'moved']],
    ['?exclude=all&from=2026-03-31&to=2026-03-31', []],
    ['?from=2026-03-31&to=2026-03-31', ['moved']],
  ])('leaves out the flagged responses chosen (%s), in CSV, XLSX and JSON alike, with the count', async (query, expected) => {
    const { c, rows } = await flagged();
    const ids = expected.map((k) => rows[k].id).sort();
    const csv = await c.get(`/api/v1/admin/responses.csv${query}`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['x-row-count']).toBe(String(expected.length));
    expect(csvRecords(csv.body).map((x) => x.id).sort()).toEqual(ids);
    const json = await c.get(`/api/v1/admin/responses.json${query}`);
    expect((JSON.parse(json.body) as SurveyResponse[]).map((x) => x.id).sort()).toEqual(ids);
    const xlsx = await c.get(`/api/v1/admin/responses.xlsx${query}`);
    expect(xlsx.headers['x-row-count']).toBe(String(expected.length));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(workbook.worksheets[0].rowCount).toBe(expected.length + 1);
  });

  it('writes the placed time, the clock skew and the collector flags as columns after the response metadata', async () => {
    const { c, rows } = await flagged();
    const csv = await c.get('/api/v1/admin/responses.csv');
    const header = parseCsv(csv.body.slice(1))[0];
    // (The response's own metadata ends before placedAt; which of its columns come last is not this test's concern.)
    expect(header.indexOf('flag_belowMinInterval')).toBeLessThan(header.indexOf('placedAt'));
    expect(header.slice(header.indexOf('placedAt'), header.indexOf('placedAt') + 6)).toEqual([
      'placedAt',
      'placedAtVN',
      'clockSkewMs',
      'flag_clockSkew',
      'flag_placeMismatch',
      'TC1',
    ]);
    const byId = new Map(csvRecords(csv.body).map((x) => [x.id, x]));
    expect(byId.get(rows.moved.id)).toMatchObject({
      completedAt: '2026-03-31T18:00:00.000Z',
      placedAt: '2026-03-31T16:00:00.000Z',
      clockSkewMs: String(TWO_HOURS_MS),
      flag_clockSkew: '1',
      flag_placeMismatch: '1',
    });
    expect(byId.get(rows.clean.id)).toMatchObject({ placedAt: '2026-03-10T02:00:00.000Z', clockSkewMs: '', flag_clockSkew: '0', flag_placeMismatch: '0' });
    expect(byId.get(rows.tooFast.id)).toMatchObject({ flag_tooFast: '1', flag_placeMismatch: '0' });

    const xlsx = await c.get('/api/v1/admin/responses.xlsx?exclude=tooFast,belowMinInterval');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    const head = (sheet.getRow(1).values as unknown[]).slice(1);
    const moved = [2, 3].map((n) => sheet.getRow(n)).find((row) => row.getCell(head.indexOf('id') + 1).value === rows.moved.id)!;
    expect(moved.getCell(head.indexOf('clockSkewMs') + 1).value).toBe(TWO_HOURS_MS);
    expect(moved.getCell(head.indexOf('flag_placeMismatch') + 1).value).toBe(1);
    const legend = workbook.worksheets[1].getSheetValues().slice(1).map((row) => (row as unknown[]).slice(1));
    expect(legend.find((row) => row[0] === 'flag_placeMismatch')?.[3]).toBe("1 = agency or counter other than the device's registered place");
    expect(xlsx.headers['content-disposition']).toMatch(/^attachment; filename="sipas-all-start_\d{4}-\d{2}-\d{2}-without-tooFast-belowMinInterval\.xlsx";/);
  });

  it('writes how each response ended (endedBy) after the response metadata: codes, labels on request, in CSV, XLSX and JSON', async () => {
    const c = await admin();
    const sent = {
      timeout: makeResponse({ seq: 1, endedBy: 'timeout' }),
      citizen: makeResponse({ seq: 2, endedBy: 'citizen' }),
      older: makeResponse({ seq: 3 }),
    };
    const outcomes = await c.store.ingest({ deviceId: c.deviceId, receivedAt: '2026-04-01T00:00:00.000Z', report: null, source: 'sync', items: Object.values(sent).map((r) => validItem(r)) });
    expect(outcomes.map((o) => o.status)).toEqual(['created', 'created', 'created']);
    const endedBy = (body: string) => new Map(csvRecords(body).map((x) => [x.id, x.endedBy]));

    const codes = await c.get('/api/v1/admin/responses.csv');
    const header = parseCsv(codes.body.slice(1))[0];
    expect(header.indexOf('endedBy')).toBe(header.indexOf('flag_belowMinInterval') + 1);
    expect(endedBy(codes.body)).toEqual(new Map([[sent.timeout.id, 'timeout'], [sent.citizen.id, 'citizen'], [sent.older.id, '']]));
    const labelled = await c.get('/api/v1/admin/responses.csv?labels=1');
    expect(endedBy(labelled.body)).toEqual(new Map([[sent.timeout.id, 'hết thời gian chờ'], [sent.citizen.id, 'người dân'], [sent.older.id, 'người dân']]));

    const json = JSON.parse((await c.get('/api/v1/admin/responses.json')).body) as SurveyResponse[];
    expect(new Map(json.map((r) => [r.id, r.endedBy ?? null]))).toEqual(new Map([[sent.timeout.id, 'timeout'], [sent.citizen.id, 'citizen'], [sent.older.id, null]]));
    expect(json.find((r) => r.id === sent.older.id)).not.toHaveProperty('endedBy');

    const xlsx = await c.get('/api/v1/admin/responses.xlsx?labels=1');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    const head = (sheet.getRow(1).values as unknown[]).slice(1);
    const cells = new Map([2, 3, 4].map((n) => [sheet.getRow(n).getCell(head.indexOf('id') + 1).value, sheet.getRow(n).getCell(head.indexOf('endedBy') + 1).value]));
    expect(cells.get(sent.timeout.id)).toBe('hết thời gian chờ');
    const legend = workbook.worksheets[1].getSheetValues().slice(1).map((row) => (row as unknown[]).slice(1));
    expect(legend.filter((row) => row[0] === 'endedBy' && typeof row[4] === 'string').map((row) => row.slice(4, 7))).toEqual([
      ['citizen', 'người dân', 'the citizen'],
      ['timeout', 'hết thời gian chờ', 'the idle timeout'],
    ]);
    expect(legend.find((row) => row[0] === 'endedBy')?.[2]).toMatch(/^Kết thúc bởi: citizen = người dân gửi; timeout = hết thời gian chờ/);
  });

  it('refuses an unknown flag and offers the choice on the export page, counting with it', async () => {
    const { c } = await flagged();
    const bad = await c.get('/api/v1/admin/responses.csv?exclude=tooFast,bogus');
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ error: 'bad_request' });
    const page = await c.get('/admin/export?exclude=all');
    expect(page.body).toContain('<select name="exclude">');
    expect(page.body).toContain('<option value="all" selected>Mọi phiếu có cờ</option>');
    expect(page.body).toContain('1 phiếu khớp bộ lọc.');
    expect((await c.get('/admin/export?exclude=tooFast')).body).toContain('3 phiếu khớp bộ lọc.');
  });
});
