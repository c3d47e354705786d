/*
 * The staff PIN: kept only as a salted PBKDF2-SHA-256 hash (WebCrypto), compared in constant time,
 * with a growing lockout after wrong PINs that survives a reload because it lives in IndexedDB (and
 * holds in page memory when IndexedDB cannot be written).
 */
import { onKioskDbResetForTests } from '../storage';
import { readStaffPin, writeStaffPin, type StoredPin } from './staff-storage';

/** OWASP Password Storage Cheat Sheet (2023) minimum for PBKDF2-HMAC-SHA-256. */
export const PBKDF2_ITERATIONS = 210_000;
export const PIN_SALT_BYTES = 16;
const HASH_BITS = 256;

/** A PIN is 4 to 8 digits. */
export const PIN_PATTERN = /^[0-9]{4,8}$/;

/** Wrong PINs allowed before the first lock. */
export const FREE_ATTEMPTS = 3;
export const FIRST_LOCK_MS = 30_000;
export const MAX_LOCK_MS = 15 * 60_000;

/** Lock after this many wrong PINs in a row: none below 3, 30 s at 3, doubling, at most 15 min. */
export function lockDelayMs(failures: number): number {
  if (failures < FREE_ATTEMPTS) return 0;
  return Math.min(MAX_LOCK_MS, FIRST_LOCK_MS * 2 ** Math.min(failures - FREE_ATTEMPTS, 20));
}

/** Whether WebCrypto is usable here (it needs a secure context: https or localhost). */
export function pinCryptoAvailable(): boolean {
  return typeof globalThis.crypto?.subtle?.deriveBits === 'function';
}

/** Whether any PIN was set on this tablet. */
export async function hasStaffPin(): Promise<boolean> {
  return (await readStaffPin()) !== undefined;
}

/** Sets (or replaces) the staff PIN; the failure count starts again. */
export async function setStaffPin(pin: string, iterations = PBKDF2_ITERATIONS): Promise<void> {
  if (!PIN_PATTERN.test(pin)) throw new RangeError('a PIN is 4 to 8 digits');
  const salt = crypto.getRandomValues(new Uint8Array(PIN_SALT_BYTES));
  const hash = await derive(pin, salt, iterations);
  await writeStaffPin({
    algorithm: 'PBKDF2-SHA-256',
    iterations,
    saltB64: toBase64(salt),
    hashB64: toBase64(hash),
    failures: 0,
    lockedUntil: null,
  });
}

/** The outcome of one PIN attempt. */
export type PinCheck =
  | { kind: 'ok' }
  | { kind: 'wrong'; failures: number; lockedUntil: Date | null }
  | { kind: 'locked'; lockedUntil: Date }
  | { kind: 'no-pin' };

/**
 * Failures and lock as this page knows them, kept beside the stored ones: when storage cannot be
 * written (full disk) the lock-out still holds for as long as the page lives, and a later write
 * carries the count on.
 */
let memoryLock: { hashB64: string; failures: number; lockedUntil: string | null } | null = null;

// A test's simulated reload forgets it, as a real reload does.
onKioskDbResetForTests(() => (memoryLock = null));

/** The stored record with what memory knows on top: the higher failure count and the later lock win. */
function effectivePin(stored: StoredPin): StoredPin {
  if (!memoryLock || memoryLock.hashB64 !== stored.hashB64) return stored;
  const lockedUntil = [stored.lockedUntil, memoryLock.lockedUntil].filter((at): at is string => at !== null).sort().at(-1) ?? null;
  return { ...stored, failures: Math.max(stored.failures, memoryLock.failures), lockedUntil };
}

/** The lock in force now, if any. */
export async function currentLock(now: Date): Promise<Date | null> {
  const stored = await readStaffPin();
  return lockOf(stored && effectivePin(stored), now);
}

function lockOf(stored: StoredPin | undefined, now: Date): Date | null {
  if (!stored?.lockedUntil) return null;
  const until = new Date(stored.lockedUntil);
  return until.getTime() > now.getTime() ? until : null;
}

/**
 * Checks a PIN. While locked nothing is checked. The PIN is compared first and the outcome recorded
 * after, best-effort: on a full disk the right PIN still opens the staff area (staff need Health,
 * "Gửi ngay" and Export most then), and a wrong one is counted in memory, so the lock-out holds
 * for the page's life even where it cannot be written. (Counting before comparing made a failing
 * write refuse the right PIN.)
 */
export async function verifyStaffPin(pin: string, now: Date): Promise<PinCheck> {
  const read = await readStaffPin();
  if (!read) return { kind: 'no-pin' };
  const stored = effectivePin(read);
  const lock = lockOf(stored, now);
  if (lock) return { kind: 'locked', lockedUntil: lock };
  const expected = fromBase64(stored.hashB64);
  const actual = PIN_PATTERN.test(pin) ? await derive(pin, fromBase64(stored.saltB64), stored.iterations) : new Uint8Array(expected.length);
  if (PIN_PATTERN.test(pin) && constantTimeEqual(actual, expected)) {
    memoryLock = null;
    if (stored.failures > 0 || stored.lockedUntil !== null) {
      // Best-effort: a count left standing only shortens the next wrong streak's free attempts.
      await writeStaffPin({ ...stored, failures: 0, lockedUntil: null }).catch(() => undefined);
    }
    return { kind: 'ok' };
  }
  const failures = stored.failures + 1;
  const delay = lockDelayMs(failures);
  const lockedUntil = delay > 0 ? new Date(now.getTime() + delay) : null;
  memoryLock = { hashB64: stored.hashB64, failures, lockedUntil: lockedUntil?.toISOString() ?? null };
  // Best-effort: memory already holds the count and the lock for this page.
  await writeStaffPin({ ...stored, failures, lockedUntil: memoryLock.lockedUntil }).catch(() => undefined);
  return { kind: 'wrong', failures, lockedUntil };
}

async function derive(pin: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations }, key, HASH_BITS);
  return new Uint8Array(bits);
}

/** Compares every byte whatever the first difference, so timing tells nothing about the hash. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
