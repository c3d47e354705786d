/* Spans of time in a clerk's words, and names for files. Numbers, dates and sizes come from shared/l10n. */
import { spanOf } from '../../shared/l10n';
import type { StaffT } from './staff-i18n';

/** A span of time in words by the one span rule: "dưới 1 phút", "12 phút", "3 giờ", "4 ngày". */
export function durationInWords(ms: number, t: StaffT): string {
  const span = spanOf(ms);
  return t(`time.${span.unit}`, { count: span.count });
}

/** A wait in words, rounded up to whole seconds or minutes: "25 giây", "3 phút". */
export function waitInWords(ms: number, t: StaffT): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 120) return t('time.seconds', { count: seconds });
  return t('time.minutes', { count: Math.ceil(seconds / 60) });
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
