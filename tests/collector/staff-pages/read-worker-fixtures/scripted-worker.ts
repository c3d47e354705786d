/**
 * A read worker for tests: the real serveReads over the real store, with the store's snapshots
 * scripted by workerData.data. `gate`: the first batch of every row read waits (Atomics.wait, which
 * blocks the worker's whole thread, as heavy CPU work would) until the test opens the gate, after
 * saying it got there. `count`: rows are counted into shared memory as the export takes them.
 * `fail`: opening a snapshot throws. `crash`: opening a snapshot ends the thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
// What the real worker loads (the stores and the read worker), not the whole collector behind
// src/collector's index: its pages, plugins and fastify cost each scripted worker a second or more to load.
import { openStore, type CollectorStore, type ResponseSnapshot } from '../../../../src/collector/stores';
import { serveReads, type WorkerConfig } from '../../../../src/collector/staff-pages/read-worker';
import { GATE_OPEN, GATE_REACHED, ROWS_READ, type Script } from './gate';

/** Longest a gated read waits (a test that never opens the gate fails instead of hanging). */
const GATE_WAIT_MS = 20_000;

const config = workerData as WorkerConfig;
const script = config.data as Script;
const store = await openStore(config.storeUrl);

function gated<T>(rows: () => AsyncIterableIterator<T>, gate: Int32Array): () => AsyncIterableIterator<T> {
  return async function* () {
    Atomics.store(gate, GATE_REACHED, 1);
    Atomics.notify(gate, GATE_REACHED);
    Atomics.wait(gate, GATE_OPEN, 0, GATE_WAIT_MS);
    yield* rows();
  };
}

/** Counts into shared memory the rows handed over, as they are taken from the snapshot. */
function counted<T>(batches: () => AsyncIterableIterator<readonly T[]>, rows: Int32Array): () => AsyncIterableIterator<readonly T[]> {
  return async function* () {
    for await (const batch of batches()) {
      Atomics.add(rows, ROWS_READ, batch.length);
      yield batch;
    }
  };
}

const scripted: CollectorStore = {
  ...store,
  // The report reads tallies, not a snapshot (issue 12): its failures are scripted here too.
  async readTallies(query) {
    if (script.mode === 'fail') throw new Error('scripted read failure');
    if (script.mode === 'crash') process.exit(3);
    return store.readTallies(query);
  },
  async openResponseSnapshot(filter, options) {
    if (script.mode === 'fail') throw new Error('scripted read failure');
    if (script.mode === 'crash') process.exit(3);
    const snapshot = await store.openResponseSnapshot(filter, options);
    if (script.mode === 'count') {
      const rows = new Int32Array(script.rows);
      return { ...snapshot, responses: counted(() => snapshot.responses(), rows), close: () => snapshot.close() } satisfies ResponseSnapshot;
    }
    const gate = new Int32Array(script.gate);
    return {
      count: snapshot.count,
      definitions: snapshot.definitions,
      responses: gated(() => snapshot.responses(), gate),
      scorable: gated(() => snapshot.scorable(), gate),
      close: () => snapshot.close(),
    } satisfies ResponseSnapshot;
  },
};

serveReads(parentPort!, scripted);
