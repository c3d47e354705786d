import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../../src/collector';
import { collectorCli, devicesCli, existingStoreOf, storeUrlOf, type CliRunner } from '../../../src/collector/cli';
import { deferCleanups, tempDatabase } from '../helpers';
import { freshPostgresDatabase, TEST_DATABASE_URL } from '../test-databases';

const defer = deferCleanups();

afterEach(() => {
  vi.unstubAllEnvs();
});

async function runHere(cli: CliRunner, args: string[]): Promise<{ code: number; output: string }> {
  let output = '';
  const capture = (...parts: unknown[]) => void (output += `${parts.join(' ')}\n`);
  const log = vi.spyOn(console, 'log').mockImplementation(capture);
  const error = vi.spyOn(console, 'error').mockImplementation(capture);
  try {
    return { code: await cli(args), output };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('choosing the store on the command line', () => {
  it.each([
    ['--database wins over the environment and the data folder', { database: 'postgres://a@db/x', data: '/srv/d' }, 'postgres://b@db/y', 'postgres://a@db/x'],
    ['COLLECTOR_DATABASE_URL comes next', { data: '/srv/d' }, 'postgres://b@db/y', 'postgres://b@db/y'],
    ['else the SQLite file in the data folder', { data: '/srv/d' }, undefined, '/srv/d/collector.sqlite'],
    ['an empty COLLECTOR_DATABASE_URL counts as unset', { data: '/srv/d' }, '  ', '/srv/d/collector.sqlite'],
  ])('%s', (_, values, env, expected) => {
    vi.stubEnv('COLLECTOR_DATABASE_URL', env);
    expect(storeUrlOf(values)).toBe(expected);
  });

  it('lets a staff command line name a PostgreSQL store, and refuses a SQLite file that does not exist', () => {
    vi.stubEnv('COLLECTOR_DATABASE_URL', undefined);
    expect(existingStoreOf({ database: 'postgres://a@db/x' })).toBe('postgres://a@db/x');
    const { dir, cleanup } = tempDatabase();
    defer(cleanup);
    expect(() => existingStoreOf({ database: `${dir}/missing.sqlite` })).toThrow(/no collector database at .*missing\.sqlite/);
  });

  it('refuses to start when the PostgreSQL server does not answer, naming it without the password and writing no data folder', async () => {
    const { dir, cleanup } = tempDatabase();
    defer(cleanup);
    const dataDir = `${dir}/data`;
    const r = await runHere(collectorCli, ['--port', '0', '--data', dataDir, '--database', 'postgres://sipas:bi-mat-42@127.0.0.1:1/sipas']);
    expect(r).toEqual({ code: 1, output: 'collector: cannot reach PostgreSQL at postgres://sipas@127.0.0.1:1/sipas (ECONNREFUSED)\n' });
    expect(existsSync(dataDir)).toBe(false);
  });

  it.skipIf(TEST_DATABASE_URL === undefined)('devices-cli registers a device in the PostgreSQL store named by COLLECTOR_DATABASE_URL (needs TEST_DATABASE_URL)', async () => {
    const db = freshPostgresDatabase();
    defer(() => db.cleanup());
    vi.stubEnv('COLLECTOR_DATABASE_URL', db.url);
    const r = await runHere(devicesCli, ['register', '--agency-name', 'Sở Tư pháp', '--counter-name', 'Quầy 2', '--url', 'https://sipas.example.gov.vn']);
    expect(r.code).toBe(0);
    const store = await openStore(db.url);
    defer(() => store.close());
    expect((await store.listDevices()).map((d) => [d.agencyCode, d.counterCode])).toEqual([['SO-TU-PHAP', 'QUAY-2']]);
  });

  it('refuses --read-database for a collector on the SQLite file, writing no data folder', async () => {
    const { dir, cleanup } = tempDatabase();
    defer(cleanup);
    vi.stubEnv('COLLECTOR_DATABASE_URL', undefined);
    const dataDir = `${dir}/data`;
    const r = await runHere(collectorCli, ['--port', '0', '--data', dataDir, '--read-database', 'postgres://sipas@replica/sipas']);
    expect(r).toEqual({ code: 1, output: 'collector: --read-database: a replica serves a collector on PostgreSQL (--database), not on the SQLite file\n' });
    expect(existsSync(dataDir)).toBe(false);
  });

  it.skipIf(TEST_DATABASE_URL === undefined)('refuses to start when the read database is not a replica of this schema, naming it (needs TEST_DATABASE_URL)', async () => {
    const [db, empty] = [freshPostgresDatabase(), freshPostgresDatabase()];
    defer(() => db.cleanup());
    defer(() => empty.cleanup());
    const r = await runHere(collectorCli, ['--port', '0', '--database', db.url, '--read-database', empty.url]);
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/^collector: --read-database: PostgreSQL at .*: database schema version 0, this collector needs \d+; a read database is never migrated/);
    expect(r.output).not.toContain(':sipas@');
  });
});
