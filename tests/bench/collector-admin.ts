/**
 * Staff-side benchmarks of the collector, for `npm run bench`: a full streamed CSV export of n responses
 * through real HTTP on loopback (target 100,000 in ≤ 3 s), and the SIPAS report over n responses through
 * its JSON route (target 100,000 in ≤ 1 s). Both on the real sipas-2023 definition, with peak memory.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { checkResponse, createCollector, indexDefinitions, openStore, registerDevice, setAdminPassword, type CollectorStore } from '../../src/collector';
import type { SipasReport } from '../../src/collector/staff-pages';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../src/build/definitions';
import type { SurveyDefinition, SurveyResponse } from '../../src/shared/survey';
import { ADMIN_PASSWORD, makeResponse, seedResponses, signIn, tempDatabase } from '../collector/helpers';

/** Figures of one run. */
export interface AdminBenchResult {
  seconds: number;
  rows: number;
  bytes: number;
  /** Highest resident set size sampled during the timed run. */
  peakRssMb: number;
  /** Resident set size just before it (the seeded collector), so the run's own growth shows. */
  baselineRssMb: number;
}

const ITEMS = ['TC1', 'TC2', 'TC3', 'TC4', 'TT1', 'TT2', 'TT3', 'TT4', 'CC1', 'CC2', 'CC3', 'CC4', 'CC5', 'KQ1', 'KQ2', 'KQ3'];
const LEVELS = ['veryMuch', 'much', 'little'];
const FIELDS = ['land', 'justice', 'construction', 'business', 'labour', 'transport', 'other'];

/** A varied, valid sipas-2023 response: every item answered or skipped, feedback for one in four, optional parts for some. */
export function sipasResponse(i: number, kioskIds: readonly string[], msApart = 5 * 60_000): SurveyResponse {
  const code = (k: number) => ((i * 7 + k * 3 + (i >> 3)) % 5) + 1;
  const answers: SurveyResponse['answers'] = {};
  ITEMS.forEach((id, k) => {
    if ((i + k) % 17 !== 0) answers[id] = code(k);
  });
  const feedback = i % 4 === 0;
  answers.PA0 = feedback ? 'yes' : 'no';
  if (feedback) {
    answers.PA1 = code(20);
    answers.PA2 = code(21);
    if (i % 8 === 0) answers.PA3 = code(22);
  }
  if (i % 3 !== 0) {
    answers.INT1 = ['none', 'none', 'none', 'some', 'many'][i % 5];
    answers.INT2 = ['none', 'none', 'none', 'none', 'some'][(i >> 1) % 5];
  }
  if (i % 2 === 0) for (let p = 1; p <= 8; p++) answers[`PRI${p}`] = LEVELS[(i + p) % 3];
  if (i % 5 !== 4) answers.FIELD = FIELDS[i % FIELDS.length];
  if (i % 10 === 0) answers.COMMENT = 'Cán bộ hướng dẫn tận tình, thủ tục nhanh gọn; cần thêm ghế chờ.';
  const completed = Date.UTC(2025, 0, 1) + Math.floor(i * msApart);
  return makeResponse({
    kioskId: kioskIds[i % kioskIds.length],
    seq: Math.floor(i / kioskIds.length) + 1,
    definitionId: 'sipas-2023',
    definitionVersion: 1,
    agencyCode: ['SNV', 'STP', 'STNMT'][i % 3],
    counterCode: `Q0${(i % 4) + 1}`,
    startedAt: new Date(completed - 95_000).toISOString(),
    completedAt: new Date(completed).toISOString(),
    durationMs: 95_000,
    status: i % 50 === 49 ? 'partial' : 'complete',
    answers,
  });
}

interface Seeded {
  base: string;
  cookie: string;
  close: () => Promise<void>;
}

/** A collector on loopback with n sipas-2023 responses stored in bulk and a staff session. */
async function seeded(n: number): Promise<Seeded> {
  const { definitions } = loadDefinitionsFromDir(DEFINITIONS_DIR);
  const sipas = definitions.find((d) => d.id === 'sipas-2023' && d.version === 1) as SurveyDefinition;
  const db = tempDatabase();
  const store: CollectorStore = await openStore(db.file);
  const { deviceId } = await registerDevice(store, { label: 'Bench', agencyCode: 'SNV', counterCode: 'Q01' });
  const kioskIds = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  // The generator must make responses the collector would accept; check a sample the real way.
  const index = indexDefinitions(definitions);
  for (let i = 0; i < 200; i++) {
    const checked = checkResponse(sipasResponse(i, kioskIds), i, index);
    if (checked.kind !== 'valid') throw new Error(`bench response ${i} is not valid: ${checked.reason}`);
  }
  await seedResponses(store, deviceId, n, (i) => sipasResponse(i, kioskIds));
  await setAdminPassword(store, ADMIN_PASSWORD);
  const app = await createCollector({ store, definitions: [sipas, ...definitions.filter((d) => d !== sipas)] });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const cookie = await signIn(app);
  return {
    base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    cookie,
    close: async () => {
      await app.close();
      await store.close();
      db.cleanup();
    },
  };
}

/** Samples the resident set size while `run` runs. */
async function withPeakRss<T>(run: () => Promise<T>): Promise<{ value: T; peakRssMb: number; baselineRssMb: number }> {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    const value = await run();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, peakRssMb: Math.round(peak / 1024 / 1024), baselineRssMb: Math.round(baseline / 1024 / 1024) };
  } finally {
    clearInterval(timer);
  }
}

/** Seeds n responses, then times a full CSV export over HTTP, consuming the stream as a client would. */
export async function benchExportCsv(n = 100_000): Promise<AdminBenchResult> {
  const s = await seeded(n);
  try {
    const began = performance.now();
    const { value, peakRssMb, baselineRssMb } = await withPeakRss(async () => {
      const response = await fetch(`${s.base}/api/v1/admin/responses.csv?definition=sipas-2023`, { headers: { cookie: s.cookie } });
      if (response.status !== 200) throw new Error(`export answered ${response.status}`);
      const declared = Number(response.headers.get('x-row-count'));
      let bytes = 0;
      let lineEnds = 0;
      let last = 0;
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        for (let i = 0; i < chunk.length; i++) if (chunk[i] === 0x0a) lineEnds++;
        last = chunk[chunk.length - 1];
      }
      // No comment holds a line break here, so every line end is a row end: header + n rows, last one complete.
      const rows = lineEnds - 1;
      if (rows !== n || declared !== n || last !== 0x0a) throw new Error(`export incomplete: ${rows} rows, X-Row-Count ${declared}, expected ${n}`);
      return { rows, bytes };
    });
    return { seconds: round((performance.now() - began) / 1000), rows: value.rows, bytes: value.bytes, peakRssMb, baselineRssMb };
  } finally {
    await s.close();
  }
}

/** Seeds n responses, then times the SIPAS report over all of them through GET /api/v1/admin/report. */
export async function benchReport(n = 100_000): Promise<AdminBenchResult> {
  const s = await seeded(n);
  try {
    const began = performance.now();
    const { value, peakRssMb, baselineRssMb } = await withPeakRss(async () => {
      const response = await fetch(`${s.base}/api/v1/admin/report?definition=sipas-2023`, { headers: { cookie: s.cookie } });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`report answered ${response.status}: ${text.slice(0, 200)}`);
      const report = JSON.parse(text) as SipasReport;
      const rows = report.responses + report.excludedPartial;
      if (rows !== n) throw new Error(`report read ${rows} responses, expected ${n}`);
      return { rows, bytes: Buffer.byteLength(text) };
    });
    return { seconds: round((performance.now() - began) / 1000), rows: value.rows, bytes: value.bytes, peakRssMb, baselineRssMb };
  } finally {
    await s.close();
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
