/*
 * Numbers, percentages, dates and sizes as people read them, in the two languages of the product
 * (Vietnamese: 1.234 and 82,66%; English: 1,234 and 82.66%). Words (units of time, "just now") are
 * translations and live in the i18next resources; the rules that pick them live here.
 */
import { VIETNAM_TIME_ZONE } from './vietnam-time';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** The Intl locale for a product language. */
export function intlLocale(language: string): string {
  return language === 'vi' ? 'vi-VN' : 'en-GB';
}

/**
 * Intl formatters are costly to build (about a millisecond each) and pages format thousands of
 * values (the fleet page of a province: 1,000 devices × several columns), so each is built once per
 * language and options and reused.
 */
const formatterCache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>();
function cached<F extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>(key: string, build: () => F): F {
  let formatter = formatterCache.get(key) as F | undefined;
  if (formatter === undefined) {
    formatter = build();
    formatterCache.set(key, formatter);
  }
  return formatter;
}

/** A whole number: "1.234" / "1,234". */
export function formatCount(language: string, n: number): string {
  return cached(`count:${language}`, () => new Intl.NumberFormat(intlLocale(language))).format(n);
}

/** A percentage 0–100 with a fixed number of decimals and the language's decimal mark: "82,66%"; "—" when undefined. */
export function formatPercentage(language: string, percent: number | null, digits = 2): string {
  if (percent === null || !Number.isFinite(percent)) return '—';
  const text = `${percent.toFixed(digits)}%`;
  return language === 'vi' ? text.replace('.', ',') : text;
}

/** A share 0–1 as a percentage with one decimal. */
export function formatShare(language: string, share: number | null): string {
  return formatPercentage(language, share === null ? null : share * 100, 1);
}

/** A date and time in Vietnam: "02/03/2026 08:01" (the instant's text itself when it is not a date). */
export function formatDateTime(language: string, instant: string | Date): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) return String(instant);
  return cached(
    `dateTime:${language}`,
    () =>
      new Intl.DateTimeFormat(intlLocale(language), {
        timeZone: VIETNAM_TIME_ZONE,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hour12: false,
      }),
  ).format(date);
}

/** A calendar day given as YYYY-MM-DD, written for people: 02/03/2026. */
export function formatDay(isoDay: string): string {
  const [y, m, d] = isoDay.split('-');
  return `${d}/${m}/${y}`;
}

/** A month given as YYYY-MM: 03/2026. */
export function formatMonth(month: string): string {
  const [y, m] = month.split('-');
  return `${m}/${y}`;
}

/** Bytes for people: "512 B", "12,5 MB", "120 MB" (one decimal below 100). */
export function formatBytes(language: string, bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${cached(`size:${language}:${digits}`, () => new Intl.NumberFormat(intlLocale(language), { maximumFractionDigits: digits })).format(value)} ${units[unit]}`;
}

/** The unit a span of time is told in, and how many: the translation picks the words. */
export interface Span {
  unit: 'lessThanMinute' | 'minutes' | 'hours' | 'days';
  count: number;
}

/** The one rule for telling a span of time: minutes under an hour, hours under two days, then days. */
export function spanOf(ms: number): Span {
  const span = Math.max(0, ms);
  if (span < MINUTE_MS) return { unit: 'lessThanMinute', count: 0 };
  if (span < HOUR_MS) return { unit: 'minutes', count: Math.floor(span / MINUTE_MS) };
  if (span < 2 * DAY_MS) return { unit: 'hours', count: Math.floor(span / HOUR_MS) };
  return { unit: 'days', count: Math.floor(span / DAY_MS) };
}

/** How long ago, with Intl's words ("3 giờ trước", "3 hours ago"); null under a minute (say "just now"). */
export function formatAgo(language: string, instant: string, now: Date): string | null {
  const span = spanOf(now.getTime() - Date.parse(instant));
  if (span.unit === 'lessThanMinute') return null;
  const unit = span.unit === 'minutes' ? 'minute' : span.unit === 'hours' ? 'hour' : 'day';
  return cached(`relative:${language}`, () => new Intl.RelativeTimeFormat(language, { numeric: 'always' })).format(-span.count, unit);
}
