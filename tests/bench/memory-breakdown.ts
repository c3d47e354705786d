/**
 * Where a process's memory is, for the export bench's trace (EXPORT_BENCH_TRACE): its resident set by
 * kind of mapping, and the slots in which a traced read worker shares its own thread's heap figures.
 */
import { readFileSync } from 'node:fs';

/** Slots of the Float64Array a traced read worker writes: now and peak of its heap used and ArrayBuffers, in bytes. */
export const WORKER_HEAP = 0;
export const WORKER_HEAP_PEAK = 1;
export const WORKER_BUFFERS = 2;
export const WORKER_BUFFERS_PEAK = 3;
export const WORKER_FIGURES = 4;

/** Resident KB by kind of mapping: glibc thread arenas (64 MB-aligned heaps), [heap], file-backed, other anonymous. */
export function smapsBreakdown(): Record<string, number> {
  const text = readFileSync('/proc/self/smaps', 'utf8');
  const maps: { start: bigint; end: bigint; perms: string; path: string; rss: number }[] = [];
  let cur: (typeof maps)[number] | undefined;
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (m) { cur = { start: BigInt('0x' + m[1]), end: BigInt('0x' + m[2]), perms: m[3]!, path: m[4]!, rss: 0 }; maps.push(cur); continue; }
    const r = /^Rss:\s+(\d+) kB/.exec(line);
    if (r && cur) cur.rss = Number(r[1]);
  }
  const out: Record<string, number> = { arena: 0, arenas: 0, heap: 0, file: 0, anon: 0, stack: 0 };
  const M64 = 64n * 1024n * 1024n;
  for (let i = 0; i < maps.length; i++) {
    const x = maps[i]!;
    if (x.path === '[heap]') out.heap += x.rss;
    else if (x.path.startsWith('/')) out.file += x.rss;
    else if (x.path.startsWith('[stack')) out.stack += x.rss;
    else if (x.path === '' && x.start % M64 === 0n && x.perms.startsWith('rw')) {
      const next = maps[i + 1];
      const end = next && next.start === x.end && next.perms.startsWith('---') ? next.end : x.end;
      if (end - x.start === M64) { out.arena += x.rss; out.arenas++; } else out.anon += x.rss;
    } else out.anon += x.rss;
  }
  for (const k of Object.keys(out)) if (k !== 'arenas') out[k] = Math.round(out[k]! / 102.4) / 10;
  return out;
}
