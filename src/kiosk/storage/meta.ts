import { DEFAULT_SETTINGS, type KioskSettings } from '../../shared/settings';
import { META, openKioskDb, type MetaKey, type MetaValues, type PersistenceState } from './db';

/** Reads one meta value. */
export async function readMeta<K extends MetaKey>(key: K): Promise<MetaValues[K] | undefined> {
  const db = await openKioskDb();
  return (await db.get(META, key)) as MetaValues[K] | undefined;
}

/** Writes one meta value. */
export async function writeMeta<K extends MetaKey>(key: K, value: MetaValues[K]): Promise<void> {
  const db = await openKioskDb();
  await db.put(META, value, key);
}

/**
 * The kiosk's settings: what staff saved over the defaults, so a setting added by a newer app
 * version takes its default instead of being undefined. Settings are validated when staff save
 * them; here they are trusted.
 */
export async function loadSettings(): Promise<KioskSettings> {
  const saved = await readMeta('settings');
  return { ...DEFAULT_SETTINGS, ...(saved ?? {}) };
}

/** Saves already-validated settings. */
export async function saveSettings(settings: KioskSettings): Promise<void> {
  await writeMeta('settings', settings);
}

/** The installation id made with the database. */
export async function readKioskId(): Promise<string> {
  const id = await readMeta('kioskId');
  if (!id) throw new Error('kiosk database has no kioskId');
  return id;
}

/**
 * Asks the browser to keep this site's storage under disk pressure and records the answer for staff.
 * The kiosk works either way (headless Chromium always says no); staff see the state.
 */
export async function requestPersistentStorage(storage: StorageManager | undefined = globalThis.navigator?.storage): Promise<PersistenceState> {
  let state: PersistenceState;
  if (!storage?.persist || !storage.persisted) {
    state = { supported: false, persisted: false, checkedAt: new Date().toISOString() };
  } else {
    const already = await storage.persisted();
    const persisted = already || (await storage.persist().catch(() => false));
    state = { supported: true, persisted, checkedAt: new Date().toISOString() };
  }
  await writeMeta('persistence', state);
  return state;
}

/** Usage and quota as the browser estimates them (null where unsupported). */
export async function estimateStorage(storage: StorageManager | undefined = globalThis.navigator?.storage): Promise<{ usageBytes: number | null; quotaBytes: number | null }> {
  const estimate = await storage?.estimate?.().catch(() => undefined);
  return { usageBytes: estimate?.usage ?? null, quotaBytes: estimate?.quota ?? null };
}
