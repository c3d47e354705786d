/**
 * The database a scale bench seeds: a fresh PostgreSQL schema, a fresh temp SQLite file, or (SQLite
 * only) a file named by an environment variable and kept between runs, seeded once when missing then
 * reused, since seeding a million rows takes minutes and profiling a figure takes several runs.
 */
import { existsSync } from 'node:fs';
import { tempDatabase } from '../collector/helpers';
import { freshPostgresDatabase, TEST_DATABASE_URL } from '../collector/test-databases';
import type { BenchStore } from './tallies';

export interface BenchDatabase {
  url: string;
  /** The kept file already holds an earlier run's seed: seed nothing. */
  reuse: boolean;
  cleanup(): Promise<void>;
}

export function benchDatabase(kind: BenchStore, keptFileVariable: string): BenchDatabase {
  if (kind === 'postgres') return { ...freshPostgresDatabase(TEST_DATABASE_URL), reuse: false };
  const kept = process.env[keptFileVariable];
  if (kept !== undefined) return { url: kept, reuse: existsSync(kept), cleanup: async () => undefined };
  const file = tempDatabase();
  return { url: file.file, reuse: false, cleanup: async () => file.cleanup() };
}
