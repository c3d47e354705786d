import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliFailure, defineCli, fail, isEntryPoint, parseCommandLine, runCli, withStore } from '../../../src/collector/cli';
import { deferCleanups, storeHandles } from '../helpers';

const defer = deferCleanups();

const { database } = storeHandles(defer);

const USAGE = 'usage: try [--port <n>] [--data <dir>]';

afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

describe('command line parsing', () => {
  it('adds the shared --data flag to the command’s own', () => {
    const parsed = parseCommandLine({ usage: USAGE, options: { port: { type: 'string' } }, args: ['--port', '8080', '--data', '/srv/sipas'] });
    expect(parsed?.values).toMatchObject({ port: '8080', data: '/srv/sipas', help: false });
  });

  it('fails on an unknown flag with the message and the usage', () => {
    expect(() => parseCommandLine({ usage: USAGE, options: {}, args: ['--prot', '1'] })).toThrow(CliFailure);
    expect(() => parseCommandLine({ usage: USAGE, options: {}, args: ['--prot', '1'] })).toThrow(/--prot.*\nusage: try/s);
  });

  it('refuses words after the flags unless the command takes them', () => {
    expect(() => parseCommandLine({ usage: USAGE, options: {}, args: ['list'] })).toThrow(/list/);
    expect(parseCommandLine({ usage: USAGE, options: {}, positionals: true, args: ['list'] })?.positionals).toEqual(['list']);
  });

  it('prints the usage for --help and tells the caller to stop', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(parseCommandLine({ usage: USAGE, options: {}, args: ['-h'] })).toBeNull();
    expect(log).toHaveBeenCalledWith(USAGE);
  });
});

describe('failing a command', () => {
  it('prints "<cli>: <message>" and sets exit code 1 without ending the process', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const exit = vi.spyOn(process, 'exit');
    await runCli('devices', async () => fail('no device 42'));
    expect(error).toHaveBeenCalledWith('devices: no device 42');
    expect(process.exitCode).toBe(1);
    expect(exit).not.toHaveBeenCalled();
  });

  it('leaves the exit code alone when the command succeeds', async () => {
    await runCli('devices', async () => {});
    expect(process.exitCode).toBeUndefined();
  });

  it('closes the store before the failure is reported', async () => {
    const { file } = database();
    const events: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void events.push(line));
    let opened: { listDevices(): Promise<unknown> } | undefined;
    await runCli('admin', () =>
      withStore(file, async (store) => {
        opened = store;
        const close = store.close.bind(store);
        store.close = async () => {
          events.push('closed');
          await close();
        };
        fail('the two passwords differ; nothing changed');
      }),
    );
    expect(events).toEqual(['closed', 'admin: the two passwords differ; nothing changed']);
    await expect(opened!.listDevices()).rejects.toThrow(/not open/);
  });

  it('returns what the work returns and closes the store', async () => {
    const { file } = database();
    let opened: { listDevices(): Promise<unknown> } | undefined;
    const count = await withStore(file, async (store) => {
      opened = store;
      return (await store.listDevices()).length;
    });
    expect(count).toBe(0);
    await expect(opened!.listDevices()).rejects.toThrow(/not open/);
  });
});

describe('a command line started as a script or imported', () => {
  it('knows the module node was started with, also through a symbolic link, and nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sipas-cli-'));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    const script = join(dir, 'devices-cli.ts');
    writeFileSync(script, '');
    symlinkSync(script, join(dir, 'link.ts'));
    const url = pathToFileURL(script).href;
    expect(isEntryPoint(url, script)).toBe(true);
    expect(isEntryPoint(url, join(dir, 'link.ts'))).toBe(true);
    expect(isEntryPoint(url, join(dir, 'other.ts'))).toBe(false);
    expect(isEntryPoint(url, undefined)).toBe(false);
    expect(isEntryPoint('data:text/javascript,0', script)).toBe(false);
  });

  it('imported, it does not run; its runner passes the words and resolves with the exit code', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const seen: Array<string[] | undefined> = [];
    const cli = defineCli('devices', 'file:///not/the/script.ts', async (args) => {
      seen.push(args);
      if (args?.[0] === 'rotate') fail('no device 42');
    });
    expect(seen).toEqual([]);
    expect(await cli(['list'])).toBe(0);
    expect(await cli(['rotate'])).toBe(1);
    expect(seen).toEqual([['list'], ['rotate']]);
    expect(error).toHaveBeenCalledWith('devices: no device 42');
    // The runner reports through its result; the process's exit code is the script's alone.
    expect(process.exitCode).toBeUndefined();
  });
});
