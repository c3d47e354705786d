/**
 * The staff area (lazy-loaded: reach it with `loadStaffArea()` from '../staff-corner/index', or `import('.')`).
 * Importing this module adds the staff texts to i18next (namespace 'kiosk-staff').
 */
import { registerStaffTranslations } from './staff-i18n';

registerStaffTranslations();

export { StaffArea, STAFF_IDLE_MS, type StaffAreaProps } from './StaffArea';
export { ProvisioningNotice, type ProvisioningNoticeProps } from './ProvisioningNotice';
export type { StaffSync } from './HealthPanel';
export { STAFF_PIN_KEY, readStaffPin, type StoredPin } from './staff-storage';
export { PBKDF2_ITERATIONS, constantTimeEqual, currentLock, lockDelayMs, setStaffPin, verifyStaffPin, hasStaffPin, type PinCheck } from './pin';
export { placeShown, toSetupValues, validateSetup, type PlaceShown, type SetupValues, type SetupErrors, type SetupErrorKey } from './setup-form';
export { STAFF_NS, staffTranslator, type StaffT } from './staff-i18n';
export { syncProblem, type SyncProblem } from './sync-words';
export { buildEvacuationFile, buildResponsesCsv, exportBaseName, type ExportFile } from './export-files';
