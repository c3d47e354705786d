/** @jsxRuntime automatic @jsxImportSource preact */
/*
 * The drop-off funnel (issue 8) on the staff pages: the report's section (started → each question →
 * completed by the citizen or by timeout, counts and shares, as a table and a bar chart) and the fleet
 * view's cell of one device's last seven days. Renders the numbers funnel.ts computed, only formatted.
 */
import { formatCount, formatShare, localize } from '../../../shared/l10n';
import type { FleetFunnel, ReportFunnel } from '../funnel';
import { BarChart } from './Charts';
import type { PageContext } from './context';

/** The fleet view's cell: one device's funnel over the last days, or a word that there is none. */
export function FleetFunnelCell({ ctx, funnel, lost }: { ctx: PageContext; funnel: FleetFunnel | undefined; lost: number | undefined }) {
  const { t, lang } = ctx;
  const n = (value: number) => formatCount(lang, value);
  return (
    <td class="funnel">
      {funnel === undefined ? (
        <span class="hint">{t('funnel.fleetNone')}</span>
      ) : (
        <>
          <strong>{t('funnel.completionRate', { rate: formatShare(lang, funnel.completionRate) })}</strong>
          <br />
          {t('funnel.started', { n: n(funnel.started) })}
          <br />
          {t('funnel.completed', { n: n(funnel.completed) })}
          <br />
          {t('funnel.completedByTimeout', { n: n(funnel.completedByTimeout) })}
          <br />
          {t('funnel.abandoned', { n: n(funnel.abandoned) })}
        </>
      )}
      {lost ? (
        <>
          <br />
          <span class="bad">{t('funnel.lost', { n: n(lost) })}</span>
        </>
      ) : null}
    </td>
  );
}

/** The report's funnel section. */
export function FunnelSection({ ctx, funnel }: { ctx: PageContext; funnel: ReportFunnel }) {
  const { t, lang } = ctx;
  const n = (value: number) => formatCount(lang, value);
  const share = (value: number | null) => formatShare(lang, value);
  const steps = funnel.steps.filter((step) => step.abandoned > 0 || step.text !== null);
  const bars = steps.map((step) => ({
    label: step.text === null ? `${step.questionId} (${t('funnel.otherVersion')})` : `${step.questionId}. ${localize(step.text, lang)}`,
    value: step.reachedShare === null ? null : step.reachedShare * 100,
    valueText: share(step.reachedShare),
  }));
  return (
    <section aria-labelledby="funnel">
      <h2 id="funnel">{t('funnel.heading')}</h2>
      <p class="hint">{t('funnel.intro')}</p>
      {funnel.ignoresServiceField ? <p class="note">{t('funnel.ignoresField')}</p> : null}
      {funnel.started === 0 ? (
        <p class="note">{t('funnel.noData')}</p>
      ) : (
        <>
          <p>
            <strong>{t('funnel.summary', { started: n(funnel.started), completed: n(funnel.completed + funnel.completedByTimeout), rate: share(funnel.completionRate) })}</strong>
          </p>
          <table class="funnel-totals">
            <thead>
              <tr>
                <th>{t('funnel.stage')}</th>
                <th class="num">{t('funnel.count')}</th>
                <th class="num">{t('funnel.share')}</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td>{t('funnel.startedRow')}</td>
                <td class="num">{n(funnel.started)}</td>
                <td class="num">{share(funnel.started > 0 ? 1 : null)}</td>
              </tr>
              <tr>
                <td>{t('funnel.abandonedRow')}</td>
                <td class="num">{n(funnel.abandoned)}</td>
                <td class="num">{share(funnel.abandonedShare)}</td>
              </tr>
              <tr>
                <td>{t('funnel.completedRow')}</td>
                <td class="num">{n(funnel.completed)}</td>
                <td class="num">{share(funnel.completedShare)}</td>
              </tr>
              <tr>
                <td>{t('funnel.completedByTimeoutRow')}</td>
                <td class="num">{n(funnel.completedByTimeout)}</td>
                <td class="num">{share(funnel.completedByTimeoutShare)}</td>
              </tr>
              {funnel.unaccounted > 0 ? (
                <tr>
                  <td>{t('funnel.unaccountedRow')}</td>
                  <td class="num">{n(funnel.unaccounted)}</td>
                  <td class="num">{share(funnel.unaccounted / funnel.started)}</td>
                </tr>
              ) : null}
            </tbody>
          </table>
          <figure>
            <BarChart bars={bars} title={t('funnel.chartTitle')} />
          </figure>
          <table class="funnel-steps">
            <thead>
              <tr>
                <th>{t('funnel.question')}</th>
                <th class="num">{t('funnel.reached')}</th>
                <th class="num">{t('funnel.share')}</th>
                <th class="num">{t('funnel.leftHere')}</th>
                <th class="num">{t('funnel.share')}</th>
              </tr>
            </thead>
            <tbody>
              {steps.map((step) => (
                <tr data-question={step.questionId}>
                  <td>
                    <strong>{step.questionId}</strong> {step.text === null ? <span class="hint">({t('funnel.otherVersion')})</span> : localize(step.text, lang)}
                  </td>
                  <td class="num">{n(step.reached)}</td>
                  <td class="num">{share(step.reachedShare)}</td>
                  <td class="num">{n(step.abandoned)}</td>
                  <td class="num">{share(step.abandonedShare)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
