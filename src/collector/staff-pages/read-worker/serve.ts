/*
 * The worker's side of the read protocol: runs the jobs it is sent on its own store connection and
 * answers on its port; an export's chunks go out on the export's own port, one per "pull".
 */
import type { MessagePort } from 'node:worker_threads';
import type { CollectorStore } from '../../stores';
import { isJob, runStreamJob, runValueJob, STREAM_JOBS, VALUE_JOBS, type ExportBody } from './jobs';
import { fromError, type FromStream, type FromWorker, type ToStream, type ToWorker } from './protocol';

/** Serves read jobs arriving on `port` (the worker's parentPort) from `store` until told to close. */
export function serveReads(port: MessagePort, store: CollectorStore): void {
  const running = new Set<() => void>();
  const send = (message: FromWorker) => port.postMessage(message);

  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'value':
        void runValue(message.id, message.job, message.args);
        return;
      case 'stream':
        void runStream(message.id, message.job, message.args, message.port as MessagePort);
        return;
      case 'close':
        for (const cancel of running) cancel();
        void store.close().finally(() => process.exit(0));
        return;
    }
  });
  send({ type: 'ready' });

  async function runValue(id: number, job: string, args: unknown[]): Promise<void> {
    try {
      if (!isJob(VALUE_JOBS, job)) throw new Error(`no read job ${job}`);
      const value = await runValueJob(store, job, args as never);
      send({ type: 'value', id, ok: true, value });
    } catch (error) {
      send({ type: 'value', id, ok: false, error: fromError(error) });
    }
  }

  async function runStream(id: number, job: string, args: unknown[], out: MessagePort): Promise<void> {
    let credit = 0;
    let cancelled = false;
    let wake: (() => void) | undefined;
    let body: ExportBody | undefined;
    const cancel = () => {
      cancelled = true;
      body?.stream.destroy();
      wake?.();
    };
    running.add(cancel);
    out.on('message', (message: ToStream) => {
      if (message.type === 'pull') credit += message.n;
      else cancel();
      wake?.();
    });
    // A port closed from the other side is a cancel too (the main thread closes it as it cancels).
    out.once('close', cancel);
    const post = (message: FromStream, transfer?: ArrayBuffer[]) => {
      if (!cancelled) out.postMessage(message, transfer);
    };
    try {
      if (!isJob(STREAM_JOBS, job)) throw new Error(`no read job ${job}`);
      body = await runStreamJob(store, job, args as never);
      if (cancelled) return;
      post({ type: 'head', head: { rowCount: body.rowCount } });
      for await (const piece of body.stream as AsyncIterable<Buffer | string>) {
        while (credit === 0 && !cancelled) await new Promise<void>((resolve) => (wake = resolve));
        if (cancelled) return;
        credit--;
        // Sent as a copy (postMessage clones it), not sliced into a fresh buffer to transfer: one 64 KB
        // allocation per chunk fewer, and the worker's chunk is freed by its next scavenge instead of
        // waiting, transferred, for the main thread's collections (issue 12's export memory).
        const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
        post({ type: 'chunk', chunk });
      }
      post({ type: 'end' });
    } catch (error) {
      // After a cancel the stream fails with a premature close: that is the cancel, not an error.
      post({ type: 'error', error: fromError(error) });
    } finally {
      running.delete(cancel);
      await body?.close().catch(() => undefined); // a snapshot that cannot close has nothing left to release
      out.close();
      send({ type: 'done', id });
    }
  }
}
