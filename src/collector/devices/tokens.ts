import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** Random bytes in a token's secret: 256 bits, so a fast hash is enough to store it (no key stretching). */
export const TOKEN_SECRET_BYTES = 32;

const TOKEN_PATTERN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

/** A freshly minted device token: `<deviceId>.<secret>`; only `secretHash` is ever stored. */
export interface MintedToken {
  token: string;
  secretHash: Buffer;
}

/** Makes a new device id (a UUID). */
export function newDeviceId(): string {
  return randomUUID();
}

/** Makes a token for the device; the caller shows `token` once and stores `secretHash`. */
export function mintToken(deviceId: string): MintedToken {
  const secret = randomBytes(TOKEN_SECRET_BYTES).toString('base64url');
  return { token: `${deviceId}.${secret}`, secretHash: hashSecret(secret) };
}

/** sha256 of the secret's text. */
export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Splits a token into its device id and secret; null when it is not shaped like one of ours. */
export function parseToken(token: string): { deviceId: string; secret: string } | null {
  const match = TOKEN_PATTERN.exec(token);
  return match ? { deviceId: match[1], secret: match[2] } : null;
}

/** Reads `Authorization: Bearer <token>`; null when absent or not a bearer token. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  return match ? match[1] : null;
}

/** Compares in constant time so the answer's timing tells nothing about how much of the secret was right. */
export function secretMatches(secret: string, storedHash: Buffer): boolean {
  const candidate = hashSecret(secret);
  return storedHash.length === candidate.length && timingSafeEqual(candidate, storedHash);
}
