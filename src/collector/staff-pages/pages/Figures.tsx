/** @jsxRuntime automatic @jsxImportSource preact */
/*
 * Honest figures on the report: a percentage with its 95% interval and the "ít phiếu" mark (no
 * decimals below the threshold), and the method box that says what all of it means. Nothing is
 * computed here: intervals and marks come with the report (shared/survey's wilsonInterval, isLowN).
 */
import { formatPercentage } from '../../../shared/l10n';
import type { StaffT } from '../i18n';
import type { PercentInterval } from '../report';
import type { PageContext } from './context';

/** The method box's paragraphs, in order (keys under figures.method). */
export const METHOD_PARAGRAPHS = ['what', 'items', 'components', 'n', 'interval', 'notApplicable', 'lowN', 'excluded', 'timeout', 'periods'] as const;

/** The method as paragraphs of plain text in one language: the page's box and report.json's `explanation`. */
export function methodParagraphs(t: StaffT, minValid: number): string[] {
  return METHOD_PARAGRAPHS.map((key) => t(`figures.method.${key}`, { min: minValid }));
}

/** The method box. */
export function MethodBox({ ctx, minValid }: { ctx: PageContext; minValid: number }) {
  const { t } = ctx;
  return (
    <section aria-labelledby="method" class="note">
      <h2 id="method">{t('figures.method.heading')}</h2>
      {methodParagraphs(t, minValid).map((paragraph) => (
        <p>{paragraph}</p>
      ))}
    </section>
  );
}

/**
 * A percentage: two decimals, or none with the "ít phiếu" mark when it rests on few answers; its
 * interval below when given. `plain`: not bold; `badgeOnly`: just the mark (beside a figure printed elsewhere).
 */
export function Figure(props: { ctx: PageContext; percent: number | null; lowN: boolean; minValid: number; interval?: PercentInterval | null; plain?: boolean; badgeOnly?: boolean }) {
  const { ctx, percent, lowN, minValid, interval } = props;
  const { t, lang } = ctx;
  const badge = lowN ? (
    <>
      {' '}
      <span class="bad low-n" title={t('figures.lowNTitle', { min: minValid })}>
        ({t('figures.lowN')})
      </span>
    </>
  ) : null;
  if (props.badgeOnly) return badge;
  const text = formatPercentage(lang, percent, lowN ? 0 : 2);
  const bound = (p: number) => formatPercentage(lang, p, lowN ? 0 : 1).replace('%', '');
  return (
    <>
      {props.plain ? text : <strong>{text}</strong>}
      {badge}
      {interval ? (
        <>
          <br />
          <span class="hint ci" title={t('figures.ciTitle')}>
            {t('figures.ci', { low: bound(interval.low), high: `${bound(interval.high)}%` })}
          </span>
        </>
      ) : null}
    </>
  );
}
