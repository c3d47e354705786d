/**
 * Ingest throughput of the collector through its real HTTP path (routing, token check, JSON parse,
 * envelope and per-response validation, answers against the definition, one SQLite transaction per
 * batch). Called by `npm run bench`; target ≥ 5,000 responses/s.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createCollector, openStore, registerDevice } from '../../src/collector';
import { MAX_BATCH_RESPONSES, SUBMIT_PATH, type SubmitResult } from '../../src/shared/wire';
import type { SurveyResponse } from '../../src/shared/survey';
import { makeReport, makeResponse, tempDatabase, testDefinition } from '../collector/helpers';

/** Figures of one run. */
export interface IngestBenchResult {
  responses: number;
  batches: number;
  batchSize: number;
  totalMs: number;
  perSecond: number;
  medianBatchMs: number;
  maxBatchMs: number;
  created: number;
}

/** Ingests `n` generated valid responses in batches of `batchSize` into a fresh temp store and times it. */
export async function benchIngest(n: number, batchSize = MAX_BATCH_RESPONSES): Promise<IngestBenchResult> {
  const db = tempDatabase();
  const store = await openStore(db.file);
  try {
    const definition = testDefinition('sipas-bench', 1);
    const { token } = await registerDevice(store, { label: 'Bench', agencyCode: 'BENCH', counterCode: 'Q1' });
    const app = await createCollector({ store, definitions: [definition] });
    try {
      // Bodies are made before the clock starts: the kiosk's serialisation is not the collector's work.
      const kioskIds = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      const payloads: string[] = [];
      for (let start = 0; start < n; start += batchSize) {
        const responses: SurveyResponse[] = [];
        for (let i = start; i < Math.min(n, start + batchSize); i++) responses.push(generatedResponse(i, kioskIds));
        payloads.push(JSON.stringify({ kiosk: makeReport({ kioskId: kioskIds[0], definition: 'sipas-bench@1' }), responses }));
      }

      const batchMs: number[] = [];
      let created = 0;
      const began = performance.now();
      for (const payload of payloads) {
        const t0 = performance.now();
        const answer = await app.inject({
          method: 'POST',
          url: SUBMIT_PATH,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          payload,
        });
        batchMs.push(performance.now() - t0);
        if (answer.statusCode !== 200) throw new Error(`batch refused: ${answer.statusCode} ${answer.body}`);
        const body = JSON.parse(answer.body) as SubmitResult;
        created += body.results.filter((r) => r.status === 'created').length;
      }
      const totalMs = performance.now() - began;
      if (created !== n) throw new Error(`expected ${n} created, got ${created}`);
      const sorted = [...batchMs].sort((a, b) => a - b);
      return {
        responses: n,
        batches: payloads.length,
        batchSize,
        totalMs: round(totalMs),
        perSecond: Math.round((n / totalMs) * 1000),
        medianBatchMs: round(sorted[Math.floor(sorted.length / 2)] ?? 0),
        maxBatchMs: round(sorted[sorted.length - 1] ?? 0),
        created,
      };
    } finally {
      await app.close();
    }
  } finally {
    await store.close();
    db.cleanup();
  }
}

/** A varied but valid response: answers spread over the scale, some with feedback, some with a comment. */
function generatedResponse(i: number, kioskIds: string[]): SurveyResponse {
  const code = (k: number) => ((i * 7 + k * 3) % 5) + 1;
  const feedback = i % 4 === 0;
  const answers: SurveyResponse['answers'] = { TC1: code(1), TC2: code(2), TT1: code(3), CC1: code(4), KQ1: code(5), PA0: feedback ? 'yes' : 'no' };
  if (feedback) answers.PA1 = code(6);
  if (i % 10 === 0) answers.COMMENT = 'Cán bộ hướng dẫn tận tình, thủ tục nhanh gọn.';
  const started = Date.UTC(2026, 2, 2, 1, 0, 0) + i * 60_000;
  return makeResponse({
    kioskId: kioskIds[i % kioskIds.length],
    seq: Math.floor(i / kioskIds.length) + 1,
    definitionId: 'sipas-bench',
    startedAt: new Date(started).toISOString(),
    completedAt: new Date(started + 75_000).toISOString(),
    durationMs: 75_000,
    answers,
  });
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
