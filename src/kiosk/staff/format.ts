/* Numbers, times and names as a clerk reads them. */
import type { TFunction } from '../i18n';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** A span of time in words: "dưới 1 phút", "12 phút", "3 giờ", "4 ngày". */
export function durationInWords(ms: number, t: TFunction): string {
  const span = Math.max(0, ms);
  if (span < MINUTE_MS) return t('staff.time.lessThanMinute');
  if (span < HOUR_MS) return t('staff.time.minutes', { count: Math.floor(span / MINUTE_MS) });
  if (span < 2 * DAY_MS) return t('staff.time.hours', { count: Math.floor(span / HOUR_MS) });
  return t('staff.time.days', { count: Math.floor(span / DAY_MS) });
}

/** A wait in words, rounded up to whole seconds or minutes: "25 giây", "3 phút". */
export function waitInWords(ms: number, t: TFunction): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 120) return t('staff.time.seconds', { count: seconds });
  return t('staff.time.minutes', { count: Math.ceil(seconds / 60) });
}

function intlLocale(language: string): string {
  return language === 'vi' ? 'vi-VN' : 'en-GB';
}

/** Date and time in the tablet's time zone. */
export function formatDateTime(iso: string | Date, language: string): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) return String(iso);
  return new Intl.DateTimeFormat(intlLocale(language), { dateStyle: 'short', timeStyle: 'short' }).format(date);
}

/** Bytes as "12,3 MB". */
export function formatBytes(bytes: number, language: string): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(intlLocale(language), { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}

/** "20261121-0830" in the tablet's local time, for file names. */
export function fileStamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${two(date.getMonth() + 1)}${two(date.getDate())}-${two(date.getHours())}${two(date.getMinutes())}`;
}

/** A code made safe for a file name on every OS: no diacritics, only letters, digits, . _ -. */
export function fileSafe(text: string): string {
  const plain = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, (c) => (c === 'đ' ? 'd' : 'D'))
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return plain.slice(0, 40) || 'x';
}
