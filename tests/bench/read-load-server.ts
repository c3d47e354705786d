/**
 * The collector under test for the read-load bench, in its own process as in production (started with
 * `node --import tsx`): serves the seeded database on loopback with `workers` read worker threads
 * (0: reports and exports on the main thread, as before issue 10). Talks to the bench over IPC: sends
 * its port, answers "stats" with where the reads ran, ends on "close".
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createCollector, openStore } from '../../src/collector';
import { ReadPool } from '../../src/collector/staff-pages';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../src/build/definitions';
import { testDefinition } from '../collector/helpers';

const [file, workersText] = process.argv.slice(2);
const { definitions } = loadDefinitionsFromDir(DEFINITIONS_DIR);
const store = await openStore(file);
const reader = new ReadPool({ store, storeUrl: file, workers: Number(workersText), log: (message, error) => console.error(message, error) });
const app = await createCollector({ store, definitions: [...definitions, testDefinition('sipas-bench', 1)], reader });
await app.listen({ port: 0, host: '127.0.0.1' });
const send = (message: unknown) => process.send?.(message);
send({ port: (app.server.address() as { port: number }).port });
// How long the kiosks' thread was kept from running (sampled every 10 ms); reset on "reset".
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
process.on('message', (message: string) => {
  if (message === 'reset') delay.reset();
  if (message === 'stats') send({ stats: reader.stats, loopDelayP99Ms: delay.percentile(99) / 1e6, loopDelayMaxMs: delay.max / 1e6 });
  if (message === 'close') {
    void app
      .close()
      .then(() => store.close())
      .then(() => process.exit(0));
  }
});
