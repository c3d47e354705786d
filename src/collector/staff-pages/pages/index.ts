/**
 * The collector's staff pages as Preact components rendered on the server (preact-render-to-string):
 * every text is escaped by default; the only unescaped markup is marked as trusted (trusted.tsx).
 * Each .tsx file of the collector names its JSX runtime in a pragma, because tsx (which runs the
 * collector) applies no project tsconfig to them.
 */
export type { PageContext } from './context';
export { renderDocument } from './render';
export { Page, STAFF_SCRIPTS, type NavKey } from './Layout';
export { LoginPage, type LoginNotice } from './LoginPage';
export { ErrorPage } from './ErrorPage';
export { AuditPage, AUDIT_PATH, type AuditView } from './AuditPage';
export { DevicePlacePage, DevicesPage, deviceFormOf, EMPTY_DEVICE_FORM, PlaceText, type DeviceForm, type DeviceFormErrors } from './DevicesPage';
export { TokenPage } from './TokenPage';
export { FleetPage, problemText } from './FleetPage';
export { SetAsidePage, SET_ASIDE_PATHS, type SetAsideView } from './SetAsidePage';
export { FilterFields, ProblemsBox, type FilterFormOptions } from './FilterFields';
export { ExportPage, EXPORT_PATHS } from './ExportPage';
export { ImportPage, IMPORT_PATH, IMPORT_WORD_KEYS } from './ImportPage';
export { ReportPage, REPORT_API_PATH } from './ReportPage';
export { Figure, MethodBox, methodParagraphs, METHOD_PARAGRAPHS } from './Figures';
export { offeredPeriods, PeriodFields, periodLabel } from './PeriodFields';
export { BarChart, TrendChart, type Bar, type TrendMark } from './Charts';
export { jsonForScript, JsonScript, TrustedSvg } from './trusted';
export { FleetFunnelCell, FunnelSection } from './FunnelSection';
export { EMPTY_UNIT_FORM, UnitEditPage, unitProblemText, UnitsPage, UNITS_PATHS, type UnitForm, type UnplacedPlace } from './UnitsPage';
export { TargetsPage, TARGETS_PATH, type TargetChoice, type TargetChoiceErrors, type TargetForm, type TargetFormErrors } from './TargetsPage';
export { formatPoints, TargetBadge } from './TargetBadge';
export { componentTarget, counterText, unitText, withPlaceNames, type ReportPlaces } from './ReportPlaces';
export { RankingPage, RANKING_PATHS } from './RankingPage';
