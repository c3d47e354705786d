/**
 * Staff command line for kiosk devices at the collector (safe while the collector runs: SQLite WAL):
 *   tsx src/collector/cli/devices-cli.ts register --label "Quầy 2" --agency SNV --counter Q2 [--url https://collector.example]
 *   tsx src/collector/cli/devices-cli.ts rotate <deviceId> [--url …]
 *   tsx src/collector/cli/devices-cli.ts revoke <deviceId>
 *   tsx src/collector/cli/devices-cli.ts list
 * Every command takes [--data ./data] (or COLLECTOR_DATA_DIR). A token is printed once: only its hash is kept.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildProvisioningLink } from '../../shared/wire/provisioning';
import { DATABASE_FILE, openSqliteStore, registerDevice, revokeDevice, rotateDeviceToken, type IssuedToken } from '../index';

const USAGE = `usage:
  tsx src/collector/cli/devices-cli.ts register --label <text> --agency <code> --counter <code> [--url <collector URL>] [--data <dir>]
  tsx src/collector/cli/devices-cli.ts rotate <deviceId> [--url <collector URL>] [--data <dir>]
  tsx src/collector/cli/devices-cli.ts revoke <deviceId> [--data <dir>]
  tsx src/collector/cli/devices-cli.ts list [--data <dir>]`;

function fail(message: string): never {
  console.error(`devices: ${message}`);
  process.exit(1);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        data: { type: 'string' },
        label: { type: 'string' },
        agency: { type: 'string' },
        counter: { type: 'string' },
        url: { type: 'string' },
      },
    });
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const [command, deviceId] = positionals;
  const file = join(resolve(values.data ?? process.env.COLLECTOR_DATA_DIR ?? 'data'), DATABASE_FILE);
  if (!command) fail(USAGE);
  if (!existsSync(file)) fail(`no collector database at ${file}; start the collector once or pass --data`);

  const store = openSqliteStore(file);
  try {
    switch (command) {
      case 'register': {
        const { label, agency, counter } = values;
        if (!label || !agency || !counter) fail(`register needs --label, --agency and --counter\n${USAGE}`);
        printToken(await registerDevice(store, { label, agencyCode: agency, counterCode: counter }), { label, agencyCode: agency, counterCode: counter }, values.url);
        break;
      }
      case 'rotate':
        if (!deviceId) fail(`rotate needs a device id\n${USAGE}`);
        printToken(await rotateDeviceToken(store, deviceId), await store.getDevice(deviceId), values.url);
        break;
      case 'revoke':
        if (!deviceId) fail(`revoke needs a device id\n${USAGE}`);
        await revokeDevice(store, deviceId);
        console.log(`Revoked ${deviceId}; its responses are kept.`);
        break;
      case 'list':
        for (const d of await store.listDevices()) {
          const state = d.revokedAt ? `revoked ${d.revokedAt}` : `last contact ${d.lastContactAt ?? 'never'}`;
          console.log(`${d.id}  ${d.agencyCode}/${d.counterCode}  ${d.label}  (${state}, queue ${d.lastReport?.queueDepth ?? '?'})`);
        }
        break;
      default:
        fail(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
    }
  } finally {
    await store.close();
  }
}

function printToken(issued: IssuedToken, device: { label: string; agencyCode: string; counterCode: string } | undefined, url: string | undefined): void {
  console.log(`Device: ${issued.deviceId}`);
  console.log(`Token (shown once): ${issued.token}`);
  if (url) {
    const link = buildProvisioningLink(url, { token: issued.token, agencyCode: device?.agencyCode, counterCode: device?.counterCode, deviceLabel: device?.label });
    console.log(`Provisioning link: ${link}`);
  }
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
