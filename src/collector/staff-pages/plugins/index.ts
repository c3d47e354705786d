/** The staff side's fastify plugins: one per resource, the staff guard, and `staffSide` that registers them all. */
export { staffSide } from './staff-side';
export { answerMalformedStaffUrl, staffGuard, STAFF_SECURITY_HEADERS, type StaffGuardOptions } from './staff-guard';
export { DEFAULT_REPORT_DEFINITION, HOME_PATH, LOGIN_PATH, StaffSide, type AdminOptions, type StaffPluginOptions } from './staff-context';
export { EXPORT_IDLE_TIMEOUT_MS } from './exports';
export { MAX_IMPORT_BYTES } from './imports';
export { safeNext } from './session';
