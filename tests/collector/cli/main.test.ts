import { parseProvisioningFragment, HEALTH_PATH } from '../../../src/shared/wire';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { authenticateToken, DEVICE_SELF_PATH, openStore } from '../../../src/collector';
import { deferCleanups, tempDatabase } from '../helpers';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

const defer = deferCleanups();

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function run(args: string[], script = 'src/collector/cli/main.ts', options: { env?: Record<string, string>; input?: string } = {}): Run {
  const child = spawn(TSX, [script, ...args], {
    cwd: ROOT,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, COLLECTOR_ADMIN_PASSWORD: '', ...options.env },
  });
  if (options.input !== undefined) child.stdin!.end(options.input);
  defer(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Resolves with the line's match once the process prints it; rejects if it exits first. */
function waitForLine(r: Run, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(r.output());
      if (match) {
        r.child.stdout!.off('data', check);
        resolve(match);
      }
    };
    r.child.stdout!.on('data', check);
    void r.exited.then(() => reject(new Error(`exited before printing ${pattern}:\n${r.output()}`)));
    check();
  });
}

function setup() {
  const db = tempDatabase();
  defer(db.cleanup);
  const staticDir = join(db.dir, 'dist');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>kiosk</title>');
  return { dataDir: join(db.dir, 'data'), staticDir, dir: db.dir };
}

describe('collector command line', () => {
  it('--demo prints a provisioning link whose token works, and rotates it on the next start', async () => {
    const { dataDir, staticDir } = setup();
    const args = ['--demo', '--port', '0', '--host', '127.0.0.1', '--data', dataDir, '--static', staticDir];

    const first = run(args);
    const [, base, fragment] = await waitForLine(first, /Kiosk: (http:\/\/127\.0\.0\.1:\d+)\/(#provision=\S+)/);
    await waitForLine(first, /Health: http:\/\/127\.0\.0\.1:\d+\/api\/v1\/health/);
    const provisioning = parseProvisioningFragment(fragment)!;
    expect(provisioning).toMatchObject({ endpoint: base, agencyCode: 'DEMO', counterCode: 'Q1', deviceLabel: 'Demo kiosk' });
    const token = provisioning.token;
    const health = await fetch(`${base}${HEALTH_PATH}`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { definitions: string[] }).definitions.length).toBeGreaterThan(0);
    const me = await fetch(`${base}${DEVICE_SELF_PATH}`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ label: 'Demo kiosk', received: 0 });
    const page = await fetch(`${base}/`);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = run(args);
    const [, base2, fragment2] = await waitForLine(second, /Kiosk: (http:\/\/127\.0\.0\.1:\d+)\/(#provision=\S+)/);
    const token2 = parseProvisioningFragment(fragment2)!.token;
    expect(token2.split('.')[0]).toBe(token.split('.')[0]);
    expect(token2).not.toBe(token);
    expect((await fetch(`${base2}${DEVICE_SELF_PATH}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    expect((await fetch(`${base2}${DEVICE_SELF_PATH}`, { headers: { authorization: `Bearer ${token2}` } })).status).toBe(200);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);

    const db = new Database(join(dataDir, 'collector.sqlite'), { readonly: true });
    try {
      expect(db.prepare("SELECT count(*) AS n FROM devices WHERE label = 'Demo kiosk'").get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });

  it('refuses to start when a definition is invalid, naming the file and path', async () => {
    const { dataDir, dir } = setup();
    const definitions = join(dir, 'definitions');
    mkdirSync(definitions);
    writeFileSync(join(definitions, 'broken.json'), JSON.stringify({ id: 'broken', version: 'one' }));
    const r = run(['--port', '0', '--data', dataDir, '--definitions', definitions]);
    expect(await r.exited).toBe(1);
    expect(r.output()).toMatch(/refusing to start/);
    expect(r.output()).toMatch(/broken\.json.*\$\.version/);
  });

  it('devices-cli registers, lists and revokes devices in the data folder', async () => {
    const { dataDir } = setup();
    mkdirSync(dataDir);
    await (await openStore(join(dataDir, 'collector.sqlite'))).close();
    const cli = (args: string[]) => run([...args, '--data', dataDir], 'src/collector/cli/devices-cli.ts');

    const register = cli(['register', '--label', 'Quầy 2', '--agency', 'SNV', '--counter', 'Q2', '--url', 'https://collector.example/']);
    expect(await register.exited).toBe(0);
    const token = /Token \(shown once\): (\S+)/.exec(register.output())![1];
    expect(register.output()).toContain(`Provisioning link: https://collector.example/#provision=${encodeURIComponent(token)}&endpoint=`);
    expect(register.output()).toContain('&agency=SNV&counter=Q2&label=Qu%E1%BA%A7y+2');
    const deviceId = token.split('.')[0];

    const list = cli(['list']);
    expect(await list.exited).toBe(0);
    expect(list.output()).toContain(`${deviceId}  SNV/Q2  Quầy 2`);

    const store = await openStore(`sqlite://${join(dataDir, 'collector.sqlite')}`);
    try {
      expect((await authenticateToken(store, token))?.id).toBe(deviceId);
      const revoke = cli(['revoke', deviceId]);
      expect(await revoke.exited).toBe(0);
      expect(await authenticateToken(store, token)).toBeNull();
    } finally {
      await store.close();
    }
  });
});

describe('command line failures', () => {
  it('a staff CLI that fails mid-command still closes the store, with "<cli>: …" and exit code 1', async () => {
    const { dataDir } = setup();
    mkdirSync(dataDir);
    const file = join(dataDir, 'collector.sqlite');
    await (await openStore(file)).close();
    // Closing the last connection checkpoints the WAL and removes it; a process.exit mid-command leaves it.
    expect(existsSync(`${file}-wal`)).toBe(false);

    const register = run(['register', '--label', 'Quầy 2', '--data', dataDir], 'src/collector/cli/devices-cli.ts');
    expect(await register.exited).toBe(1);
    expect(register.output()).toMatch(/^devices: register needs --label, --agency and --counter\nusage:/);
    expect(existsSync(`${file}-wal`)).toBe(false);

    const rotate = run(['rotate', '00000000-0000-4000-8000-000000000000', '--data', dataDir], 'src/collector/cli/devices-cli.ts');
    expect(await rotate.exited).toBe(1);
    expect(rotate.output()).toBe('devices: no device 00000000-0000-4000-8000-000000000000\n');
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('names the missing database, and prints the usage for a wrong command or --help', async () => {
    const { dataDir } = setup();
    const missing = run(['sign-out-all', '--data', dataDir], 'src/collector/cli/admin-cli.ts');
    expect(await missing.exited).toBe(1);
    expect(missing.output()).toBe(`admin: no collector database at ${join(dataDir, 'collector.sqlite')}; start the collector once or pass --data\n`);

    const wrong = run(['set-pasword', '--data', dataDir], 'src/collector/cli/admin-cli.ts');
    expect(await wrong.exited).toBe(1);
    expect(wrong.output()).toMatch(/^admin: usage:\n  tsx src\/collector\/cli\/admin-cli\.ts set-password/);

    const help = run(['--help'], 'src/collector/cli/devices-cli.ts');
    expect(await help.exited).toBe(0);
    expect(help.output()).toMatch(/^usage:\n  tsx src\/collector\/cli\/devices-cli\.ts register/);

    const badPort = run(['--port', 'eighty', '--data', dataDir]);
    expect(await badPort.exited).toBe(1);
    expect(badPort.output()).toBe('collector: --port: expected a port number 0–65535, found "eighty"\n');
  });
});

/** Signs in through the real login form; resolves with the Cookie header or null when refused. */
async function signInOver(base: string, password: string): Promise<string | null> {
  const answer = await fetch(`${base}/admin/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
    body: new URLSearchParams({ password }).toString(),
  });
  if (answer.status !== 303) return null;
  return answer.headers.getSetCookie()[0].split(';')[0];
}

describe('staff password at start-up and from the command line', () => {
  it('--demo makes up a staff password once, prints it with the staff address, and it signs in', async () => {
    const { dataDir, staticDir } = setup();
    const args = ['--demo', '--port', '0', '--host', '127.0.0.1', '--data', dataDir, '--static', staticDir];
    const first = run(args);
    const [, base] = await waitForLine(first, /Admin: (http:\/\/127\.0\.0\.1:\d+)\/admin\n/);
    const [, password] = await waitForLine(first, /Admin password \(demo, made up now, shown once\): (\S+)/);
    await waitForLine(first, /Health: /);
    const cookie = await signInOver(base, password);
    expect(cookie).toMatch(/^sipas_admin=/);
    const fleet = await fetch(`${base}/admin/fleet`, { headers: { cookie: cookie! } });
    expect(fleet.status).toBe(200);
    expect(await fleet.text()).toContain('Demo kiosk');
    expect(await signInOver(base, 'not the password')).toBeNull();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    // The next start keeps it (only its hash is stored, so it cannot be shown again).
    const second = run(args);
    const [, base2] = await waitForLine(second, /Admin: (http:\/\/127\.0\.0\.1:\d+)\/admin\n/);
    await waitForLine(second, /Admin password: set earlier/);
    expect(second.output()).not.toContain(password);
    expect(await signInOver(base2, password)).toMatch(/^sipas_admin=/);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('takes COLLECTOR_ADMIN_PASSWORD on first start, and admin-cli set-password replaces it from standard input', async () => {
    const { dataDir } = setup();
    const args = ['--port', '0', '--host', '127.0.0.1', '--data', dataDir];
    const first = run(args, 'src/collector/cli/main.ts', { env: { COLLECTOR_ADMIN_PASSWORD: 'mật khẩu từ môi trường' } });
    const [, base] = await waitForLine(first, /Admin: (http:\/\/127\.0\.0\.1:\d+)\/admin\n/);
    await waitForLine(first, /Admin password: set from COLLECTOR_ADMIN_PASSWORD\./);
    expect(await signInOver(base, 'mật khẩu từ môi trường')).toMatch(/^sipas_admin=/);

    const tooShort = run(['set-password', '--data', dataDir], 'src/collector/cli/admin-cli.ts', { input: 'short\n' });
    expect(await tooShort.exited).toBe(1);
    expect(tooShort.output()).toMatch(/at least 10 characters/);

    const cli = run(['set-password', '--password-stdin', '--data', dataDir], 'src/collector/cli/admin-cli.ts', { input: 'mật khẩu mới của Sở Nội vụ\n' });
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toContain('Staff password set');
    // The running collector sees it at once; the old password and its sessions no longer work.
    expect(await signInOver(base, 'mật khẩu mới của Sở Nội vụ')).toMatch(/^sipas_admin=/);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const again = run(args, 'src/collector/cli/main.ts', { env: { COLLECTOR_ADMIN_PASSWORD: 'mật khẩu từ môi trường' } });
    await waitForLine(again, /COLLECTOR_ADMIN_PASSWORD ignored/);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });
});
