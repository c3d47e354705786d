/**
 * Staff command line for kiosk devices at the collector (safe while the collector runs: SQLite WAL):
 *   tsx src/collector/cli/devices-cli.ts register --agency-name "Sở Tư pháp" --counter-name "Quầy 2" [--agency SO-TU-PHAP] [--counter QUAY-2] [--label …] [--url https://collector.example]
 *   tsx src/collector/cli/devices-cli.ts move <deviceId> --agency-name … --counter-name … [--agency …] [--counter …] [--label …]
 *   tsx src/collector/cli/devices-cli.ts rotate <deviceId> [--url …]
 *   tsx src/collector/cli/devices-cli.ts revoke <deviceId>
 *   tsx src/collector/cli/devices-cli.ts list
 * Every command takes [--data ./data] (or COLLECTOR_DATA_DIR) or [--database postgres://…] (or COLLECTOR_DATABASE_URL). A token is printed once: only its hash is kept.
 */
import { buildProvisioningLink } from '../../shared/wire';
import { DEVICE_LABEL_DESCRIPTION, PLACE_CODE_DESCRIPTION, PLACE_NAME_DESCRIPTION } from '../../shared/ids';
import { registerDevice, revokeDevice, rotateDeviceToken, type DeviceStore, type IssuedToken } from '../index';
import { checkDevicePlace, moveDevice, provisioningFor, type DeviceDetails, type DevicePlaceCheck, type DevicePlaceField } from '../devices';
import { defineCli, existingStoreOf, fail, parseCommandLine, withStore } from './cli-helpers';
import { placeOutsideTree, unitTree } from '../staff-pages';
import type { UnitStore } from '../stores';

/** Says on stderr when a place is outside a non-empty unit tree: accepted (a tree may still be growing), but named. */
async function warnOutsideTree(store: Pick<UnitStore, 'listUnitTree'>, details: DeviceDetails): Promise<void> {
  const outside = placeOutsideTree(await unitTree(store), details.agencyCode, details.counterCode);
  if (outside === 'unknownUnit') console.error(`warning: unit ${JSON.stringify(details.agencyCode)} is not in the unit tree; the device is saved, add the unit on /admin/units`);
  if (outside === 'unknownCounter') console.error(`warning: counter ${JSON.stringify(details.counterCode)} is not in unit ${JSON.stringify(details.agencyCode)} of the unit tree; the device is saved, add the counter on /admin/units`);
}

const USAGE = `usage:
  tsx src/collector/cli/devices-cli.ts register --agency-name <name> --counter-name <name> [--agency <code>] [--counter <code>] [--label <text>] [--url <collector URL>] [--data <dir> | --database <URL>]
  tsx src/collector/cli/devices-cli.ts move <deviceId> --agency-name <name> --counter-name <name> [--agency <code>] [--counter <code>] [--label <text>] [--data <dir> | --database <URL>]
  tsx src/collector/cli/devices-cli.ts rotate <deviceId> [--url <collector URL>] [--data <dir> | --database <URL>]
  tsx src/collector/cli/devices-cli.ts revoke <deviceId> [--data <dir> | --database <URL>]
  tsx src/collector/cli/devices-cli.ts list [--data <dir> | --database <URL>]`;

async function main(args?: string[]): Promise<void> {
  const commandLine = parseCommandLine({
    usage: USAGE,
    args,
    options: {
      label: { type: 'string' },
      agency: { type: 'string' },
      'agency-name': { type: 'string' },
      counter: { type: 'string' },
      'counter-name': { type: 'string' },
      url: { type: 'string' },
    },
    positionals: true,
  });
  if (!commandLine) return;
  const { values, positionals } = commandLine;
  const [command, deviceId] = positionals;
  if (!command) fail(USAGE);
  await withStore(existingStoreOf(values), (store) => runCommand(store, command, deviceId, values));
}

/** One command against the devices; it needs no more of the store than the device queries. */
async function runCommand(
  store: DeviceStore & Pick<UnitStore, 'listUnitTree'>,
  command: string,
  deviceId: string | undefined,
  values: PlaceOptions & { url?: string },
): Promise<void> {
  switch (command) {
    case 'register': {
      const details = placeFrom(values, 'register');
      printToken(await registerDevice(store, details), details, values.url);
      await warnOutsideTree(store, details);
      break;
    }
    case 'move': {
      if (!deviceId) fail(`move needs a device id\n${USAGE}`);
      const details = placeFrom(values, 'move');
      await moveDevice(store, deviceId, details);
      console.log(`Moved ${deviceId} to ${describePlace(details)}; the tablet takes it at its next sync.`);
      await warnOutsideTree(store, details);
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
        const names = d.agencyName || d.counterName ? `  ${d.agencyName} / ${d.counterName}` : '';
        console.log(`${d.id}  ${d.agencyCode}/${d.counterCode}  ${d.label}${names}  (${state}, queue ${d.lastReport?.queueDepth ?? '?'})`);
      }
      break;
    default:
      fail(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
  }
}

/** The place flags of register and move. */
interface PlaceOptions {
  label?: string;
  agency?: string;
  'agency-name'?: string;
  counter?: string;
  'counter-name'?: string;
}

/** The flag each field is given with, for messages. */
const FLAG_OF: Record<DevicePlaceField, string> = {
  label: '--label',
  agencyName: '--agency-name',
  agencyCode: '--agency',
  counterName: '--counter-name',
  counterCode: '--counter',
};

/** What each problem expects, in the words of the message. */
function expected(field: DevicePlaceField, problem: NonNullable<DevicePlaceCheck['problems'][DevicePlaceField]>): string {
  if (field === 'label') return DEVICE_LABEL_DESCRIPTION;
  if (field === 'agencyName' || field === 'counterName') return PLACE_NAME_DESCRIPTION;
  const name = FLAG_OF[field === 'agencyCode' ? 'agencyName' : 'counterName'];
  return problem === 'noSuggestion' ? `a code (none can be suggested from ${name}): ${PLACE_CODE_DESCRIPTION}` : PLACE_CODE_DESCRIPTION;
}

/** The registration the flags describe, checked by the one place rule; fails naming every flag in error. */
function placeFrom(values: PlaceOptions, command: string): DeviceDetails {
  if (values['agency-name'] === undefined || values['counter-name'] === undefined) fail(`${command} needs --agency-name and --counter-name\n${USAGE}`);
  const check = checkDevicePlace({
    label: values.label,
    agencyName: values['agency-name'],
    agencyCode: values.agency,
    counterName: values['counter-name'],
    counterCode: values.counter,
  });
  const problems = Object.entries(check.problems).map(
    ([field, problem]) => `${FLAG_OF[field as DevicePlaceField]}: expected ${expected(field as DevicePlaceField, problem)}, found ${JSON.stringify(values[FLAG_OF[field as DevicePlaceField].slice(2) as keyof PlaceOptions] ?? '')}`,
  );
  if (problems.length > 0) fail(problems.join('\n'));
  for (const field of ['agencyCode', 'counterCode'] as const) {
    if (check.suggested[field]) console.log(`${FLAG_OF[field]} not given: suggested ${check.details[field]} from ${JSON.stringify(check.details[field === 'agencyCode' ? 'agencyName' : 'counterName'])}`);
  }
  return check.details;
}

function describePlace(d: DeviceDetails): string {
  return `${d.agencyName} (${d.agencyCode}) / ${d.counterName} (${d.counterCode})`;
}

function printToken(issued: IssuedToken, device: DeviceDetails | undefined, url: string | undefined): void {
  console.log(`Device: ${issued.deviceId}`);
  if (device) console.log(`Place: ${describePlace(device)}; label ${JSON.stringify(device.label)}`);
  console.log(`Token (shown once): ${issued.token}`);
  if (url) {
    const link = buildProvisioningLink(url, device ? provisioningFor(device, issued.token) : { token: issued.token });
    console.log(`Provisioning link: ${link}`);
  }
}

/** The devices command line; run at once when started as a script. */
export const devicesCli = defineCli('devices', import.meta.url, main);
