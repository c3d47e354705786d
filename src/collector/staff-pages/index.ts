/**
 * The collector's staff side: sign-in, devices and tokens, fleet health, exports, evacuation import and
 * the SIPAS report, as HTML pages under /admin and JSON under /api/v1/admin.
 */
export {
  demoPassword,
  ensureAdminPassword,
  hashPassword,
  LoginThrottle,
  MIN_PASSWORD_LENGTH,
  parseCookies,
  passwordProblem,
  SESSION_COOKIE,
  SESSION_TTL_MS,
  setAdminPassword,
  verifyPassword,
  type AdminPasswordOrigin,
  type ThrottleOptions,
} from './auth';
export { ROW_COUNT_HEADER, XLSX_DATA_SHEET, XLSX_LEGEND_SHEET } from './exports';
export { assessDevice, sortFleet, STALE_AFTER_MS, type FleetEntry, type FleetProblem } from './fleet';
export { escapeHtml, html, Html, jsonForScript, trustedHtml } from './html';
export { buildReport, scoringView, type SipasReport } from './report';
export { ADMIN_FORBIDDEN_MESSAGE, ADMIN_UNAUTHORIZED_MESSAGE, DEFAULT_REPORT_DEFINITION, MAX_IMPORT_BYTES, registerAdmin, type AdminOptions } from './routes';
export type { ImportSummary } from './import';
