/**
 * The reference collector's command line:
 *   tsx src/collector/cli/main.ts [--port 8080] [--host 127.0.0.1] [--data ./data] [--static dist] [--demo]
 *                             [--database postgres://user:password@host:5432/db]
 *                             [--definitions survey-definitions] [--public-url https://sipas.example]
 *                             [--trust-proxy 10.0.0.2,10.1.0.0/16] [--read-workers 1]
 *                             [--read-database postgres://user:password@replica:5432/db]
 * Environment: COLLECTOR_PORT, COLLECTOR_HOST, COLLECTOR_DATA_DIR, COLLECTOR_DATABASE_URL, COLLECTOR_PUBLIC_URL, COLLECTOR_TRUST_PROXY,
 * COLLECTOR_READ_WORKERS, COLLECTOR_READ_DATABASE_URL
 * (flags win), and
 * COLLECTOR_ADMIN_PASSWORD: the staff password, taken only when none is set yet.
 * --demo also makes up a staff password when none is set and prints it with the staff pages' address.
 *   tsx src/collector/cli/main.ts migrate-to-postgres --from <collector.sqlite> --to postgres://… copies a SQLite collector into PostgreSQL.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { isIP, type AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { DEFINITIONS_DIR, formatProblem, loadDefinitionsFromDir } from '../../build/definitions';
import { definitionKey, isCollectorUrl } from '../../shared/ids';
import { buildProvisioningLink, HEALTH_PATH } from '../../shared/wire';
import { createCollector, ensureAdminPassword, issueDemoDeviceToken, openStore, type AdminPasswordOrigin, type DeviceStore } from '../index';
import { describeStoreUrl, openReadStore } from '../stores';
import { provisioningFor } from '../devices';
import { databaseUrlOf, dataDirOf, defineCli, fail, parseCommandLine, storeUrlIn } from './cli-helpers';
import { migrateToPostgres } from './migrate-to-postgres';

/** The subcommand that copies a SQLite collector into PostgreSQL (migrate-to-postgres.ts). */
const MIGRATE_TO_POSTGRES = 'migrate-to-postgres';

const USAGE =
  'usage: tsx src/collector/cli/main.ts [--port 8080] [--host 127.0.0.1] [--data ./data] [--database postgres://user:password@host:5432/db] [--static dist] [--demo] [--definitions survey-definitions] [--public-url <URL>] [--trust-proxy <IP or CIDR>,…] [--read-workers 1] [--read-database postgres://…replica]';

async function main(words?: string[]): Promise<void> {
  // `npm run collector -- migrate-to-postgres …` moves a site up instead of serving.
  const given = words ?? process.argv.slice(2);
  if (given[0] === MIGRATE_TO_POSTGRES) return migrateToPostgres(given.slice(1));
  const commandLine = parseCommandLine({
    usage: USAGE,
    args: words,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      static: { type: 'string' },
      demo: { type: 'boolean', default: false },
      definitions: { type: 'string' },
      'public-url': { type: 'string' },
      'trust-proxy': { type: 'string' },
      'read-workers': { type: 'string' },
      'read-database': { type: 'string' },
    },
  });
  if (!commandLine) return;
  const args = commandLine.values;

  const portText = args.port ?? process.env.COLLECTOR_PORT ?? '8080';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) fail(`--port: expected a port number 0–65535, found ${JSON.stringify(portText)}`);
  const host = args.host ?? process.env.COLLECTOR_HOST ?? '127.0.0.1';
  const dataDir = dataDirOf(args.data);
  const staticDir = args.static ?? (existsSync('dist') ? 'dist' : undefined);
  if (staticDir !== undefined && !existsSync(staticDir)) fail(`--static: folder ${staticDir} does not exist (run npm run build first)`);

  // A collector that cannot check answers against a definition must not accept any.
  const { definitions, problems } = loadDefinitionsFromDir(args.definitions ?? DEFINITIONS_DIR);
  if (problems.length > 0) {
    fail(`refusing to start: ${problems.length} problem(s) in the survey definitions\n${problems.map(formatProblem).join('\n')}`);
  }

  const publicUrl = args['public-url'] ?? process.env.COLLECTOR_PUBLIC_URL;
  if (publicUrl !== undefined && !isCollectorUrl(publicUrl)) {
    fail(`--public-url: expected an address such as https://sipas.example.gov.vn, found ${JSON.stringify(publicUrl)}`);
  }
  const trustProxy = parseTrustProxy(args['trust-proxy'] ?? process.env.COLLECTOR_TRUST_PROXY);
  // Reports and exports run on worker threads (each with its own read connection), never on the kiosks' thread.
  const readWorkersText = args['read-workers'] ?? process.env.COLLECTOR_READ_WORKERS ?? '1';
  if (!/^\d{1,2}$/.test(readWorkersText)) fail(`--read-workers: expected a number of worker threads 0–99 (0: reports and exports in-process), found ${JSON.stringify(readWorkersText)}`);
  const readWorkers = Number(readWorkersText);

  // --database or COLLECTOR_DATABASE_URL (postgres://…) names the store; else it is the SQLite file in the data folder.
  const databaseUrl = databaseUrlOf(args.database);
  // --read-database or COLLECTOR_READ_DATABASE_URL: a streaming replica the read workers read from.
  const readStoreUrl = (args['read-database'] ?? process.env.COLLECTOR_READ_DATABASE_URL)?.trim() || undefined;
  if (readStoreUrl !== undefined && databaseUrl === undefined) fail('--read-database: a replica serves a collector on PostgreSQL (--database), not on the SQLite file');
  if (readStoreUrl !== undefined && readWorkers === 0) fail('--read-database: only read workers read the replica; with --read-workers 0 reports and exports would read the primary');
  if (databaseUrl === undefined) mkdirSync(dataDir, { recursive: true });
  const storeUrl = databaseUrl ?? storeUrlIn(dataDir);
  const store = await openStore(storeUrl);
  if (readStoreUrl !== undefined) {
    // Proven readable now (reachable, read-only, this schema), not at the first report.
    try {
      await (await openReadStore(readStoreUrl)).close();
    } catch (error) {
      await store.close();
      fail(`--read-database: ${(error as Error).message}`);
    }
  }
  let app: FastifyInstance | undefined;
  let closing = false;
  /** Closes the server (if started) and then the store, once, however the collector ends. */
  const close = async () => {
    if (closing) return;
    closing = true;
    try {
      await app?.close();
    } finally {
      await store.close();
    }
  };
  const shutdown = async (signal: string) => {
    if (closing) return;
    app?.log.info(`${signal}: closing`);
    try {
      await close();
    } catch (error) {
      app?.log.error(error);
      process.exitCode = 1;
    }
    // Everything is closed; exit now rather than wait for a client that keeps a connection open.
    process.exit();
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    const admin = await ensureAdminPassword(store, { envPassword: process.env.COLLECTOR_ADMIN_PASSWORD, demo: args.demo });
    // Read once; child processes need not inherit it.
    delete process.env.COLLECTOR_ADMIN_PASSWORD;
    app = await createCollector({ store, definitions, staticDir, logger: true, publicUrl, trustProxy, storeUrl, readStoreUrl, readWorkers, startReadWorkers: true });
    await app.listen({ port, host });
    await announce(app, store, { host, storeUrl, readStoreUrl, definitions, staticDir, publicUrl, demo: args.demo, admin });
  } catch (error) {
    // Not serving after all (a port in use, say): close what was opened, then fail through runCli.
    await close();
    throw error;
  }
}

/** proxy-addr's names for whole ranges, accepted beside addresses and CIDR ranges. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * --trust-proxy / COLLECTOR_TRUST_PROXY: the reverse proxies' addresses, comma-separated IPs or CIDR
 * ranges (e.g. `127.0.0.1,10.1.0.0/16`); none (the default) trusts no X-Forwarded-For.
 */
function parseTrustProxy(text: string | undefined): string[] {
  if (text === undefined || text.trim() === '') return [];
  return text.split(',').map((entry) => {
    const value = entry.trim();
    const [address, prefix, extra] = value.split('/');
    const family = isIP(address ?? '');
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32));
    if (!(NAMED_RANGES.has(value) || (family !== 0 && prefixOk && extra === undefined))) {
      fail(`--trust-proxy: expected the proxies' IP addresses or CIDR ranges, comma-separated (e.g. 127.0.0.1,10.1.0.0/16), found ${JSON.stringify(value)}`);
    }
    return value;
  });
}

/** What the start-up lines tell the person who started the collector. */
interface Announcement {
  host: string;
  storeUrl: string;
  readStoreUrl?: string;
  definitions: ReadonlyArray<{ id: string; version: number }>;
  staticDir: string | undefined;
  publicUrl: string | undefined;
  demo: boolean;
  admin: AdminPasswordOrigin;
}

/** Prints where the collector listens, the demo kiosk's link and how staff sign in. */
async function announce(app: FastifyInstance, store: DeviceStore, a: Announcement): Promise<void> {
  const { host, admin } = a;
  const address = app.server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const base = `http://${shownHost}:${address.port}`;

  // A PostgreSQL URL is printed without its password.
  console.log(`Collector: ${base} (data ${describeStoreUrl(a.storeUrl)}${a.readStoreUrl === undefined ? '' : `, reports and exports read ${describeStoreUrl(a.readStoreUrl)}`}, definitions ${a.definitions.map((d) => definitionKey(d.id, d.version)).join(', ')})`);
  if (a.demo) {
    const { deviceId, token } = await issueDemoDeviceToken(store);
    const device = await store.getDevice(deviceId);
    if (!a.staticDir) console.log('No kiosk build to serve (run npm run build); the link below needs one.');
    console.log(`Kiosk: ${buildProvisioningLink(base, device ? provisioningFor(device, token) : { token })}`);
  }
  const staffBase = a.publicUrl ? a.publicUrl.replace(/\/+$/, '') : base;
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
      else if (a.demo) console.log('Admin password: set earlier (forgotten? run: tsx src/collector/cli/admin-cli.ts set-password)');
      break;
    case 'none':
      console.log('Admin password: none yet; run tsx src/collector/cli/admin-cli.ts set-password (or set COLLECTOR_ADMIN_PASSWORD) to use the staff pages.');
      break;
  }
  console.log(`Health: ${base}${HEALTH_PATH}`);
}

/** The collector's command line; run at once when started as a script (it serves until SIGINT or SIGTERM). */
export const collectorCli = defineCli('collector', import.meta.url, main);
