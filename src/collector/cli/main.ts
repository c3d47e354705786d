/**
 * The reference collector's command line:
 *   tsx src/collector/cli/main.ts [--port 8080] [--host 127.0.0.1] [--data ./data] [--static dist] [--demo]
 *                             [--definitions survey-definitions] [--public-url https://sipas.example]
 * Environment: COLLECTOR_PORT, COLLECTOR_HOST, COLLECTOR_DATA_DIR, COLLECTOR_PUBLIC_URL (flags win), and
 * COLLECTOR_ADMIN_PASSWORD: the staff password, taken only when none is set yet.
 * --demo also makes up a staff password when none is set and prints it with the staff pages' address.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFINITIONS_DIR, formatProblem, loadDefinitionsFromDir } from '../../build/definitions';
import { HEALTH_PATH } from '../../shared/wire';
import { buildProvisioningLink } from '../../shared/wire/provisioning';
import { DATABASE_FILE, createCollector, ensureAdminPassword, issueDemoDeviceToken, openSqliteStore, type AdminPasswordOrigin } from '../index';

const USAGE =
  'usage: tsx src/collector/cli/main.ts [--port 8080] [--host 127.0.0.1] [--data ./data] [--static dist] [--demo] [--definitions survey-definitions] [--public-url <URL>]';

function fail(message: string): never {
  console.error(`collector: ${message}`);
  process.exit(1);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        static: { type: 'string' },
        demo: { type: 'boolean', default: false },
        definitions: { type: 'string' },
        'public-url': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }

  const portText = args.port ?? process.env.COLLECTOR_PORT ?? '8080';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) fail(`--port: expected a port number 0–65535, found ${JSON.stringify(portText)}`);
  const host = args.host ?? process.env.COLLECTOR_HOST ?? '127.0.0.1';
  const dataDir = resolve(args.data ?? process.env.COLLECTOR_DATA_DIR ?? 'data');
  const staticDir = args.static ?? (existsSync('dist') ? 'dist' : undefined);
  if (staticDir !== undefined && !existsSync(staticDir)) fail(`--static: folder ${staticDir} does not exist (run npm run build first)`);

  // A collector that cannot check answers against a definition must not accept any.
  const { definitions, problems } = loadDefinitionsFromDir(args.definitions ?? DEFINITIONS_DIR);
  if (problems.length > 0) {
    fail(`refusing to start: ${problems.length} problem(s) in the survey definitions\n${problems.map(formatProblem).join('\n')}`);
  }

  const publicUrl = args['public-url'] ?? process.env.COLLECTOR_PUBLIC_URL;
  if (publicUrl !== undefined && !/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(publicUrl)) {
    fail(`--public-url: expected an address such as https://sipas.example.gov.vn, found ${JSON.stringify(publicUrl)}`);
  }

  mkdirSync(dataDir, { recursive: true });
  const store = openSqliteStore(join(dataDir, DATABASE_FILE));
  let admin: AdminPasswordOrigin;
  try {
    admin = await ensureAdminPassword(store, { envPassword: process.env.COLLECTOR_ADMIN_PASSWORD, demo: args.demo });
  } catch (error) {
    await store.close();
    fail((error as Error).message);
  }
  // Read once; child processes need not inherit it.
  delete process.env.COLLECTOR_ADMIN_PASSWORD;
  const app = await createCollector({ store, definitions, staticDir, logger: true, publicUrl });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: closing`);
    try {
      await app.close();
    } finally {
      await store.close();
    }
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port, host });
  const address = app.server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const base = `http://${shownHost}:${address.port}`;

  console.log(`Collector: ${base} (data ${join(dataDir, DATABASE_FILE)}, definitions ${definitions.map((d) => `${d.id}@${d.version}`).join(', ')})`);
  if (args.demo) {
    const { deviceId, token } = await issueDemoDeviceToken(store);
    const device = await store.getDevice(deviceId);
    if (!staticDir) console.log('No kiosk build to serve (run npm run build); the link below needs one.');
    console.log(`Kiosk: ${buildProvisioningLink(base, { token, agencyCode: device?.agencyCode, counterCode: device?.counterCode, deviceLabel: device?.label })}`);
  }
  const staffBase = publicUrl ? publicUrl.replace(/\/+$/, '') : base;
  console.log(`Admin: ${staffBase}/admin`);
  switch (admin.kind) {
    case 'demo':
      console.log(`Admin password (demo, made up now, shown once): ${admin.password}`);
      break;
    case 'env':
      console.log('Admin password: set from COLLECTOR_ADMIN_PASSWORD.');
      break;
    case 'existing':
      if (admin.envIgnored) console.log('Admin password: already set, COLLECTOR_ADMIN_PASSWORD ignored (change it with admin-cli set-password).');
      else if (args.demo) console.log('Admin password: set earlier (forgotten? run: tsx src/collector/cli/admin-cli.ts set-password)');
      break;
    case 'none':
      console.log('Admin password: none yet; run tsx src/collector/cli/admin-cli.ts set-password (or set COLLECTOR_ADMIN_PASSWORD) to use the staff pages.');
      break;
  }
  console.log(`Health: ${base}${HEALTH_PATH}`);
}

main().catch((error: unknown) => {
  fail(error instanceof Error ? error.message : String(error));
});
