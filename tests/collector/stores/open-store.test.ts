import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, registerDevice, StoreOpenError } from '../../../src/collector';
import { describeStoreUrl, isPostgresUrl, parsePostgresUrl, sqliteFileOf } from '../../../src/collector/stores';
import { deferCleanups, storeHandles } from '../helpers';

const defer = deferCleanups();

const { database } = storeHandles(defer);

describe('openStore', () => {
  it.each([
    ['a plain absolute path', '/srv/sipas/collector.sqlite', '/srv/sipas/collector.sqlite'],
    ['a plain relative path', 'data/collector.sqlite', 'data/collector.sqlite'],
    ['a Windows path (a drive letter is not a scheme)', 'C:\\sipas\\collector.sqlite', 'C:\\sipas\\collector.sqlite'],
    ['sqlite:/// with an absolute path', 'sqlite:///srv/sipas/collector.sqlite', '/srv/sipas/collector.sqlite'],
    ['sqlite: with a relative path', 'sqlite:data/collector.sqlite', 'data/collector.sqlite'],
    ['a scheme in capitals, and %-escapes', 'SQLITE:///srv/m%E1%BB%99t%20s%E1%BB%9F/collector.sqlite', '/srv/một sở/collector.sqlite'],
  ])('reads %s as a SQLite file', (_, url, file) => {
    expect(sqliteFileOf(url)).toBe(file);
  });

  it('opens the same SQLite file from a path and from its sqlite: URL', async () => {
    const { file } = database();
    const byPath = await openStore(file);
    defer(() => byPath.close());
    const { deviceId } = await registerDevice(byPath, { label: 'Quầy 1', agencyCode: 'A', counterCode: 'B' });
    const byUrl = await openStore(`sqlite://${file}`);
    defer(() => byUrl.close());
    expect((await byUrl.getDevice(deviceId))?.label).toBe('Quầy 1');
  });

  // Changed deliberately with the PostgreSQL store (issue 12): postgres: is supported now, so the refusal is shown with another scheme.
  it('refuses another scheme, naming it and the supported ones but not the rest of the URL', async () => {
    const error = await openStore('mysql://sipas:mat-khau@db.example/sipas').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreOpenError);
    expect(error).toMatchObject({ code: 'store.unsupported-scheme', details: { scheme: 'mysql:', supported: ['sqlite:', 'postgres:', 'postgresql:'] } });
    expect((error as Error).message).toBe('unsupported store URL scheme "mysql:"; supported: sqlite:, postgres:, postgresql: (or a plain SQLite file path)');
    expect((error as Error).message).not.toContain('mat-khau');
  });

  it.each([
    ['postgres:', 'postgres://sipas:mat-khau@127.0.0.1:1/sipas'],
    ['postgresql:', 'postgresql://sipas:mat-khau@127.0.0.1:1/sipas?schema=so_tu_phap'],
  ])('opens a %s URL as PostgreSQL, and says so when the server does not answer, without the password', async (_, url) => {
    const error = await openStore(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreOpenError);
    expect(error).toMatchObject({ code: 'store.unreachable', details: { errno: 'ECONNREFUSED' } });
    expect((error as Error).message).toMatch(/^cannot reach PostgreSQL at postgres(ql)?:\/\/sipas@127\.0\.0\.1:1\/sipas/);
    expect((error as Error).message).not.toContain('mat-khau');
  });

  it.each([
    ['no database', 'postgres://sipas@db.example', /names a host and a database/],
    ['no host', 'postgres:///sipas', /names a host and a database/],
    ['a schema that is not a plain identifier', 'postgres://sipas@db.example/sipas?schema=x;drop', /lower-case SQL identifier/],
    ['a schema in capitals', 'postgres://sipas@db.example/sipas?schema=Public', /lower-case SQL identifier/],
    ['both schema and options', 'postgres://sipas@db.example/sipas?schema=a&options=-c%20search_path%3Db', /either schema= or options=/],
  ])('refuses a PostgreSQL URL with %s as a bad store URL', async (_, url, message) => {
    await expect(openStore(url)).rejects.toMatchObject({ code: 'store.bad-url', message: expect.stringMatching(message) });
  });

  it('reads a PostgreSQL URL: the schema apart, the rest for the driver, and a display form without the password', () => {
    expect(parsePostgresUrl('postgres://sipas:m%E1%BA%ADt@db.example:6432/sipas?sslmode=require&schema=so_noi_vu')).toEqual({
      connectionString: 'postgres://sipas:m%E1%BA%ADt@db.example:6432/sipas?sslmode=require',
      schema: 'so_noi_vu',
      display: 'postgres://sipas@db.example:6432/sipas?sslmode=require&schema=so_noi_vu',
    });
    expect(describeStoreUrl('postgresql://sipas:secret@db/sipas')).toBe('postgresql://sipas@db/sipas');
    expect(describeStoreUrl('postgres://sipas:secret@[broken')).toBe('postgres://…');
    expect(describeStoreUrl('/srv/sipas/collector.sqlite')).toBe('/srv/sipas/collector.sqlite');
    expect(isPostgresUrl('POSTGRES://db/x')).toBe(true);
    expect(isPostgresUrl('sqlite:data/collector.sqlite')).toBe(false);
  });

  it('says a PostgreSQL URL is no SQLite file', () => {
    expect(() => sqliteFileOf('postgres://db/sipas')).toThrow(expect.objectContaining({ code: 'store.unsupported-scheme', message: 'a postgres: URL names a PostgreSQL database, not a SQLite file' }));
  });

  it.each([
    ['an empty URL', ''],
    ['a sqlite:// URL with a host', 'sqlite://db.example/collector.sqlite'],
    ['a sqlite: URL without a file', 'sqlite:'],
  ])('refuses %s as a bad store URL', async (_, url) => {
    await expect(openStore(url)).rejects.toMatchObject({ code: 'store.bad-url' });
  });

  it('creates the file at a sqlite: URL that does not exist yet', async () => {
    const { dir } = database();
    const store = await openStore(`sqlite://${join(dir, 'new.sqlite')}`);
    defer(() => store.close());
    expect(await store.listDevices()).toEqual([]);
  });
});
