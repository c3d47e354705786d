/** The scripted read worker's gate: an Int32Array over shared memory; slot 0 opened, slot 1 reached. */
export const GATE_OPEN = 0;
export const GATE_REACHED = 1;

/** What a scripted worker does (workerData.data). */
export type Script = { mode: 'gate'; gate: SharedArrayBuffer } | { mode: 'count'; rows: SharedArrayBuffer } | { mode: 'fail' } | { mode: 'crash' };

/** The scripted worker's row count (mode 'count'): an Int32Array over shared memory, slot 0 the rows its snapshots handed over. */
export const ROWS_READ = 0;
