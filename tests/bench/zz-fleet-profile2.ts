import { performance } from 'node:perf_hooks';
const a = Array.from({ length: 1000 }, (_, i) => `Q${(i * 7919) % 1000}`);
let s = performance.now(); [...a].sort((x, y) => x.localeCompare(y, 'vi')); console.log('localeCompare sort', (performance.now() - s).toFixed(1));
const c = new Intl.Collator('vi');
s = performance.now(); [...a].sort(c.compare); console.log('collator sort', (performance.now() - s).toFixed(1));
