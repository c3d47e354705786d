import { parseProvisioningFragment, HEALTH_PATH } from '../../../src/shared/wire';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { authenticateToken, DEVICE_SELF_PATH, openStore } from '../../../src/collector';
import { adminCli, collectorCli, devicesCli, type CliRunner } from '../../../src/collector/cli';
import { deferCleanups, tempDatabase } from '../helpers';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

// Each real process compiles and loads the collector (about 1.5 s of CPU), so real runs are kept to what
// only a process shows: start-up lines, signals, exit codes, standard input and two processes on one
// database. Everything else runs the same command lines in this process (collectorCli, devicesCli, adminCli).

const defer = deferCleanups();

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * Starts a command line as a real process, `node --import tsx <script> …` (as production starts the
 * collector); killed when `cleanup` runs. Not through the tsx command: it relays a signal to its child
 * and, when the child has not confirmed it within 30 ms (a loaded machine), kills it with SIGKILL, so
 * a graceful stop would show as exit code 143 for reasons of tsx's, not the collector's.
 */
function run(
  cleanup: (fn: () => void) => void,
  args: string[],
  script = 'src/collector/cli/main.ts',
  options: { env?: Record<string, string>; input?: string } = {},
): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, COLLECTOR_ADMIN_PASSWORD: '', ...options.env },
  });
  if (options.input !== undefined) child.stdin!.end(options.input);
  cleanup(() => {
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

/** Runs a command line in this process: its exit code and what it printed (standard output and error, in order). */
async function runHere(cli: CliRunner, args: string[]): Promise<{ code: number; output: string }> {
  let output = '';
  const capture = (...parts: unknown[]) => void (output += `${parts.join(' ')}\n`);
  const log = vi.spyOn(console, 'log').mockImplementation(capture);
  const error = vi.spyOn(console, 'error').mockImplementation(capture);
  try {
    const code = await cli(args);
    return { code, output };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

function setup(cleanup: (fn: () => void) => void = defer) {
  const db = tempDatabase();
  cleanup(db.cleanup);
  const staticDir = join(db.dir, 'dist');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>kiosk</title>');
  return { dataDir: join(db.dir, 'data'), staticDir, dir: db.dir };
}

/** A data folder with an empty collector database, as the staff CLIs expect. */
async function dataFolderWithDatabase(): Promise<{ dataDir: string; file: string }> {
  const { dataDir } = setup();
  mkdirSync(dataDir);
  const file = join(dataDir, 'collector.sqlite');
  await (await openStore(file)).close();
  return { dataDir, file };
}

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

/**
 * A real-process test starts up to five processes one after another, each about 2.3 s of CPU to load
 * the collector (measured): 35–50 s measured while the machine's load average was 14–16 (2 cores,
 * several test runs at once), past the default 30 s. Their time is the machine's, not the collector's.
 */
const REAL_PROCESS_TIMEOUT_MS = 120_000;

// Independent real processes (own data folders, port 0) run side by side; each test cleans up after itself.
describe.concurrent('the command lines as real processes', { timeout: REAL_PROCESS_TIMEOUT_MS }, () => {
  it('--demo prints a provisioning link whose token works and a made-up staff password that signs in; the next start rotates the token and keeps the password', async ({ onTestFinished }) => {
    const { dataDir, staticDir } = setup(onTestFinished);
    const args = ['--demo', '--port', '0', '--host', '127.0.0.1', '--data', dataDir, '--static', staticDir];

    const first = run(onTestFinished, args);
    const [, base, fragment] = await waitForLine(first, /Kiosk: (http:\/\/127\.0\.0\.1:\d+)\/(#provision=\S+)/);
    const [, adminBase] = await waitForLine(first, /Admin: (http:\/\/127\.0\.0\.1:\d+)\/admin\n/);
    const [, password] = await waitForLine(first, /Admin password \(demo, made up now, shown once\): (\S+)/);
    await waitForLine(first, /Health: http:\/\/127\.0\.0\.1:\d+\/api\/v1\/health/);
    expect(adminBase).toBe(base);
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
    const cookie = await signInOver(base, password);
    expect(cookie).toMatch(/^sipas_admin=/);
    const fleet = await fetch(`${base}/admin/fleet`, { headers: { cookie: cookie! } });
    expect(fleet.status).toBe(200);
    expect(await fleet.text()).toContain('Demo kiosk');
    expect(await signInOver(base, 'not the password')).toBeNull();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = run(onTestFinished, args);
    const [, base2, fragment2] = await waitForLine(second, /Kiosk: (http:\/\/127\.0\.0\.1:\d+)\/(#provision=\S+)/);
    // The password is kept (only its hash is stored, so it cannot be shown again).
    await waitForLine(second, /Admin password: set earlier/);
    await waitForLine(second, /Health: /);
    expect(second.output()).not.toContain(password);
    const token2 = parseProvisioningFragment(fragment2)!.token;
    expect(token2.split('.')[0]).toBe(token.split('.')[0]);
    expect(token2).not.toBe(token);
    expect((await fetch(`${base2}${DEVICE_SELF_PATH}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    expect((await fetch(`${base2}${DEVICE_SELF_PATH}`, { headers: { authorization: `Bearer ${token2}` } })).status).toBe(200);
    expect(await signInOver(base2, password)).toMatch(/^sipas_admin=/);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);

    const db = new Database(join(dataDir, 'collector.sqlite'), { readonly: true });
    try {
      expect(db.prepare("SELECT count(*) AS n FROM devices WHERE label = 'Demo kiosk'").get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });

  it('takes COLLECTOR_ADMIN_PASSWORD on first start, and admin-cli set-password replaces it from standard input while the collector runs', async ({ onTestFinished }) => {
    const { dataDir } = setup(onTestFinished);
    const args = ['--port', '0', '--host', '127.0.0.1', '--data', dataDir];
    const first = run(onTestFinished, args, 'src/collector/cli/main.ts', { env: { COLLECTOR_ADMIN_PASSWORD: 'mật khẩu từ môi trường' } });
    const [, base] = await waitForLine(first, /Admin: (http:\/\/127\.0\.0\.1:\d+)\/admin\n/);
    await waitForLine(first, /Admin password: set from COLLECTOR_ADMIN_PASSWORD\./);
    expect(await signInOver(base, 'mật khẩu từ môi trường')).toMatch(/^sipas_admin=/);

    const tooShort = run(onTestFinished, ['set-password', '--data', dataDir], 'src/collector/cli/admin-cli.ts', { input: 'short\n' });
    expect(await tooShort.exited).toBe(1);
    expect(tooShort.output()).toBe('admin: the password must have at least 10 characters (it has 5); nothing changed\n');

    const cli = run(onTestFinished, ['set-password', '--password-stdin', '--data', dataDir], 'src/collector/cli/admin-cli.ts', {
      input: 'mật khẩu mới của Sở Nội vụ\n',
    });
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toContain('Staff password set');
    // The running collector sees it at once; the old password and its sessions no longer work.
    expect(await signInOver(base, 'mật khẩu mới của Sở Nội vụ')).toMatch(/^sipas_admin=/);
    expect(await signInOver(base, 'mật khẩu từ môi trường')).toBeNull();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const again = run(onTestFinished, args, 'src/collector/cli/main.ts', { env: { COLLECTOR_ADMIN_PASSWORD: 'mật khẩu từ môi trường' } });
    await waitForLine(again, /COLLECTOR_ADMIN_PASSWORD ignored/);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });

  it('devices-cli registers a device and prints its token and provisioning link, exit code 0', async ({ onTestFinished }) => {
    const { dataDir } = setup(onTestFinished);
    mkdirSync(dataDir);
    await (await openStore(join(dataDir, 'collector.sqlite'))).close();
    const register = run(
      onTestFinished,
      ['register', '--agency-name', 'Sở Nội vụ', '--agency', 'SNV', '--counter-name', 'Quầy 2', '--url', 'https://collector.example/', '--data', dataDir],
      'src/collector/cli/devices-cli.ts',
    );
    expect(await register.exited).toBe(0);
    const token = /\nDevice: (\S+)\nPlace: .*\nToken \(shown once\): (\S+)\n/.exec(register.output())![2];
    expect(register.output()).toContain('--counter not given: suggested QUAY-2 from "Quầy 2"\n');
    expect(register.output()).toContain('Place: Sở Nội vụ (SNV) / Quầy 2 (QUAY-2); label "Quầy 2"\n');
    expect(register.output()).toContain(`Provisioning link: https://collector.example/#provision=${encodeURIComponent(token)}&endpoint=`);
    expect(register.output()).toContain('&agency=SNV&agencyName=S%E1%BB%9F+N%E1%BB%99i+v%E1%BB%A5&counter=QUAY-2&counterName=Qu%E1%BA%A7y+2&label=Qu%E1%BA%A7y+2');
    const store = await openStore(join(dataDir, 'collector.sqlite'));
    try {
      expect((await authenticateToken(store, token))?.id).toBe(token.split('.')[0]);
    } finally {
      await store.close();
    }
  });
});

describe('the collector command line, run in this process', () => {
  it('refuses to start when a definition is invalid, naming the file and path', async () => {
    const { dataDir, dir } = setup();
    const definitions = join(dir, 'definitions');
    mkdirSync(definitions);
    writeFileSync(join(definitions, 'broken.json'), JSON.stringify({ id: 'broken', version: 'one' }));
    const r = await runHere(collectorCli, ['--port', '0', '--data', dataDir, '--definitions', definitions]);
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/^collector: refusing to start/);
    expect(r.output).toMatch(/broken\.json.*\$\.version/);
    // Refused before anything is written.
    expect(existsSync(dataDir)).toBe(false);
  });

  it.each([
    ['eighty', 'collector: --port: expected a port number 0–65535, found "eighty"\n'],
    ['65536', 'collector: --port: expected a port number 0–65535, found "65536"\n'],
  ])('refuses --port %s', async (port, message) => {
    const { dataDir } = setup();
    expect(await runHere(collectorCli, ['--port', port, '--data', dataDir])).toEqual({ code: 1, output: message });
  });

  it('prints its usage for --help and for an unknown flag', async () => {
    expect(await runHere(collectorCli, ['--help'])).toEqual({ code: 0, output: expect.stringMatching(/^usage: tsx src\/collector\/cli\/main\.ts \[--port 8080\]/) });
    const wrong = await runHere(collectorCli, ['--prot', '80']);
    expect(wrong.code).toBe(1);
    expect(wrong.output).toMatch(/^collector: .*--prot.*\nusage: tsx src\/collector\/cli\/main\.ts/s);
  });
});

describe('the staff command lines, run in this process', () => {
  it('devices-cli registers, lists and revokes devices in the data folder', async () => {
    const { dataDir, file } = await dataFolderWithDatabase();
    const cli = (args: string[]) => runHere(devicesCli, [...args, '--data', dataDir]);

    const register = await cli(['register', '--label', 'Quầy 2', '--agency-name', 'Sở Nội vụ', '--agency', 'SNV', '--counter-name', 'Quầy 2', '--counter', 'Q2', '--url', 'https://collector.example/']);
    expect(register.code).toBe(0);
    const token = /Token \(shown once\): (\S+)/.exec(register.output)![1];
    expect(register.output).toContain(`Provisioning link: https://collector.example/#provision=${encodeURIComponent(token)}&endpoint=`);
    const deviceId = token.split('.')[0];

    const list = await cli(['list']);
    expect(list.code).toBe(0);
    expect(list.output).toContain(`${deviceId}  SNV/Q2  Quầy 2  Sở Nội vụ / Quầy 2  (last contact never, queue ?)`);

    const refused = await cli(['register', '--agency-name', 'Sở Nội vụ', '--agency', 'snv', '--counter-name', '   ']);
    expect(refused).toEqual({
      code: 1,
      output:
        'devices: --counter-name: expected a name of 1 to 200 characters, found "   "\n' +
        '--agency: expected 1 to 32 capital letters A-Z, digits, "_" or "-", starting with a letter or digit (e.g. SO-TU-PHAP, QUAY-2), found "snv"\n',
    });
    const moved = await cli(['move', deviceId, '--agency-name', 'Sở Tư pháp', '--counter-name', 'Quầy 5']);
    expect(moved.code).toBe(0);
    expect(moved.output).toContain(`Moved ${deviceId} to Sở Tư pháp (SO-TU-PHAP) / Quầy 5 (QUAY-5); the tablet takes it at its next sync.`);

    const store = await openStore(`sqlite://${file}`);
    try {
      expect((await authenticateToken(store, token))?.id).toBe(deviceId);
      expect(await cli(['revoke', deviceId])).toEqual({ code: 0, output: `Revoked ${deviceId}; its responses are kept.\n` });
      expect(await authenticateToken(store, token)).toBeNull();
      expect((await cli(['list'])).output).toMatch(new RegExp(`^${deviceId}  SO-TU-PHAP/QUAY-5  Quầy 5  Sở Tư pháp / Quầy 5  \\(revoked `));
    } finally {
      await store.close();
    }
  });

  it('a staff CLI that fails mid-command still closes the store, with "<cli>: …" and exit code 1', async () => {
    const { dataDir, file } = await dataFolderWithDatabase();
    // Closing the last connection checkpoints the WAL and removes it; a command that skipped the close leaves it.
    expect(existsSync(`${file}-wal`)).toBe(false);

    const register = await runHere(devicesCli, ['register', '--label', 'Quầy 2', '--data', dataDir]);
    expect(register.code).toBe(1);
    expect(register.output).toMatch(/^devices: register needs --agency-name and --counter-name\nusage:/);
    expect(existsSync(`${file}-wal`)).toBe(false);

    const rotate = await runHere(devicesCli, ['rotate', '00000000-0000-4000-8000-000000000000', '--data', dataDir]);
    expect(rotate).toEqual({ code: 1, output: 'devices: no device 00000000-0000-4000-8000-000000000000\n' });
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('names the missing database, and prints the usage for a wrong command or --help', async () => {
    const { dataDir } = setup();
    expect(await runHere(adminCli, ['sign-out-all', '--data', dataDir])).toEqual({
      code: 1,
      output: `admin: no collector database at ${join(dataDir, 'collector.sqlite')}; start the collector once or pass --data\n`,
    });
    // A staff CLI never creates the database it was pointed at.
    expect(existsSync(dataDir)).toBe(false);

    const wrong = await runHere(adminCli, ['set-pasword', '--data', dataDir]);
    expect(wrong.code).toBe(1);
    expect(wrong.output).toMatch(/^admin: usage:\n  tsx src\/collector\/cli\/admin-cli\.ts set-password/);

    const help = await runHere(devicesCli, ['--help']);
    expect(help.code).toBe(0);
    expect(help.output).toMatch(/^usage:\n  tsx src\/collector\/cli\/devices-cli\.ts register/);
  });

  it('admin-cli sign-out-all ends every staff session', async () => {
    const { dataDir, file } = await dataFolderWithDatabase();
    const store = await openStore(file);
    try {
      const session = { createdAt: '2025-01-01T00:00:00.000Z', expiresAt: '2999-01-01T00:00:00.000Z' };
      await store.addAdminSession(Buffer.alloc(32, 1), session);
      await store.addAdminSession(Buffer.alloc(32, 2), session);
      expect(await runHere(adminCli, ['sign-out-all', '--data', dataDir])).toEqual({ code: 0, output: 'Signed out 2 staff session(s).\n' });
      expect(await store.findAdminSession(Buffer.alloc(32, 1), '2025-06-01T00:00:00.000Z')).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});

describe('behind a reverse proxy', () => {
  it.each([
    ['--trust-proxy', ['--trust-proxy', '127.0.0.1,10.0.0.0/33'], {}, '10.0.0.0/33'],
    ['--trust-proxy', ['--trust-proxy', '127.0.0.1,'], {}, ''],
    ['--trust-proxy', ['--trust-proxy', '10.0.0.1/8/8'], {}, '10.0.0.1/8/8'],
    ['COLLECTOR_TRUST_PROXY', [], { COLLECTOR_TRUST_PROXY: 'proxy.example.gov.vn' }, 'proxy.example.gov.vn'],
  ])('refuses a %s that names no address or range', async (_name, args, env, found) => {
    const { dataDir } = setup();
    for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
    try {
      expect(await runHere(collectorCli, ['--port', '0', '--data', dataDir, ...args])).toEqual({
        code: 1,
        output: `collector: --trust-proxy: expected the proxies' IP addresses or CIDR ranges, comma-separated (e.g. 127.0.0.1,10.1.0.0/16), found ${JSON.stringify(found)}\n`,
      });
    } finally {
      vi.unstubAllEnvs();
    }
    expect(existsSync(dataDir)).toBe(false);
  });

  it('with --trust-proxy, each client X-Forwarded-For names has its own lock-out, and the audit log (admin-cli too) records them', async () => {
    const { dataDir } = setup();
    const collector = run(defer, ['--port', '0', '--host', '127.0.0.1', '--data', dataDir, '--trust-proxy', '127.0.0.1'], 'src/collector/cli/main.ts', {
      env: { COLLECTOR_ADMIN_PASSWORD: 'mật khẩu từ môi trường' },
    });
    const [, base] = await waitForLine(collector, /Admin: (http:\/\/127\.0\.0\.1:\d+)\/admin\n/);
    const signInAs = (client: string, password: string) =>
      fetch(`${base}/admin/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, 'x-forwarded-for': client },
        body: new URLSearchParams({ password }).toString(),
      });
    expect((await signInAs('203.0.113.5', 'không phải mật khẩu')).status).toBe(401);
    // Every request comes from the proxy's address; were it not trusted, this one would be locked out too.
    expect((await signInAs('203.0.113.6', 'mật khẩu từ môi trường')).status).toBe(303);
    expect(await runHere(adminCli, ['sign-out-all', '--data', dataDir])).toEqual({ code: 0, output: 'Signed out 1 staff session(s).\n' });
    collector.child.kill('SIGTERM');
    expect(await collector.exited).toBe(0);

    const db = new Database(join(dataDir, 'collector.sqlite'), { readonly: true });
    try {
      expect(db.prepare('SELECT address, action, outcome, details_json AS details FROM audit_log ORDER BY id').all()).toEqual([
        { address: null, action: 'passwordChange', outcome: 'success', details: '{"via":"env"}' },
        { address: '203.0.113.5', action: 'signIn', outcome: 'failure', details: '{"reason":"wrongPassword","failures":1,"lockSeconds":1}' },
        { address: '203.0.113.6', action: 'signIn', outcome: 'success', details: '{}' },
        { address: null, action: 'signOutAll', outcome: 'success', details: '{"via":"admin-cli","sessions":1}' },
      ]);
      expect(db.prepare('SELECT address, failures FROM login_throttle').all()).toEqual([{ address: '203.0.113.5', failures: 1 }]);
    } finally {
      db.close();
    }
  });
});
