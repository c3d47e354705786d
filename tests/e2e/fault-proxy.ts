import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Transform, type TransformCallback } from 'node:stream';

/** How the proxy treats requests to `/api/` (everything else, the kiosk's files, always passes). */
export type FaultMode =
  /** Forwarded, at full speed or throttled to `bytesPerSecond` both ways. */
  | { kind: 'pass'; bytesPerSecond?: number }
  /** Answered by the proxy with this status and no forwarding (a 5xx outage, or a proxy's stray 401). */
  | { kind: 'status'; status: number }
  /** Never answered: the socket stays open until the client gives up. */
  | { kind: 'hang' };

/** A loopback HTTP proxy in front of the collector that injects the faults of issue 9. */
export interface FaultProxy {
  url: string;
  setMode(mode: FaultMode): void;
  /** Requests seen per `METHOD path`, forwarded or not. */
  counts: Map<string, number>;
  close(): Promise<void>;
}

/** Throttle step: small slices, so a throttled body trickles as it would over a slow link. */
const SLICE_MS = 100;

/** The time a throttled link runs on: real time by default, or a test's LinkClock. */
interface LinkTime {
  after(ms: number, run: () => void): void;
}

const REAL_TIME: LinkTime = { after: (ms, run) => void setTimeout(run, ms) };

interface DueSlice {
  atMs: number;
  run: () => void;
}

/**
 * Time for the throttled link that passes only when a test advances it, in step with the kiosk's
 * Playwright clock: a minute of 10 kbit/s link then costs seconds, not a minute, and the kiosk's
 * timeouts still measure the link's time, as on a tablet.
 */
export class LinkClock implements LinkTime {
  private nowMs = 0;
  private readonly due: DueSlice[] = [];

  after(ms: number, run: () => void): void {
    this.due.push({ atMs: this.nowMs + ms, run });
  }

  /** Lets `ms` of link time pass, releasing each slice at its time and the I/O it starts before the next. */
  async advance(ms: number): Promise<void> {
    const targetMs = this.nowMs + ms;
    for (;;) {
      const next = this.due.reduce<DueSlice | undefined>((soonest, entry) => (entry.atMs <= targetMs && (!soonest || entry.atMs < soonest.atMs) ? entry : soonest), undefined);
      if (!next) break;
      this.due.splice(this.due.indexOf(next), 1);
      this.nowMs = next.atMs;
      next.run();
      // The pushed slice reaches the socket, and the stream hands over its next chunk, before time moves on.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.nowMs = targetMs;
  }
}

/** A stream that lets `bytesPerSecond` through, in slices every SLICE_MS of `time`. */
function throttle(bytesPerSecond: number, time: LinkTime): Transform {
  const perSlice = Math.max(1, Math.round((bytesPerSecond * SLICE_MS) / 1000));
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      let offset = 0;
      const push = () => {
        this.push(chunk.subarray(offset, offset + perSlice));
        offset += perSlice;
        if (offset < chunk.length) time.after(SLICE_MS, push);
        else time.after(SLICE_MS, done);
      };
      push();
    },
  });
}

/**
 * Starts the proxy on a loopback port, forwarding to `target` (http://127.0.0.1:port); a throttled
 * link runs on `clock` when one is given.
 */
export async function startFaultProxy(target: string, options: { clock?: LinkClock } = {}): Promise<FaultProxy> {
  const time: LinkTime = options.clock ?? REAL_TIME;
  const upstream = new URL(target);
  let mode: FaultMode = { kind: 'pass' };
  const counts = new Map<string, number>();
  const open = new Set<ServerResponse>();

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    const key = `${req.method} ${path}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const faulty = path.startsWith('/api/');
    const current: FaultMode = faulty ? mode : { kind: 'pass' };
    if (current.kind === 'status') {
      req.resume();
      res.writeHead(current.status, { 'content-type': 'application/json', 'access-control-allow-origin': '*', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ error: 'proxy', message: `fault proxy answered ${current.status}` }));
      return;
    }
    if (current.kind === 'hang') {
      req.resume();
      open.add(res);
      res.on('close', () => open.delete(res));
      return;
    }
    const out = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      (current.bytesPerSecond ? answer.pipe(throttle(current.bytesPerSecond, time)) : answer).pipe(res);
    });
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end();
    });
    // The client may give up (a kiosk timeout): stop forwarding what it no longer waits for.
    res.on('close', () => out.destroy());
    (current.bytesPerSecond ? req.pipe(throttle(current.bytesPerSecond, time)) : req).pipe(out);
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    setMode(next) {
      mode = next;
      // Hung requests end with the hang, as a recovered network ends them.
      if (next.kind !== 'hang') for (const res of open) res.destroy();
    },
    async close() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
