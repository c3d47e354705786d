/** The kiosk's IndexedDB: responses with their outbox state, meta values, staff alerts. */
export { DB_NAME, DB_VERSION, openKioskDb, resetKioskDbForTests, onKioskDbResetForTests } from './db';
export type { TabletRecord, DeliveryState, StaffAlert, PersistenceState, MetaValues, StaffPinRecord } from './db';
export * from './responses';
export * from './meta';
export * from './funnel';
