/**
 * Several collector processes on one PostgreSQL database behind a round-robin loopback proxy (no
 * sticky sessions): what tests/e2e/multi-process.e2e.test.ts, multi-process.test.ts and
 * tests/bench/multi-process.ts run against.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ThrottleOptions } from '../../../src/collector/staff-pages';
import { startRoundRobinProxy, type RoundRobinProxy } from './proxy';

/** What each collector process is started with (passed as JSON in its environment). */
export interface ProcessConfig {
  databaseUrl: string;
  staticDir?: string;
  trustProxy?: string[];
  loginThrottle?: ThrottleOptions;
  readWorkers?: number;
  maxConcurrentBatches?: number;
  /** fastify's request log on the process's stdout (copied to this process's stderr): for finding out why a run failed. */
  logger?: boolean;
}

/** The running processes and the proxy in front of them. */
export interface CollectorCluster {
  /** The proxy's base URL: what kiosks and staff use. */
  url: string;
  /** Each process's own base URL, in start order (for tests that pick one). */
  processUrls: string[];
  proxy: RoundRobinProxy;
  stop(): Promise<void>;
}

const LAUNCHER = fileURLToPath(new URL('./collector-process.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/**
 * Batches one process admits at once: fewer than its pool's 10 connections (pg-pool.ts' DEFAULT_POOL_MAX),
 * leaving some for the token checks and contacts of the requests waiting to be admitted. Measured
 * here: with the default 64, requests waited for a connection past the pool's 10 s connect timeout
 * and failed as 500 (pg-pool's timeout is not recognised as busy), not 503 busy.
 */
const BATCHES_PER_PROCESS = 6;
/** A process that has not said its port by then is taken as failed (tsx compiles on the way: slow on a loaded machine). */
const START_TIMEOUT_MS = 60_000;

/** Starts one collector process and resolves with its port once it listens. */
function startProcess(config: ProcessConfig): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', LAUNCHER], {
    cwd: ROOT,
    env: { ...process.env, SIPAS_PROCESS_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`collector process did not start in ${START_TIMEOUT_MS} ms: ${err.slice(-2000)}`));
    }, START_TIMEOUT_MS);
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      // A process's own errors after start are shown, not lost with the pipe.
      process.stderr.write(chunk);
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (config.logger) process.stderr.write(chunk);
      const line = /^\{"port":(\d+)\}$/m.exec(out);
      if (line) {
        clearTimeout(timer);
        resolve({ child, port: Number(line[1]) });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`collector process exited (${code}) before listening: ${err.slice(-2000)}`));
    });
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts `count` collector processes on the database (one after the other: the first applies the
 * migrations, the next find them done) and a round-robin proxy in front of them.
 */
export async function startCollectorCluster(config: ProcessConfig, count = 2): Promise<CollectorCluster> {
  const started: Array<{ child: ChildProcess; port: number }> = [];
  try {
    // Started together on purpose: migrations and definition set-up run under locks meant for exactly this.
    const results = await Promise.allSettled(Array.from({ length: count }, () => startProcess({ trustProxy: ['127.0.0.1'], maxConcurrentBatches: BATCHES_PER_PROCESS, ...config })));
    for (const result of results) if (result.status === 'fulfilled') started.push(result.value);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (error) {
    await Promise.all(started.map(({ child }) => stopProcess(child)));
    throw error;
  }
  const processUrls = started.map(({ port }) => `http://127.0.0.1:${port}`);
  const proxy = await startRoundRobinProxy(started.map(({ port }) => port));
  return {
    url: proxy.url,
    processUrls,
    proxy,
    stop: async () => {
      await proxy.close();
      await Promise.all(started.map(({ child }) => stopProcess(child)));
    },
  };
}
