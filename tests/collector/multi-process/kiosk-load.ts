/**
 * Simulated kiosks for the multi-process load test and bench: each registered as its own device, each
 * sending its responses in order (seq 1, 2, 3 …) in batches, all kiosks at once through one URL, and
 * the proof afterwards that every response is stored exactly once with gapless sequences.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { registerDevice, type DeviceStore } from '../../../src/collector';
import { SUBMIT_PATH, type SubmitResult } from '../../../src/shared/wire';
import { makeReport } from '../helpers';
import { queryPostgres } from '../test-databases';
import { sipasResponse } from '../../bench/collector-admin';

/** How long a simulated kiosk pauses after a 503 busy before sending the batch again. */
const BUSY_PAUSE_MS = 25;

/** One simulated kiosk: its device's token and its installation id. */
export interface SimulatedKiosk {
  token: string;
  deviceId: string;
  kioskId: string;
  /** The place its device is registered at, which its responses carry (as a real kiosk's do). */
  agencyCode: string;
  counterCode: string;
}

/** Registers `count` devices, one kiosk behind each, in the store. */
export async function registerKiosks(store: DeviceStore, count: number): Promise<SimulatedKiosk[]> {
  const kiosks: SimulatedKiosk[] = [];
  for (let k = 0; k < count; k++) {
    const place = { agencyCode: ['SNV', 'STP', 'STNMT'][k % 3], counterCode: `Q0${(k % 4) + 1}` };
    const { deviceId, token } = await registerDevice(store, { label: `Kiosk ${k + 1}`, ...place });
    kiosks.push({ token, deviceId, kioskId: randomUUID(), ...place });
  }
  return kiosks;
}

/** The bodies each kiosk sends, made before any clock starts (the kiosk's serialising is not the collector's work). */
export function kioskBodies(kiosk: SimulatedKiosk, batches: number, batchSize: number): string[] {
  const bodies: string[] = [];
  for (let b = 0; b < batches; b++) {
    const responses = [];
    // sipasResponse with one kiosk id numbers the responses 1, 2, 3 … : this kiosk's own sequence.
    // At its device's place: a kiosk stands at one counter (responses from elsewhere would be flagged
    // as a place mismatch and would spread one batch over a dozen places' tallies).
    for (let i = b * batchSize; i < (b + 1) * batchSize; i++) responses.push({ ...sipasResponse(i, [kiosk.kioskId]), agencyCode: kiosk.agencyCode, counterCode: kiosk.counterCode });
    bodies.push(JSON.stringify({ kiosk: makeReport({ kioskId: kiosk.kioskId, definition: 'sipas-2023@1', queueDepth: (batches - b) * batchSize }), responses }));
  }
  return bodies;
}

/** What a load run saw from the kiosks' side. */
export interface LoadResult {
  responses: number;
  seconds: number;
  perSecond: number;
  batchMs: { p50: number; p99: number; max: number };
  /** Results per status over every answer (a resent batch answers duplicate). */
  statuses: Record<string, number>;
  /** Batches answered 503 busy and sent again. */
  busyRetries: number;
  /** Batches whose connection was reset, sent again. */
  networkRetries: number;
}

function post(agent: http.Agent, url: URL, token: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: url.hostname, port: url.port, path: SUBMIT_PATH, method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Every kiosk sends its bodies one after the other, all kiosks concurrently; a 503 busy is sent again
 * (as the kiosk's outbox would, here at once). `resendLast` sends each kiosk's last batch once more at
 * the end: the retry after a lost answer, which must come back all duplicates.
 */
export async function runKioskLoad(baseUrl: string, kiosks: readonly SimulatedKiosk[], bodies: readonly (readonly string[])[], options: { resendLast?: boolean } = {}): Promise<LoadResult> {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: kiosks.length });
  const batchMs: number[] = [];
  const statuses: Record<string, number> = {};
  let busyRetries = 0;
  let networkRetries = 0;
  let responses = 0;
  const send = async (kiosk: SimulatedKiosk, body: string) => {
    for (;;) {
      const began = performance.now();
      let answer: { status: number; body: string };
      try {
        answer = await post(agent, url, kiosk.token, body);
      } catch (error) {
        // A connection cut (a busy collector closing it): the kiosk keeps the batch and sends it again.
        if ((error as { code?: string }).code !== 'ECONNRESET') throw error;
        networkRetries++;
        await delay(BUSY_PAUSE_MS);
        continue;
      }
      if (answer.status === 503) {
        // Told to come back: a kiosk waits Retry-After; the load waits a moment only (the point is the answers).
        busyRetries++;
        await delay(BUSY_PAUSE_MS);
        continue;
      }
      batchMs.push(performance.now() - began);
      if (answer.status !== 200) throw new Error(`batch refused: ${answer.status} ${answer.body.slice(0, 500)}`);
      for (const result of (JSON.parse(answer.body) as SubmitResult).results) {
        statuses[result.status] = (statuses[result.status] ?? 0) + 1;
        responses++;
      }
      return;
    }
  };
  const began = performance.now();
  try {
    await Promise.all(
      kiosks.map(async (kiosk, k) => {
        for (const body of bodies[k]) await send(kiosk, body);
        const last = bodies[k].at(-1);
        if (options.resendLast && last !== undefined) await send(kiosk, last);
      }),
    );
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - began) / 1000;
  const sorted = batchMs.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    responses,
    seconds: round(seconds),
    perSecond: Math.round(responses / seconds),
    batchMs: { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? 0) },
    statuses,
    busyRetries,
    networkRetries,
  };
}

/** Per kiosk id, what the database holds: rows, distinct sequence numbers, the lowest and the highest. */
export interface StoredSequences {
  kioskId: string;
  rows: number;
  distinctSeqs: number;
  minSeq: number;
  maxSeq: number;
}

/** Reads, straight from PostgreSQL, how each kiosk's responses are stored. */
export async function storedSequences(databaseUrl: string): Promise<StoredSequences[]> {
  return queryPostgres<StoredSequences & Record<string, unknown>>(
    databaseUrl,
    `SELECT kiosk_id AS "kioskId", count(*)::int AS rows, count(DISTINCT seq)::int AS "distinctSeqs", min(seq)::int AS "minSeq", max(seq)::int AS "maxSeq"
     FROM responses GROUP BY kiosk_id ORDER BY kiosk_id`,
  );
}
