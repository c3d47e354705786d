import type { DevicePlaceRecord, DeviceRecord, DeviceStore } from '../stores';
import { mintToken, newDeviceId, parseToken, secretMatches } from './tokens';

/** Where a kiosk device stands at the collector: its label, agency and counter (each a code and a name). */
export type DeviceDetails = DevicePlaceRecord;

/** What registering takes: display names may be left out by code that has none (tests, older callers); they stay ''. */
export type RegistrationDetails = Omit<DeviceDetails, 'agencyName' | 'counterName'> & Partial<Pick<DeviceDetails, 'agencyName' | 'counterName'>>;

/** A device's id with its token; the token is shown once and cannot be recovered later. */
export interface IssuedToken {
  deviceId: string;
  token: string;
}

/**
 * Registers a kiosk device and returns its token (only the token's hash is stored). The details are
 * stored as given: what staff type is checked first by checkDevicePlace.
 */
export async function registerDevice(store: DeviceStore, details: RegistrationDetails): Promise<IssuedToken> {
  const deviceId = newDeviceId();
  const { token, secretHash } = mintToken(deviceId);
  const { agencyName = '', counterName = '' } = details;
  await store.addDevice({ id: deviceId, ...details, agencyName, counterName, tokenHash: secretHash, createdAt: new Date().toISOString() });
  return { deviceId, token };
}

/** Replaces a device's token: the old one stops working at once. Throws when the device is unknown. */
export async function rotateDeviceToken(store: DeviceStore, deviceId: string): Promise<IssuedToken> {
  const { token, secretHash } = mintToken(deviceId);
  if (!(await store.setDeviceTokenHash(deviceId, secretHash))) throw new Error(`no device ${deviceId}`);
  return { deviceId, token };
}

/**
 * Moves a device: its new place reaches the tablet in the answer to its next sync, so moving a tablet
 * is this one edit. Responses already stored keep the place they were given in. Throws when unknown.
 */
export async function moveDevice(store: DeviceStore, deviceId: string, details: DeviceDetails): Promise<void> {
  if (!(await store.setDevicePlace(deviceId, details))) throw new Error(`no device ${deviceId}`);
}

/** Revokes a device: its token is refused from now on, its responses are kept. Throws when unknown. */
export async function revokeDevice(store: DeviceStore, deviceId: string): Promise<void> {
  if (!(await store.revokeDevice(deviceId, new Date().toISOString()))) throw new Error(`no device ${deviceId}`);
}

/**
 * The device a bearer token belongs to, or null for any kind of bad token (malformed, unknown device,
 * wrong secret, revoked) — callers answer all of them alike so nothing is learnt from the difference.
 */
export async function authenticateToken(store: DeviceStore, token: string | null): Promise<DeviceRecord | null> {
  const parsed = token === null ? null : parseToken(token);
  const device = parsed ? await store.getDevice(parsed.deviceId) : undefined;
  // Compare against a dummy hash for unknown devices too, so timing does not reveal which ids exist.
  const matches = secretMatches(parsed?.secret ?? '', device?.tokenHash ?? DUMMY_HASH);
  if (!parsed || !device || !matches || device.revokedAt !== null) return null;
  return device;
}

const DUMMY_HASH = Buffer.alloc(32);

/**
 * The demo kiosk for `npm start`: registered on first run; on later runs its token is rotated, since the
 * collector keeps only the hash and cannot show the old token again.
 */
export async function issueDemoDeviceToken(store: DeviceStore): Promise<IssuedToken> {
  const existing = (await store.listDevices()).find((d) => d.label === DEMO_DEVICE.label && d.revokedAt === null);
  return existing ? rotateDeviceToken(store, existing.id) : registerDevice(store, DEMO_DEVICE);
}

/** The device `--demo` ensures. */
export const DEMO_DEVICE: DeviceDetails = {
  label: 'Demo kiosk',
  agencyCode: 'DEMO',
  agencyName: 'Cơ quan thử nghiệm',
  counterCode: 'Q1',
  counterName: 'Quầy 1',
};
