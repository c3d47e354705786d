/** @jsxRuntime automatic @jsxImportSource preact */
/*
 * The report's period choice: a month, a quarter or a year (or the custom range of the date fields),
 * the trend's granularity, and the "ít phiếu" threshold. Periods are Vietnam's calendar.
 */
import { MIN_VALID_DEFAULT, MIN_VALID_MAX, PERIOD_GRANULARITIES, PERIOD_PATTERN, periodGranularity } from '../filters';
import type { StaffT } from '../i18n';
import type { PageContext } from './context';

/** How many months, quarters and years back from today the selector offers. */
const OFFERED = { month: 24, quarter: 8, year: 5 } as const;

/** A period key as people read it: "Tháng 03/2026", "Quý 1/2026", "Năm 2026" (the key itself when it is none). */
export function periodLabel(t: StaffT, period: string): string {
  const match = PERIOD_PATTERN.exec(period);
  if (!match) return period;
  const y = match[1];
  if (match[2] !== undefined) return t('periods.month', { m: match[2], y });
  if (match[3] !== undefined) return t('periods.quarter', { q: match[3], y });
  return t('periods.year', { y });
}

/** The month, quarter and year keys up to the one holding `today` (YYYY-MM-DD), newest first. */
export function offeredPeriods(today: string): { month: string[]; quarter: string[]; year: string[] } {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const months: string[] = [];
  for (let i = 0; i < OFFERED.month; i++) {
    const index = year * 12 + (month - 1) - i;
    months.push(`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`);
  }
  const quarters: string[] = [];
  for (let i = 0; i < OFFERED.quarter; i++) {
    const index = year * 4 + Math.ceil(month / 3) - 1 - i;
    quarters.push(`${Math.floor(index / 4)}-Q${(index % 4) + 1}`);
  }
  const years = Array.from({ length: OFFERED.year }, (_, i) => String(year - i));
  return { month: months, quarter: quarters, year: years };
}

/** The period selector, the trend granularity and the threshold, inside the report's filter form. */
export function PeriodFields({ ctx, values, today }: { ctx: PageContext; values: Record<string, string>; today: string | undefined }) {
  const { t } = ctx;
  const offered = offeredPeriods(today ?? new Date().toISOString().slice(0, 10));
  // A period typed into a URL is kept in the form even when it is not among those offered.
  const chosen = values.period;
  const chosenKind = chosen ? periodGranularity(chosen) : undefined;
  if (chosen && chosenKind && !offered[chosenKind].includes(chosen)) offered[chosenKind].unshift(chosen);
  const group = (kind: keyof typeof offered, label: string) => (
    <optgroup label={label}>
      {offered[kind].map((key) => (
        <option value={key} selected={key === chosen}>
          {periodLabel(t, key)}
        </option>
      ))}
    </optgroup>
  );
  return (
    <>
      <label>
        {t('periods.label')}
        <select name="period">
          <option value="" selected={!chosen}>
            {t('periods.custom')}
          </option>
          {group('month', t('periods.months'))}
          {group('quarter', t('periods.quarters'))}
          {group('year', t('periods.years'))}
        </select>
      </label>
      <label>
        {t('periods.trend')}
        <select name="trend">
          {PERIOD_GRANULARITIES.map((g) => (
            <option value={g} selected={g === (values.trend ?? 'month')}>
              {t(`periods.unit.${g}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('figures.minValid')}
        <input type="number" name="minValid" min={1} max={MIN_VALID_MAX} step={1} inputMode="numeric" value={values.minValid ?? String(MIN_VALID_DEFAULT)} />
      </label>
    </>
  );
}
