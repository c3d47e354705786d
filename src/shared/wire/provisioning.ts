/**
 * The provisioning link a clerk opens (or scans as a QR code) on a tablet:
 * `<collector>/#provision=<token>&endpoint=<collector>&agency=…&agencyName=…&counter=…&counterName=…&label=…`.
 * Everything travels in the URL fragment, which browsers never send to a server. Zod-free: the
 * kiosk's citizen bundle parses it at boot.
 */
import { DEVICE_LABEL_MAX_LENGTH, isCollectorUrl, isLegacyPlaceCode, normalizePlaceName, PLACE_NAME_MAX_LENGTH } from '../ids';

/** Fragment key that marks a provisioning link. */
export const PROVISION_KEY = 'provision';

/** What a provisioning link sets on the kiosk. */
export interface Provisioning {
  token: string;
  endpoint?: string;
  agencyCode?: string;
  agencyName?: string;
  counterCode?: string;
  counterName?: string;
  deviceLabel?: string;
}

/** The parts of a link that can be wrong; each names what the clerk should check. */
export type ProvisioningProblem = 'token' | 'endpoint' | 'agencyCode' | 'agencyName' | 'counterCode' | 'counterName' | 'deviceLabel';

/** What a fragment is: no provisioning link at all, one to apply, or one that cannot be applied (and why). */
export type ProvisioningFragment =
  | { kind: 'none' }
  | { kind: 'valid'; provisioning: Provisioning }
  | { kind: 'invalid'; problems: ProvisioningProblem[] };

/**
 * Builds the link for a device; `base` is the collector's address as tablets reach it. The codes go
 * in as registered: a device registered before the place-code rule keeps its old codes, which the
 * tablet still accepts (see readProvisioningFragment).
 */
export function buildProvisioningLink(base: string, provisioning: Provisioning): string {
  const root = base.replace(/\/+$/, '');
  const params = new URLSearchParams({ [PROVISION_KEY]: provisioning.token, endpoint: provisioning.endpoint ?? root });
  if (provisioning.agencyCode) params.set('agency', provisioning.agencyCode);
  if (provisioning.agencyName) params.set('agencyName', provisioning.agencyName);
  if (provisioning.counterCode) params.set('counter', provisioning.counterCode);
  if (provisioning.counterName) params.set('counterName', provisioning.counterName);
  if (provisioning.deviceLabel) params.set('label', provisioning.deviceLabel);
  return `${root}/#${params.toString()}`;
}

const TOKEN = /^[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{20,100}$/;

/**
 * Reads a provisioning fragment (`location.hash`). A link is applied whole or not at all: a missing or
 * malformed token, a collector address that is not one, a blank or over-long code or name make it
 * invalid, with every problem named, so the tablet can tell the clerk instead of silently keeping
 * placeholders. Absent optional parts (agency, counter, names, label) are simply not set.
 */
export function readProvisioningFragment(hash: string): ProvisioningFragment {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  if (!params.has(PROVISION_KEY)) return { kind: 'none' };
  const problems: ProvisioningProblem[] = [];
  const provisioning: Provisioning = { token: params.get(PROVISION_KEY) ?? '' };
  if (!TOKEN.test(provisioning.token)) problems.push('token');
  const endpoint = params.get('endpoint');
  if (endpoint !== null) {
    if (isCollectorUrl(endpoint)) provisioning.endpoint = endpoint;
    else problems.push('endpoint');
  }
  for (const [param, key] of LINK_PARTS) {
    const value = params.get(param);
    if (value === null) continue;
    const text = normalizePlaceName(value);
    // New registrations follow PLACE_CODE; a device registered earlier carries its old code, kept as it
    // was. The old rule is the wider one (every PLACE_CODE code is a legacy code), so it is the test here.
    const ok = key.endsWith('Code') ? isLegacyPlaceCode(text) : text.length <= (key === 'deviceLabel' ? DEVICE_LABEL_MAX_LENGTH : PLACE_NAME_MAX_LENGTH);
    if (!ok) problems.push(key);
    else if (text !== '') provisioning[key] = text;
  }
  return problems.length > 0 ? { kind: 'invalid', problems } : { kind: 'valid', provisioning };
}

/** The link's optional parts: fragment key → what it sets (also the problem's name when it is wrong). */
const LINK_PARTS = [
  ['agency', 'agencyCode'],
  ['counter', 'counterCode'],
  ['agencyName', 'agencyName'],
  ['counterName', 'counterName'],
  ['label', 'deviceLabel'],
] as const;

/** Reads a provisioning fragment; null when it is not one or cannot be applied (readProvisioningFragment says why). */
export function parseProvisioningFragment(hash: string): Provisioning | null {
  const read = readProvisioningFragment(hash);
  return read.kind === 'valid' ? read.provisioning : null;
}

/** Is there a provisioning fragment at all (valid or not), so it can be cleared from the address bar? */
export function hasProvisioningFragment(hash: string): boolean {
  return new URLSearchParams(hash.replace(/^#/, '')).has(PROVISION_KEY);
}
