/** @jsxRuntime automatic @jsxImportSource preact */
/*
 * The SIPAS report page: the filters, the overall index, the five components as a bar chart and a
 * table, every item with n, the counts at each level and the share not applicable, the month-by-month
 * trend, the integrity and priority questions, recent comments, and the method in one paragraph.
 * It renders a SipasReport as it is: no number is computed here, only formatted.
 */
import { formatCount, formatDateTime, formatDay, formatPercentage, formatShare, localize } from '../../../shared/l10n';
import type { SurveyDefinition } from '../../../shared/survey';
import { ALL_VERSIONS, EXCLUDE_ALL, queryString, rolledUpAgencies, SERVICE_FIELD_QUESTION } from '../filters';
import { Figure, MethodBox } from './Figures';
import { PeriodFields, periodLabel } from './PeriodFields';
import type { SipasReport } from '../report';
import { QuestionnaireSection } from './QuestionnaireSection';
import { BarChart, TrendChart } from './Charts';
import type { PageContext } from './context';
import { FilterFields, ProblemsBox, type FilterFormOptions } from './FilterFields';
import { Page } from './Layout';
import { FunnelSection } from './FunnelSection';
import type { ReportFunnel } from '../funnel';
import { componentTarget, counterText, unitText, withPlaceNames, type ReportPlaces } from './ReportPlaces';
import { TargetBadge } from './TargetBadge';
import { PrintLetterhead, PrintSignature } from './PrintFrame';

/** Path of the report as a workbook (issue 11, part 7). */
export const REPORT_XLSX_PATH = '/api/v1/admin/report.xlsx';

/** Path of the report's JSON twin. */
export const REPORT_API_PATH = '/api/v1/admin/report';

/** The report page: the filters and, when they name a questionnaire, its report. */
export function ReportPage(props: {
  ctx: PageContext;
  options: FilterFormOptions;
  report: SipasReport | null;
  problems: readonly string[];
  definition: SurveyDefinition | undefined;
  /** The drop-off funnel for the same filters (issue 8); absent when there is no report. */
  funnel?: ReportFunnel | null;
  /** Today in Vietnam (YYYY-MM-DD): the period selector offers the periods up to it. */
  today?: string;
  /** The unit tree and the targets (issue 11): names instead of codes, each figure against its target. */
  places?: ReportPlaces;
}) {
  const { ctx, options, report } = props;
  const { t } = ctx;
  const query = new URLSearchParams(Object.entries(options.values).filter(([k]) => k !== 'lang')).toString();
  return (
    <Page ctx={ctx} title={t('report.title')} active="report">
      <ProblemsBox ctx={ctx} problems={props.problems} />
      <form class="filters" method="get" action="/admin/report">
        <FilterFields ctx={ctx} options={options} />
        <PeriodFields ctx={ctx} values={options.values} today={props.today ?? report?.generatedAt.slice(0, 10)} />
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
              <a class="button" href={`${REPORT_XLSX_PATH}${query ? `?${query}` : ''}`} download="">
                {t('reportDocument.download')}
              </a>
              {/* The ranking of the units under the same filters (issue 11): the agency chosen becomes the unit looked inside. */}
              <a class="button secondary" href={`/admin/ranking${query ? `?${query}` : ''}`}>
                {t('ranking.link')}
              </a>
            </>
          ) : null}
        </div>
      </form>
      {report ? <PrintLetterhead ctx={ctx} report={report} places={props.places} /> : null}
      {report ? <ReportBody ctx={ctx} report={report} definition={props.definition} places={props.places} /> : null}
      {report && props.funnel ? <FunnelSection ctx={ctx} funnel={props.funnel} /> : null}
      {report ? <PrintSignature ctx={ctx} report={report} places={props.places} /> : null}
    </Page>
  );
}

/** Which units a rolled-up unit's figures include, by name ("Gồm: …"), with the switch to its own counters only and back. */
function RollupLine({ ctx, report, places }: { ctx: PageContext; report: SipasReport; places?: ReportPlaces }) {
  const { agency, rollup } = report.query;
  if (!places || agency === undefined || places.tree.descendantUnits(agency).length < 2) return null;
  const included = rolledUpAgencies(report.query, places.tree);
  const link = `${queryString({ ...report.query, rollup: included ? '0' : undefined })}`;
  return (
    <p class="rollup-units">
      {included ? ctx.t('rollup.includes', { names: included.map((code) => places.tree.displayName(code)).join(', ') }) : ctx.t('rollup.ownOnly', { name: places.tree.displayName(agency) })}{' '}
      <a href={link}>{ctx.t(rollup === '0' ? 'rollup.showRolledUp' : 'rollup.showOwnOnly')}</a>
    </p>
  );
}

function ScopeLine({ ctx, report }: { ctx: PageContext; report: SipasReport }) {
  const { t, lang } = ctx;
  const q = report.query;
  const parts: Array<[string, string]> = [
    [t('filters.definition'), `${report.definition.id} (${report.versions.covered.map((v) => t('filters.versionLabel', { v })).join(', ')})`],
    [t('filters.agency'), q.agency ?? t('layout.all')],
    [t('filters.counter'), q.counter ?? t('layout.all')],
  ];
  if (q.field) parts.push([t('filters.field'), q.field]);
  const period = q.period
    ? periodLabel(t, q.period)
    : q.from || q.to
      ? t('report.period', { from: q.from ? formatDay(q.from) : '…', to: q.to ? formatDay(q.to) : '…' })
      : t('report.wholeTime');
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

function ReportBody({ ctx, report, definition, places }: { ctx: PageContext; report: SipasReport; definition: SurveyDefinition | undefined; places?: ReportPlaces }) {
  const { t, lang } = ctx;
  const count = (n: number) => formatCount(lang, n);
  const text = (value: Parameters<typeof localize>[0]) => localize(value, lang);
  const fieldText = (() => {
    const code = report.query.field;
    if (!code || !definition) return undefined;
    const question = definition.sections.flatMap((s) => s.questions).find((q) => q.id === SERVICE_FIELD_QUESTION);
    return question && question.kind === 'single' ? text(question.options.find((o) => o.code === code)?.label) : undefined;
  })();
  const shownReport = withPlaceNames(ctx, fieldText ? { ...report, query: { ...report.query, field: fieldText } } : report, places);
  const targets = places?.targets ?? {};

  if (report.responses === 0) {
    return (
      <>
        <ScopeLine ctx={ctx} report={shownReport} />
        <RollupLine ctx={ctx} report={report} places={places} />
        <VersionsBox ctx={ctx} report={report} />
        <p class="note">{t('report.noData')}</p>
        {report.flags.excludedResponses ? <FlagsBox ctx={ctx} report={report} /> : null}
        {report.excludedPartial ? <p>{t('report.partial', { n: count(report.excludedPartial) })}</p> : null}
      </>
    );
  }

  const bars = report.components.map((c) => ({
    label: `${c.component}. ${text(c.title)}`,
    value: c.percent,
    valueText: c.percent === null ? t('report.noValue') : `${formatPercentage(lang, c.percent, c.lowN ? 0 : 2)}${c.lowN ? ` (${t('figures.lowN')})` : ''}`,
    target: componentTarget(targets, c.component)?.value,
  }));

  const levelHeads = report.scale.map((s) => (
    <th class="num" title={text(s.label)}>
      {s.code}
      <span class="hint">{text(s.label)}</span>
    </th>
  ));

  const trendMarks = report.trend.map((m) => ({
    label: periodLabel(t, m.period),
    sublabel: `n=${count(m.responses)}`,
    value: m.percent,
    // Few responses: no decimals, as everywhere else.
    valueText: m.percent === null ? '' : formatPercentage(lang, m.percent, m.lowN ? 0 : 1),
  }));
  const trendUnit = t(`periods.unit.${report.trendGranularity}`);
  const minValid = report.figures.minValid;


  return (
    <>
      <ScopeLine ctx={ctx} report={shownReport} />
      <RollupLine ctx={ctx} report={report} places={places} />
      <VersionsBox ctx={ctx} report={report} />
      <section aria-labelledby="overall">
        <h2 id="overall">{t('report.overall')}</h2>
        <p>
          <span class="big">{formatPercentage(lang, report.percent, report.figures.lowN ? 0 : 2)}</span> {t('report.basedOn', { n: count(report.responses) })}
          {report.excludedPartial ? ` · ${t('report.partial', { n: count(report.excludedPartial) })}` : ''}
        </p>
        {targets.overall ? (
          <p>
            <TargetBadge ctx={ctx} percent={report.percent} target={targets.overall} />
          </p>
        ) : null}
        <p class="figures">
          {t('figures.overall', { n: count(report.figures.n), na: formatShare(lang, report.figures.shareNotApplicable) })}
          <Figure ctx={ctx} percent={null} lowN={report.figures.lowN} minValid={minValid} badgeOnly />
        </p>
        <FlagNote ctx={ctx} report={report} />
      </section>
      <FlagsBox ctx={ctx} report={report} />
      <MethodBox ctx={ctx} minValid={minValid} />
      <section aria-labelledby="components">
        <h2 id="components">{t('report.componentsHeading')}</h2>
        <figure>
          <BarChart bars={bars} title={t('report.chartLabel')} targetLabel={t('targets.line')} />
          <figcaption>{t('report.chartCaption')}</figcaption>
        </figure>
        <table>
          <thead>
            <tr>
              <th>{t('report.component')}</th>
              <th class="num">{t('report.percent')}</th>
              <th class="num">
                {t('figures.n')}
                <span class="hint">{t('report.respondents')}</span>
              </th>
              <th class="num">{t('figures.shareNotApplicable')}</th>
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
                  <Figure ctx={ctx} percent={c.percent} lowN={c.lowN} minValid={minValid} />
                  <br />
                  <TargetBadge ctx={ctx} percent={c.percent} target={componentTarget(targets, c.component)} />
                </td>
                <td class="num">{count(c.n)}</td>
                <td class="num">{formatShare(lang, c.shareNotApplicable)}</td>
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
              {c.component}. {text(c.title)} — {formatPercentage(lang, c.percent, c.lowN ? 0 : 2)}
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
                      <Figure ctx={ctx} percent={item.percent} lowN={item.lowN} minValid={minValid} interval={item.interval} />
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
        <h2 id="trend">{t('periods.trendHeading', { unit: trendUnit })}</h2>
        <figure>
          <TrendChart marks={trendMarks} title={t('periods.trendLabel', { unit: trendUnit })} target={targets.overall?.value} targetLabel={t('targets.line')} />
          <figcaption>{t('periods.trendCaption', { unit: trendUnit })}</figcaption>
        </figure>
        <table>
          <thead>
            <tr>
              <th>{t('periods.column')}</th>
              <th class="num">{t('report.responses')}</th>
              <th class="num">{t('report.index')}</th>
            </tr>
          </thead>
          <tbody>
            {report.trend.map((m) => (
              <tr>
                <td>{periodLabel(t, m.period)}</td>
                <td class="num">{count(m.responses)}</td>
                <td class="num">
                  <Figure ctx={ctx} percent={m.percent} lowN={m.lowN} minValid={minValid} plain />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <QuestionnaireSection ctx={ctx} report={report} />
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
                    {unitText(ctx, places, c.agencyCode)} / {counterText(ctx, places, c.agencyCode, c.counterCode)}
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

/** A link to this report with some query values changed ('' removes one). */
function reportLink(report: SipasReport, changes: Record<string, string>): string {
  return `/admin/report${queryString({ definition: report.definition.id, ...report.query, ...changes })}`;
}

/** Which versions the figures cover, the others with their counts and links, and the items that differ. */
function VersionsBox({ ctx, report }: { ctx: PageContext; report: SipasReport }) {
  const { t, lang } = ctx;
  const { versions } = report;
  const count = (n: number) => formatCount(lang, n);
  const covered = new Set(versions.covered);
  const countOf = (v: number) => versions.available.find((a) => a.version === v)?.responses ?? 0;
  const others = versions.available.filter((a) => !covered.has(a.version));
  const versionText = (a: SipasReport['versions']['available'][number]) => `${t('report.versions.count', { v: a.version, count: a.responses, n: count(a.responses) })}${a.known ? '' : ` — ${t('report.versions.unknown')}`}`;
  return (
    <section aria-labelledby="versions" class="versions">
      <h2 id="versions">{t('report.versions.heading')}</h2>
      <p>
        {versions.scope === 'all'
          ? t('report.versions.coversAll', { list: versions.covered.join(', ') })
          : t('report.versions.coversOne', { v: versions.covered[0], count: countOf(versions.covered[0]), n: count(countOf(versions.covered[0])) })}
      </p>
      {versions.scope === 'one' && others.length > 0 ? (
        <p>
          {t('report.versions.others')}{' '}
          {others.map((a, i) => (
            <>
              {i ? ' · ' : ''}
              {a.known ? <a href={reportLink(report, { version: String(a.version) })}>{versionText(a)}</a> : versionText(a)}
            </>
          ))}
          {' · '}
          <a href={reportLink(report, { version: ALL_VERSIONS })}>{t('report.versions.all')}</a>
        </p>
      ) : null}
      {versions.scope === 'all' ? (
        <p>
          {t('report.versions.available')} {versions.available.map((a, i) => `${i ? ' · ' : ''}${versionText(a)}`).join('')}
          {' · '}
          <a href={reportLink(report, { version: '' })}>{t('report.versions.newest')}</a>
        </p>
      ) : null}
      {versions.changes.length > 0 && (versions.scope === 'all' || others.length > 0) ? (
        <>
          <h3>{t('report.versions.changesHeading')}</h3>
          <ul>
            {versions.changes.map((c) => {
              const parts = [
                ...(c.added.length ? [`${t('report.versions.added')}: ${c.added.join(', ')}`] : []),
                ...(c.removed.length ? [`${t('report.versions.removed')}: ${c.removed.join(', ')}`] : []),
                ...(c.reworded.length ? [`${t('report.versions.reworded')}: ${c.reworded.join(', ')}`] : []),
              ];
              return (
                <li>
                  <strong>{t('report.versions.change', { from: c.from, to: c.to })}:</strong> {parts.length ? parts.join('; ') : t('report.versions.noChange')}
                </li>
              );
            })}
          </ul>
        </>
      ) : null}
    </section>
  );
}

/** Beside the headline: what leaving flagged responses out (or in) would make of the index, when it moves it by 0.1 pp or more. */
function FlagNote({ ctx, report }: { ctx: PageContext; report: SipasReport }) {
  const { t, lang } = ctx;
  const { flags } = report;
  if (!flags.notable || flags.differencePp === null) return null;
  const signed = (pp: number) => `${pp > 0 ? '+' : ''}${formatPercentage(lang, pp).replace('%', '')}`;
  const sentences: string[] = [];
  if (flags.excluded.length === 0 || flags.percentWithoutFlagged !== report.percent) {
    sentences.push(t('report.flags.noteWithout', { count: flags.flaggedResponses, n: formatCount(lang, flags.flaggedResponses), p: formatPercentage(lang, flags.percentWithoutFlagged), d: signed(flags.differencePp) }));
  }
  if (flags.excluded.length > 0) {
    sentences.push(t('report.flags.noteWith', { p: formatPercentage(lang, flags.percentWithFlagged), d: signed(-flags.differencePp) }));
  }
  return (
    <p class="note flag-note" role="note">
      {sentences.join(' ')}{' '}
      {flags.excluded.length === 0 ? (
        <a href={reportLink(report, { exclude: EXCLUDE_ALL })}>{t('report.flags.showWithout')}</a>
      ) : (
        <a href={reportLink(report, { exclude: '' })}>{t('report.flags.showWith')}</a>
      )}
    </p>
  );
}

/** How many responses carry each flag, what was left out, and how many were placed corrected for clock skew. */
function FlagsBox({ ctx, report }: { ctx: PageContext; report: SipasReport }) {
  const { t, lang } = ctx;
  const { flags } = report;
  const count = (n: number) => formatCount(lang, n);
  const flagName = (flag: SipasReport['flags']['counts'][number]['flag']) => t(`report.flags.${flag}`);
  return (
    <section aria-labelledby="flags">
      <h2 id="flags">{t('report.flags.heading')}</h2>
      <p>{t('report.flags.intro', { n: count(report.responses + flags.excludedResponses) })}</p>
      <table>
        <thead>
          <tr>
            <th>{t('report.flags.flag')}</th>
            <th class="num">{t('report.flags.responses')}</th>
          </tr>
        </thead>
        <tbody>
          {flags.counts.map((c) => (
            <tr>
              <td>{flagName(c.flag)}</td>
              <td class="num">{count(c.responses)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>{t('report.flags.placedBySkew', { count: flags.placedBySkew, n: count(flags.placedBySkew) })}</p>
      <p>
        {flags.excluded.length > 0
          ? t('report.flags.excluded', { count: flags.excludedResponses, n: count(flags.excludedResponses), flags: flags.excluded.map(flagName).join(', ') })
          : t('report.flags.noneExcluded')}
      </p>
    </section>
  );
}
