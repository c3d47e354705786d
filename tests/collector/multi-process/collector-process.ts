/**
 * One collector process of a multi-process test or bench: opens its own store on the database named by
 * SIPAS_PROCESS_CONFIG (JSON), serves the real app on a loopback port and prints `{"port":N}` once
 * listening. A separate launcher rather than cli/main.ts only so a test can shorten or lengthen the
 * sign-in lock-out (the command line has no flag for it); everything a request meets is the same app.
 */
import type { AddressInfo } from 'node:net';
import { createCollector, openStore } from '../../../src/collector';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../../src/build/definitions';
import type { ProcessConfig } from './cluster';

const config = JSON.parse(process.env.SIPAS_PROCESS_CONFIG ?? '{}') as ProcessConfig;
const { definitions, problems } = loadDefinitionsFromDir(DEFINITIONS_DIR);
if (problems.length > 0) throw new Error(`invalid definitions: ${problems.length} problem(s)`);
const store = await openStore(config.databaseUrl);
const app = await createCollector({
  store,
  definitions,
  staticDir: config.staticDir,
  trustProxy: config.trustProxy,
  loginThrottle: config.loginThrottle,
  storeUrl: config.databaseUrl,
  readWorkers: config.readWorkers ?? 0,
  maxConcurrentBatches: config.maxConcurrentBatches,
  logger: config.logger ?? false,
});
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ port: (app.server.address() as AddressInfo).port })}\n`);

const stop = async () => {
  await app.close();
  await store.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
