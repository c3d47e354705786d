import { IDBFactory } from 'fake-indexeddb';
import { applyDeliveryOutcomes, resetKioskDbForTests, storeResponse, type NewResponse, type TabletRecord, type DeliveryState } from '../../../src/kiosk/storage';

/** A fresh, empty kiosk database for each test. */
export function freshDatabase(): void {
  globalThis.indexedDB = new IDBFactory();
  resetKioskDbForTests();
}

/** Closes the page's connection and opens the same database again, as a reload would. */
export function simulateReload(): void {
  resetKioskDbForTests();
}

let minute = 0;

/** A citizen's response as the kiosk hands it to storage; each one a minute after the previous. */
export function draft(overrides: Partial<NewResponse> = {}): NewResponse {
  minute += 10;
  const started = new Date(Date.UTC(2026, 10, 21, 8, minute, 0));
  const completed = new Date(started.getTime() + 120_000);
  return {
    id: crypto.randomUUID(),
    definitionId: 'mini',
    definitionVersion: 3,
    locale: 'vi',
    status: 'complete',
    startedAt: started.toISOString(),
    completedAt: completed.toISOString(),
    durationMs: 120_000,
    agencyCode: 'SNV',
    counterCode: 'Q1',
    deviceLabel: 'Quầy 1',
    appVersion: '0.1.0',
    answers: { TC1: 4, TC2: 5, CC1: 3, CH1: ['direct'], COMMENT: '=1+1, "ổn"' },
    ...overrides,
  };
}

/** Stores responses and moves each to the wanted sync state, as the sync engine would. */
export async function storeInStates(states: DeliveryState[]): Promise<TabletRecord[]> {
  const stored: TabletRecord[] = [];
  for (const state of states) {
    const record = await storeResponse(draft(), { minIntervalMs: 0, minMsPerAnswer: 0 });
    if (state !== 'pending') {
      await applyDeliveryOutcomes([{ id: record.id, state, reason: state === 'sent' ? undefined : `test ${state}` }], new Date('2026-11-21T12:00:00.000Z'));
    }
    stored.push({ ...record, syncState: state });
  }
  return stored;
}
