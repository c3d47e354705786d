/** @jsxRuntime automatic @jsxImportSource preact */
/*
 * The SIPAS report page: the filters, the overall index, the five components as a bar chart and a
 * table, every item with n, the counts at each level and the share not applicable, the month-by-month
 * trend, the integrity and priority questions, recent comments, and the method in one paragraph.
 * It renders a SipasReport as it is: no number is computed here, only formatted.
 */
import { formatCount, formatDateTime, formatDay, formatMonth, formatPercentage, formatShare, localize } from '../../../shared/l10n';
import type { SurveyDefinition } from '../../../shared/survey';
import { SERVICE_FIELD_QUESTION } from '../filters';
import { REPORT_CHOICE_SECTIONS, type SipasReport } from '../report';
import { BarChart, TrendChart } from './Charts';
import type { PageContext } from './context';
import { FilterFields, ProblemsBox, type FilterFormOptions } from './FilterFields';
import { Page } from './Layout';

/** Path of the report's JSON twin. */
export const REPORT_API_PATH = '/api/v1/admin/report';

/** The report page: the filters and, when they name a questionnaire, its report. */
export function ReportPage(props: {
  ctx: PageContext;
  options: FilterFormOptions;
  report: SipasReport | null;
  problems: readonly string[];
  definition: SurveyDefinition | undefined;
}) {
  const { ctx, options, report } = props;
  const { t } = ctx;
  const query = new URLSearchParams(Object.entries(options.values).filter(([k]) => k !== 'lang')).toString();
  return (
    <Page ctx={ctx} title={t('report.title')} active="report">
      <ProblemsBox ctx={ctx} problems={props.problems} />
      <form class="filters" method="get" action="/admin/report">
        <FilterFields ctx={ctx} options={options} />
        <div class="actions">
          <button type="submit">{t('report.show')}</button>
          {report ? (
            <>
              <button type="button" class="secondary" data-print="">
                {t('report.print')}
              </button>
              <a class="button secondary" href={`${REPORT_API_PATH}${query ? `?${query}` : ''}`}>
                {t('report.json')}
              </a>
            </>
          ) : null}
        </div>
      </form>
      {report ? <ReportBody ctx={ctx} report={report} definition={props.definition} /> : null}
    </Page>
  );
}

function ScopeLine({ ctx, report }: { ctx: PageContext; report: SipasReport }) {
  const { t, lang } = ctx;
  const q = report.query;
  const parts: Array<[string, string]> = [
    [t('filters.definition'), `${report.definition.id}${q.version ? ` (${t('filters.versionLabel', { v: Number(q.version) })})` : ''}`],
    [t('filters.agency'), q.agency ?? t('layout.all')],
    [t('filters.counter'), q.counter ?? t('layout.all')],
  ];
  if (q.field) parts.push([t('filters.field'), q.field]);
  const period = q.from || q.to ? t('report.period', { from: q.from ? formatDay(q.from) : '…', to: q.to ? formatDay(q.to) : '…' }) : t('report.wholeTime');
  parts.push([t('report.scope'), period], [t('report.generatedAt'), formatDateTime(lang, report.generatedAt)]);
  return (
    <p>
      {parts.map(([k, v], i) => (
        <>
          {i ? ' · ' : ''}
          <strong>{k}:</strong> {v}
        </>
      ))}
    </p>
  );
}

function ReportBody({ ctx, report, definition }: { ctx: PageContext; report: SipasReport; definition: SurveyDefinition | undefined }) {
  const { t, lang } = ctx;
  const count = (n: number) => formatCount(lang, n);
  const pct = (p: number | null) => formatPercentage(lang, p);
  const text = (value: Parameters<typeof localize>[0]) => localize(value, lang);
  const fieldText = (() => {
    const code = report.query.field;
    if (!code || !definition) return undefined;
    const question = definition.sections.flatMap((s) => s.questions).find((q) => q.id === SERVICE_FIELD_QUESTION);
    return question && question.kind === 'single' ? text(question.options.find((o) => o.code === code)?.label) : undefined;
  })();
  const shownReport = fieldText ? { ...report, query: { ...report.query, field: fieldText } } : report;

  if (report.responses === 0) {
    return (
      <>
        <ScopeLine ctx={ctx} report={shownReport} />
        <p class="note">{t('report.noData')}</p>
        {report.excludedPartial ? <p>{t('report.partial', { n: count(report.excludedPartial) })}</p> : null}
      </>
    );
  }

  const bars = report.components.map((c) => ({
    label: `${c.component}. ${text(c.title)}`,
    value: c.percent,
    valueText: c.percent === null ? t('report.noValue') : pct(c.percent),
  }));

  const levelHeads = report.scale.map((s) => (
    <th class="num" title={text(s.label)}>
      {s.code}
      <span class="hint">{text(s.label)}</span>
    </th>
  ));

  const trendMarks = report.trend.map((m) => ({
    label: formatMonth(m.month),
    sublabel: `n=${count(m.responses)}`,
    value: m.percent,
    valueText: m.percent === null ? '' : formatPercentage(lang, m.percent, 1),
  }));

  const choiceSections = (definition?.sections ?? []).filter((s) => (REPORT_CHOICE_SECTIONS as readonly string[]).includes(s.id));

  return (
    <>
      <ScopeLine ctx={ctx} report={shownReport} />
      <section aria-labelledby="overall">
        <h2 id="overall">{t('report.overall')}</h2>
        <p>
          <span class="big">{pct(report.percent)}</span> {t('report.basedOn', { n: count(report.responses) })}
          {report.excludedPartial ? ` · ${t('report.partial', { n: count(report.excludedPartial) })}` : ''}
        </p>
      </section>
      <section aria-labelledby="method">
        <h2 id="method">{t('report.methodHeading')}</h2>
        <p class="note">{t('report.method')}</p>
      </section>
      <section aria-labelledby="components">
        <h2 id="components">{t('report.componentsHeading')}</h2>
        <figure>
          <BarChart bars={bars} title={t('report.chartLabel')} />
          <figcaption>{t('report.chartCaption')}</figcaption>
        </figure>
        <table>
          <thead>
            <tr>
              <th>{t('report.component')}</th>
              <th class="num">{t('report.percent')}</th>
              <th class="num">{t('report.respondents')}</th>
              <th class="num">{t('report.itemsDefined')}</th>
            </tr>
          </thead>
          <tbody>
            {report.components.map((c) => (
              <tr>
                <td>
                  {c.component}. {text(c.title)}
                </td>
                <td class="num">
                  <strong>{pct(c.percent)}</strong>
                </td>
                <td class="num">{count(c.respondents)}</td>
                <td class="num">
                  {c.itemsDefined} / {c.items.length}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="items">
        <h2 id="items">{t('report.itemsHeading')}</h2>
        {report.components.map((c) => (
          <>
            <h3>
              {c.component}. {text(c.title)} — {pct(c.percent)}
            </h3>
            <table>
              <thead>
                <tr>
                  <th>{t('report.code')}</th>
                  <th>{t('report.question')}</th>
                  <th class="num">{t('report.percent')}</th>
                  <th class="num">{t('report.valid')}</th>
                  {levelHeads}
                  <th class="num">{t('report.notApplicable')}</th>
                  <th class="num">{t('report.skipped')}</th>
                </tr>
              </thead>
              <tbody>
                {c.items.map((item) => (
                  <tr>
                    <td>{item.questionId}</td>
                    <td class="text">
                      {item.shortLabel ? (
                        <>
                          <strong>{text(item.shortLabel)}</strong>
                          <br />
                          <span class="hint">{text(item.text)}</span>
                        </>
                      ) : (
                        text(item.text)
                      )}
                    </td>
                    <td class="num">
                      <strong>{pct(item.percent)}</strong>
                    </td>
                    <td class="num">{count(item.valid)}</td>
                    {item.counts.map((n) => (
                      <td class="num">{count(n)}</td>
                    ))}
                    <td class="num">
                      {formatShare(lang, item.shareNotApplicable)} ({count(item.notApplicable)})
                    </td>
                    <td class="num">{count(item.skipped)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ))}
      </section>
      <section aria-labelledby="trend">
        <h2 id="trend">{t('report.trendHeading')}</h2>
        <figure>
          <TrendChart marks={trendMarks} title={t('report.trendLabel')} />
          <figcaption>{t('report.trendCaption')}</figcaption>
        </figure>
        <table>
          <thead>
            <tr>
              <th>{t('report.month')}</th>
              <th class="num">{t('report.responses')}</th>
              <th class="num">{t('report.index')}</th>
            </tr>
          </thead>
          <tbody>
            {report.trend.map((m) => (
              <tr>
                <td>{formatMonth(m.month)}</td>
                <td class="num">{count(m.responses)}</td>
                <td class="num">{pct(m.percent)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {choiceSections.length ? (
        <section aria-labelledby="choices">
          <h2 id="choices">{t('report.choicesHeading')}</h2>
          <p class="hint">{t('report.choicesNote')}</p>
          {choiceSections.map((section) => (
            <ChoiceTable ctx={ctx} report={report} sectionId={section.id} title={text(section.title)} />
          ))}
        </section>
      ) : null}
      {report.comments.length ? (
        <section aria-labelledby="comments">
          <h2 id="comments">{t('report.commentsHeading')}</h2>
          <p class="hint">{t('report.commentsNote', { n: report.comments.length })}</p>
          <table>
            <thead>
              <tr>
                <th>{t('report.when')}</th>
                <th>{t('report.place')}</th>
                <th>{t('report.comment')}</th>
              </tr>
            </thead>
            <tbody>
              {report.comments.map((c) => (
                <tr>
                  <td>{formatDateTime(lang, c.completedAt)}</td>
                  <td>
                    {c.agencyCode} / {c.counterCode}
                  </td>
                  <td>{c.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </>
  );
}

/** The single-choice questions of one section as shares of the people who answered them. */
function ChoiceTable({ ctx, report, sectionId, title }: { ctx: PageContext; report: SipasReport; sectionId: string; title: string }) {
  const { t, lang } = ctx;
  const count = (n: number) => formatCount(lang, n);
  const text = (value: Parameters<typeof localize>[0]) => localize(value, lang);
  const inSection = report.choices.filter((c) => c.sectionId === sectionId && c.kind === 'single');
  if (inSection.length === 0) return null;
  const options = inSection[0].options;
  const sameOptions = inSection.every((c) => c.options.map((o) => o.code).join() === options.map((o) => o.code).join());
  return (
    <>
      <h3>{title}</h3>
      <table>
        <thead>
          <tr>
            <th>{t('report.question')}</th>
            {sameOptions ? options.map((o) => <th class="num">{text(o.label)}</th>) : <th>{t('report.percent')}</th>}
            <th class="num">{t('report.answered')}</th>
            <th class="num">{t('report.unanswered')}</th>
          </tr>
        </thead>
        <tbody>
          {inSection.map((c) => (
            <tr>
              <td>
                {c.questionId}. {text(c.text)}
              </td>
              {sameOptions ? (
                c.options.map((o) => (
                  <td class="num">
                    {formatShare(lang, o.shareOfAnswered)} ({count(o.count)})
                  </td>
                ))
              ) : (
                <td>
                  {c.options.map((o, i) => (
                    <>
                      {i ? '; ' : ''}
                      {text(o.label)}: {formatShare(lang, o.shareOfAnswered)} ({count(o.count)})
                    </>
                  ))}
                </td>
              )}
              <td class="num">{count(c.answered)}</td>
              <td class="num">{count(c.asked - c.answered)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
