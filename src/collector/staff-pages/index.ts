/**
 * The collector's staff side: sign-in, devices and tokens, fleet health, exports, evacuation import and
 * the SIPAS report, as Preact pages under /admin and JSON under /api/v1/admin, one fastify plugin per
 * resource (plugins/), words from i18next (locales/), and the pages' browser scripts in browser/
 * (built by vite, never imported here).
 */
export {
  demoPassword,
  ensureAdminPassword,
  hashPassword,
  LoginThrottle,
  MIN_PASSWORD_LENGTH,
  passwordProblem,
  SESSION_COOKIE,
  SESSION_TTL_MS,
  setAdminPassword,
  signOutAllSessions,
  verifyPassword,
  LOGIN_ATTEMPT_LEASE_MS,
  type AdminPasswordOrigin,
  type LoginRefusal,
  type LoginSlot,
  type StaffCommandOrigin,
  type ThrottleOptions,
} from './auth';
export { ROW_COUNT_HEADER, XLSX_DATA_SHEET, XLSX_LEGEND_SHEET } from './exports';
export { attachmentDisposition, excelFileName, vietnamDateTimeText, XLSX_DATE_TIME_FORMAT, type ExportNameParts } from './exports';
export { MIN_VALID_DEFAULT, periodDays, periodGranularity, PERIOD_GRANULARITIES, type PeriodGranularity } from './filters';
export {
  assessDevice,
  CLOCK_SKEW_NOTICE_MS,
  FLEET_PAGE_ROWS,
  loadFleet,
  pageOfFleet,
  queueOldestOnCollectorClock,
  searchFold,
  sortFleet,
  STALE_AFTER_MS,
  type DeviceFacts,
  type FleetEntry,
  type FleetPageView,
  type FleetProblem,
  type FleetQuery,
} from './fleet';
export { conflictDifferences, SET_ASIDE_CSV_COLUMNS, type DifferenceLine } from './set-aside';
export { LANG_COOKIE, LANGS, pickLang, staffT, STAFF_NS, type Lang, type StaffT } from './i18n';
export { jsonForScript, renderDocument, STAFF_SCRIPTS, TrustedSvg, type PageContext } from './pages';
export { buildReport, scoringView, type SipasReport } from './report';
export { MAX_TREND_POINTS, nextPeriod, periodOfMonth, type ReportFigures, type TrendPoint } from './report';
export { questionnaireSections, type ReportChoice, type ReportQuestionnaireSection } from './report';
export { REPORT_FORMATS, REPORT_HEADER_ROW, REPORT_SHEETS, reportLetterhead, reportWorkbook, type ReportLetterhead } from './report-xlsx';
export { offeredPeriods } from './pages';
export {
  componentFigure,
  loadTargets,
  parseTargetPercent,
  placeOutsideTree,
  readUnitCsv,
  reportYear,
  targetGap,
  Targets,
  unitTree,
  UnitTree,
  unitTreeCsv,
  type AppliedTargets,
  type TargetGap,
  type TargetValue,
  type UnitNode,
} from './units';
export { buildReportFunnel, FLEET_FUNNEL_DAYS, loadReportFunnel, summarizeFunnel, type FleetFunnel, type FunnelSummary, type ReportFunnel, type ReportFunnelStep } from './funnel';
export { DEFAULT_READ_WORKERS, ReadPool, serveReads, type ReadPoolOptions, type ReadPoolStats, type WorkerConfig } from './read-worker';
export { DEFAULT_REPORT_DEFINITION, MAX_IMPORT_BYTES, staffSide, type AdminOptions } from './plugins';
export { answerMalformedStaffUrl, STAFF_SECURITY_HEADERS } from './plugins';
export {
  buildRanking,
  dayYearEarlier,
  rankingPeriods,
  RANKING_SORTS,
  sortRows,
  weakestItems,
  type RankingReport,
  type RankingRequest,
  type RankingRow,
} from './ranking';
