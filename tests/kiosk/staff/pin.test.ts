import 'fake-indexeddb/auto';
import { IDBObjectStore } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { STAFF_PIN_KEY, readStaffPin, PBKDF2_ITERATIONS, constantTimeEqual, currentLock, lockDelayMs, setStaffPin, verifyStaffPin } from '../../../src/kiosk/staff';
import { openKioskDb } from '../../../src/kiosk/storage';
import { freshDatabase, simulateReload } from './helpers';

const FAST = 1000;
const T0 = new Date('2026-11-21T08:00:00.000Z');
const after = (ms: number) => new Date(T0.getTime() + ms);

beforeEach(freshDatabase);

describe('lockDelayMs', () => {
  it.each([
    [0, 0],
    [1, 0],
    [2, 0],
    [3, 30_000],
    [4, 60_000],
    [5, 120_000],
    [6, 240_000],
    [7, 480_000],
    [8, 900_000],
    [9, 900_000],
    [100, 900_000],
  ])('after %i wrong PINs locks for %i ms', (failures, ms) => {
    expect(lockDelayMs(failures)).toBe(ms);
  });
});

describe('the stored PIN', () => {
  it('is a salted PBKDF2-SHA-256 hash with 210,000 iterations by default and no trace of the PIN', async () => {
    await setStaffPin('482916');
    const db = await openKioskDb();
    const raw = await db.get('meta', STAFF_PIN_KEY as never);
    const text = JSON.stringify(raw);
    expect(text).not.toContain('482916');
    expect(raw).toMatchObject({ algorithm: 'PBKDF2-SHA-256', iterations: PBKDF2_ITERATIONS, failures: 0, lockedUntil: null });
    expect(PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(210_000);
    const record = await readStaffPin();
    expect(atob(record!.saltB64)).toHaveLength(16);
    expect(atob(record!.hashB64)).toHaveLength(32);
    expect(await verifyStaffPin('482916', T0)).toEqual({ kind: 'ok' });
  });

  it('gets a new salt each time, so the same PIN never gives the same hash', async () => {
    await setStaffPin('1234', FAST);
    const first = await readStaffPin();
    await setStaffPin('1234', FAST);
    const second = await readStaffPin();
    expect(second!.saltB64).not.toBe(first!.saltB64);
    expect(second!.hashB64).not.toBe(first!.hashB64);
  });

  it('refuses a PIN that is not 4 to 8 digits', async () => {
    await expect(setStaffPin('123', FAST)).rejects.toThrow();
    await expect(setStaffPin('123456789', FAST)).rejects.toThrow();
    await expect(setStaffPin('12a4', FAST)).rejects.toThrow();
    expect(await readStaffPin()).toBeUndefined();
  });

  it('reports that no PIN exists yet', async () => {
    expect(await verifyStaffPin('1234', T0)).toEqual({ kind: 'no-pin' });
  });
});

describe('wrong PINs', () => {
  it('lock after three, for a delay that doubles with each further one, and the lock survives a reload', async () => {
    await setStaffPin('1234', FAST);
    expect(await verifyStaffPin('0000', T0)).toEqual({ kind: 'wrong', failures: 1, lockedUntil: null });
    expect(await verifyStaffPin('1111', T0)).toEqual({ kind: 'wrong', failures: 2, lockedUntil: null });
    expect(await verifyStaffPin('2222', T0)).toEqual({ kind: 'wrong', failures: 3, lockedUntil: after(30_000) });

    simulateReload();
    expect(await currentLock(after(10_000))).toEqual(after(30_000));
    // While locked even the right PIN is not checked.
    expect(await verifyStaffPin('1234', after(10_000))).toEqual({ kind: 'locked', lockedUntil: after(30_000) });

    expect(await verifyStaffPin('3333', after(31_000))).toEqual({ kind: 'wrong', failures: 4, lockedUntil: after(31_000 + 60_000) });
    simulateReload();
    expect(await verifyStaffPin('4444', after(92_000))).toEqual({ kind: 'wrong', failures: 5, lockedUntil: after(92_000 + 120_000) });
    expect((await readStaffPin())!.lockedUntil).toBe(after(92_000 + 120_000).toISOString());
  });

  it('are forgotten after the right PIN', async () => {
    await setStaffPin('1234', FAST);
    await verifyStaffPin('0000', T0);
    await verifyStaffPin('0000', T0);
    expect(await verifyStaffPin('1234', T0)).toEqual({ kind: 'ok' });
    expect(await readStaffPin()).toMatchObject({ failures: 0, lockedUntil: null });
    expect(await verifyStaffPin('0000', T0)).toEqual({ kind: 'wrong', failures: 1, lockedUntil: null });
  });

  it('count a badly formed PIN as a wrong one', async () => {
    await setStaffPin('1234', FAST);
    expect(await verifyStaffPin('12', T0)).toMatchObject({ kind: 'wrong', failures: 1 });
  });
});

describe('constantTimeEqual', () => {
  it('tells equal from different bytes and lengths', () => {
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([]), new Uint8Array([0]))).toBe(false);
  });
});

describe('PIN checking while storage cannot be written (issue 9: storage full)', () => {
  const failWrites = () =>
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });

  afterEach(() => vi.restoreAllMocks());

  it('lets the right PIN in though the failure counter cannot be written', async () => {
    await setStaffPin('482916', FAST);
    failWrites();
    expect(await verifyStaffPin('111111', T0)).toMatchObject({ kind: 'wrong', failures: 1 });
    expect(await verifyStaffPin('482916', after(1_000))).toEqual({ kind: 'ok' });
  });

  it('holds the lock-out in memory when it cannot be stored', async () => {
    await setStaffPin('482916', FAST);
    failWrites();
    for (let i = 0; i < 3; i++) await verifyStaffPin('000000', after(i));
    expect((await readStaffPin())?.failures).toBe(0); // nothing could be written…
    const lock = await currentLock(after(10));
    expect(lock?.toISOString()).toBe(after(2 + 30_000).toISOString()); // …yet the lock holds
    expect(await verifyStaffPin('482916', after(20))).toMatchObject({ kind: 'locked' });
    expect(await verifyStaffPin('482916', after(40_000))).toEqual({ kind: 'ok' });
  });

  it('still counts the failure in storage when it can be written, so a reload keeps the lock', async () => {
    await setStaffPin('482916', FAST);
    for (let i = 0; i < 3; i++) await verifyStaffPin('000000', after(i));
    simulateReload();
    expect(await verifyStaffPin('482916', after(1_000))).toMatchObject({ kind: 'locked' });
  });
});
