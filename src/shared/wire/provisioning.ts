/**
 * The provisioning link a clerk opens (or scans as a QR code) on a tablet:
 * `<collector>/#provision=<token>&endpoint=<collector>&agency=…&counter=…&label=…`. Everything
 * travels in the URL fragment, which browsers never send to a server. Zod-free: the kiosk's
 * citizen bundle parses it at boot.
 */
import { DEVICE_LABEL_MAX_LENGTH, isCollectorUrl, isPlaceCode } from '../ids';

/** Fragment key that marks a provisioning link. */
export const PROVISION_KEY = 'provision';

/** What a provisioning link sets on the kiosk. */
export interface Provisioning {
  token: string;
  endpoint?: string;
  agencyCode?: string;
  counterCode?: string;
  deviceLabel?: string;
}

/** Builds the link for a device; `base` is the collector's address as tablets reach it. */
export function buildProvisioningLink(base: string, provisioning: Provisioning): string {
  const root = base.replace(/\/+$/, '');
  const params = new URLSearchParams({ [PROVISION_KEY]: provisioning.token, endpoint: provisioning.endpoint ?? root });
  if (provisioning.agencyCode) params.set('agency', provisioning.agencyCode);
  if (provisioning.counterCode) params.set('counter', provisioning.counterCode);
  if (provisioning.deviceLabel) params.set('label', provisioning.deviceLabel);
  return `${root}/#${params.toString()}`;
}

const TOKEN = /^[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{20,100}$/;

/**
 * Reads a provisioning fragment (`location.hash`); null when it is not one or its token is
 * malformed. Values that fail their pattern are dropped rather than trusted.
 */
export function parseProvisioningFragment(hash: string): Provisioning | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get(PROVISION_KEY);
  if (!token || !TOKEN.test(token)) return null;
  const endpoint = params.get('endpoint') ?? '';
  const agency = params.get('agency') ?? '';
  const counter = params.get('counter') ?? '';
  const label = (params.get('label') ?? '').trim().slice(0, DEVICE_LABEL_MAX_LENGTH);
  return {
    token,
    endpoint: isCollectorUrl(endpoint) ? endpoint : undefined,
    agencyCode: isPlaceCode(agency) ? agency : undefined,
    counterCode: isPlaceCode(counter) ? counter : undefined,
    deviceLabel: label || undefined,
  };
}

/** Is there a provisioning fragment at all (valid or not), so it can be cleared from the address bar? */
export function hasProvisioningFragment(hash: string): boolean {
  return new URLSearchParams(hash.replace(/^#/, '')).has(PROVISION_KEY);
}
