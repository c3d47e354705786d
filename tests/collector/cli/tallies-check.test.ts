import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../../src/build/definitions';
import { openStore } from '../../../src/collector';
import { talliesCli } from '../../../src/collector/cli';
import { deferCleanups, makeResponse, seedResponses } from '../helpers';
import { freshPostgresDatabase, queryPostgres, TEST_DATABASE_URL } from '../test-databases';

const defer = deferCleanups();

/** A data folder whose store holds `count` sipas-2023 responses, tallied with the shipped definitions. */
async function dataDirWithResponses(count: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'sipas-tallies-cli-'));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  await seedStore(join(dir, 'collector.sqlite'), count);
  return dir;
}

/** Stores `count` sipas-2023 responses at `url`, tallied with the shipped definitions. */
async function seedStore(url: string, count: number): Promise<void> {
  const { definitions } = loadDefinitionsFromDir(DEFINITIONS_DIR);
  const sipas = definitions.filter((d) => d.id === 'sipas-2023').sort((a, b) => b.version - a.version)[0];
  const store = await openStore(url);
  try {
    await store.useDefinitions(definitions);
    await seedResponses(store, null, count, (i) =>
      makeResponse({ seq: i + 1, definitionId: sipas.id, definitionVersion: sipas.version, answers: { TC1: 1 + (i % 5), CC1: 5, FIELD: i % 2 ? 'tu-phap' : 'dat-dai' } }),
    'import');
  } finally {
    await store.close();
  }
}

/** Runs the command line, capturing what it prints. */
async function run(args: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void lines.push(parts.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void lines.push(parts.join(' ')));
  try {
    return { code: await talliesCli(args), output: lines.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('tallies check (tsx src/collector/cli/tallies-cli.ts check)', () => {
  it('exits 0 when the tallies match the stored responses', async () => {
    const dir = await dataDirWithResponses(30);
    const { code, output } = await run(['check', '--data', dir]);
    expect(output).toContain('Tallies match the stored responses.');
    expect(code).toBe(0);
  });

  it('prints the differing row and exits 1 when a tally row was corrupted', async () => {
    const dir = await dataDirWithResponses(30);
    const raw = new Database(join(dir, 'collector.sqlite'));
    raw.exec("UPDATE tallies SET responses = 0 WHERE rollup = 0 AND service_field = 'tu-phap' AND length(period) = 10");
    raw.close();
    const { code, output } = await run(['check', '--data', dir]);
    expect(output).toMatch(/differs: sipas-2023@\d+ rollup=0 agency="UBND-Q1" counter="Q01" field="tu-phap" period=2026-03-02 flags=0/);
    expect(output).toMatch(/tally row\(s\) differ/);
    expect(code).toBe(1);
  });

  it.skipIf(TEST_DATABASE_URL === undefined)('checks a PostgreSQL collector named by --database, and finds a corrupted row there (needs TEST_DATABASE_URL)', async () => {
    const db = freshPostgresDatabase();
    defer(() => db.cleanup());
    await seedStore(db.url, 30);
    expect(await run(['check', '--database', db.url])).toEqual({ code: 0, output: 'Tallies match the stored responses.' });
    await queryPostgres(db.url, "UPDATE tallies SET responses = 0 WHERE rollup = 0 AND service_field = 'tu-phap' AND length(period) = 10");
    const { code, output } = await run(['check', '--database', db.url]);
    expect(output).toMatch(/differs: sipas-2023@\d+ rollup=0 agency="UBND-Q1" counter="Q01" field="tu-phap" period=2026-03-02 flags=0/);
    expect(code).toBe(1);
  });

  it('refuses a command other than check', async () => {
    const dir = await dataDirWithResponses(1);
    const { code, output } = await run(['repair', '--data', dir]);
    expect(output).toContain('usage:');
    expect(code).toBe(1);
  });
});
