/**
 * Staff command line for kiosk devices at the collector (safe while the collector runs: SQLite WAL):
 *   tsx src/collector/cli/devices-cli.ts register --label "Quầy 2" --agency SNV --counter Q2 [--url https://collector.example]
 *   tsx src/collector/cli/devices-cli.ts rotate <deviceId> [--url …]
 *   tsx src/collector/cli/devices-cli.ts revoke <deviceId>
 *   tsx src/collector/cli/devices-cli.ts list
 * Every command takes [--data ./data] (or COLLECTOR_DATA_DIR). A token is printed once: only its hash is kept.
 */
import { buildProvisioningLink } from '../../shared/wire';
import { DEVICE_LABEL_DESCRIPTION, isDeviceLabel, isPlaceCode, PLACE_CODE_DESCRIPTION } from '../../shared/ids';
import { registerDevice, revokeDevice, rotateDeviceToken, type DeviceStore, type IssuedToken } from '../index';
import { dataDirOf, existingStoreIn, fail, parseCommandLine, runCli, withStore } from './cli-helpers';

const USAGE = `usage:
  tsx src/collector/cli/devices-cli.ts register --label <text> --agency <code> --counter <code> [--url <collector URL>] [--data <dir>]
  tsx src/collector/cli/devices-cli.ts rotate <deviceId> [--url <collector URL>] [--data <dir>]
  tsx src/collector/cli/devices-cli.ts revoke <deviceId> [--data <dir>]
  tsx src/collector/cli/devices-cli.ts list [--data <dir>]`;

async function main(): Promise<void> {
  const commandLine = parseCommandLine({
    usage: USAGE,
    options: { label: { type: 'string' }, agency: { type: 'string' }, counter: { type: 'string' }, url: { type: 'string' } },
    positionals: true,
  });
  if (!commandLine) return;
  const { values, positionals } = commandLine;
  const [command, deviceId] = positionals;
  if (!command) fail(USAGE);
  await withStore(existingStoreIn(dataDirOf(values.data)), (store) => runCommand(store, command, deviceId, values));
}

/** One command against the devices; it needs no more of the store than the device queries. */
async function runCommand(
  store: DeviceStore,
  command: string,
  deviceId: string | undefined,
  values: { label?: string; agency?: string; counter?: string; url?: string },
): Promise<void> {
  switch (command) {
    case 'register': {
      const { label, agency, counter } = values;
      if (!label || !agency || !counter) fail(`register needs --label, --agency and --counter\n${USAGE}`);
      // The tablet drops codes outside the rule from its provisioning link, so they are refused here.
      if (!isPlaceCode(agency) || !isPlaceCode(counter) || !isDeviceLabel(label)) fail(`--agency and --counter: expected 1 to 64 ${PLACE_CODE_DESCRIPTION}; --label: expected ${DEVICE_LABEL_DESCRIPTION}`);
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
}

function printToken(issued: IssuedToken, device: { label: string; agencyCode: string; counterCode: string } | undefined, url: string | undefined): void {
  console.log(`Device: ${issued.deviceId}`);
  console.log(`Token (shown once): ${issued.token}`);
  if (url) {
    const link = buildProvisioningLink(url, { token: issued.token, agencyCode: device?.agencyCode, counterCode: device?.counterCode, deviceLabel: device?.label });
    console.log(`Provisioning link: ${link}`);
  }
}

void runCli('devices', main);
