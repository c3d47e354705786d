import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, registerDevice, StoreOpenError } from '../../../src/collector';
import { sqliteFileOf } from '../../../src/collector/stores';
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

  it('refuses another scheme, naming it and the supported ones but not the rest of the URL', async () => {
    const error = await openStore('postgres://sipas:mat-khau@db.example/sipas').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreOpenError);
    expect(error).toMatchObject({ code: 'store.unsupported-scheme', details: { scheme: 'postgres:', supported: ['sqlite:'] } });
    expect((error as Error).message).toBe('unsupported store URL scheme "postgres:"; supported: sqlite: (or a plain SQLite file path)');
    expect((error as Error).message).not.toContain('mat-khau');
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
