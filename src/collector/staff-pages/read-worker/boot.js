// The first module of a read worker, in plain JavaScript: Node loads it before any TypeScript loader.
// The collector runs its TypeScript sources through tsx (npm start, npm run collector) or vitest, and in
// Node 20 neither's loader reaches a worker thread, so the worker registers tsx's loader itself, then
// imports its real entry (a .ts file named in workerData).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
