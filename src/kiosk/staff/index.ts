/**
 * The staff area (lazy-loaded: reach it with `loadStaffArea()` from '../staff-corner/index', or `import('.')`).
 * Importing this module adds the staff texts to i18next.
 */
import { registerStaffTranslations } from './staff-i18n';

registerStaffTranslations();

export { StaffArea, STAFF_IDLE_MS, type StaffAreaProps } from './StaffArea';
export type { StaffSync } from './HealthPanel';
export { STAFF_PIN_KEY, type StoredPin } from './staff-storage';
export { PBKDF2_ITERATIONS, lockDelayMs, setStaffPin, verifyStaffPin, hasStaffPin, type PinCheck } from './pin';
export { buildEvacuationFile, buildResponsesCsv, exportBaseName, type ExportFile } from './export-files';
