/** @jsxRuntime automatic @jsxImportSource preact */
/*
 * The ranking page (issue 11, parts 3 and 9): the filter form, the table of units or counters with
 * sortable headers (server-side: each header is a link, the sorted one carries aria-sort), then the
 * items where each unit loses points and the drop-off funnel per unit. Names, never bare codes.
 */
import { formatCount, formatDay, formatPercentage, formatShare, localize } from '../../../shared/l10n';
import type { SurveyDefinition } from '../../../shared/survey';
import { ALL_VERSIONS, queryString } from '../filters';
import { RANKING_SORTS, WEAKEST_ITEMS, defaultDir, type RankingReport, type RankingRow, type RankingSort } from '../ranking';
import type { UnitTree } from '../units';
import type { PageContext } from './context';
import { DateRangeFields, ProblemsBox } from './FilterFields';
import { Page } from './Layout';
import { PeriodFields } from './PeriodFields';
import { formatPoints } from './TargetBadge';

/** Where the ranking page and its JSON twin live. */
export const RANKING_PATHS = { page: '/admin/ranking', api: '/api/v1/admin/ranking' } as const;

/** A percentage as the report prints it: without decimals, marked, when it rests on fewer than the threshold. */
function Percent({ ctx, percent, n, minValid }: { ctx: PageContext; percent: number | null; n: number; minValid: number }) {
  const { t, lang } = ctx;
  if (percent === null) return <>{t('ranking.noData')}</>;
  if (n < minValid) {
    return (
      <>
        {formatPercentage(lang, percent, 0)}{' '}
        <span class="hint" title={t('figures.lowNTitle', { min: minValid })}>
          ({t('figures.lowN')})
        </span>
      </>
    );
  }
  return <>{formatPercentage(lang, percent)}</>;
}

/** A change in percentage points, or "—" when either side has no figure. */
function Change({ ctx, pp }: { ctx: PageContext; pp: number | null }) {
  if (pp === null) return <>{ctx.t('ranking.noData')}</>;
  return <>{ctx.t('ranking.points', { pp: formatPoints(ctx.lang, Math.round(pp * 100) / 100) })}</>;
}

/** The name cell: a link down the tree where there is something below. */
function NameCell({ ctx, row, link }: { ctx: PageContext; row: RankingRow; link: (values: Record<string, string | undefined>) => string }) {
  const name = row.kind === 'unit' && row.hasChildren ? <a href={link({ unit: row.key, show: undefined })}>{row.name}</a> : <span>{row.name}</span>;
  return (
    <th scope="row">
      {name}
      {row.unitName ? <span class="hint"> · {row.unitName}</span> : null}
      {(row.kind === 'unit' || row.kind === 'direct') && row.hasCounters ? (
        <>
          {' '}
          <a class="hint" href={link({ unit: row.key, show: 'counters' })}>
            ({ctx.t('ranking.counters')})
          </a>
        </>
      ) : null}
    </th>
  );
}

const COLUMN_KEYS: Record<RankingSort, string> = {
  rank: 'ranking.rank',
  name: 'ranking.name',
  n: 'ranking.n',
  overall: 'ranking.overall',
  c1: 'targets.figures.c1',
  c2: 'targets.figures.c2',
  c3: 'targets.figures.c3',
  c4: 'targets.figures.c4',
  c5: 'targets.figures.c5',
  gap: 'ranking.gap',
  previous: 'ranking.previous',
  yearAgo: 'ranking.yearAgo',
  completion: 'ranking.completion',
};

/** The ranking page; `report` null when the filters could not be read. */
export function RankingPage(props: {
  ctx: PageContext;
  report: RankingReport | null;
  problems: readonly string[];
  tree: UnitTree;
  definitions: readonly SurveyDefinition[];
  values: Record<string, string>;
  today: string;
}) {
  const { ctx, report, tree, values } = props;
  const { t, lang } = ctx;
  const link = (changes: Record<string, string | undefined>) => `${RANKING_PATHS.page}${queryString({ ...values, ...changes })}`;
  const ids = [...new Set(props.definitions.map((d) => d.id))];
  const versions = [...new Set(props.definitions.filter((d) => d.id === (values.definition ?? report?.definition.id)).map((d) => d.version))].sort((a, b) => a - b);
  const header = (column: RankingSort) => {
    const label = t(COLUMN_KEYS[column] as 'ranking.rank');
    const active = report?.sort === column;
    const dir = active ? (report!.dir === 'asc' ? 'desc' : 'asc') : defaultDir(column);
    return (
      <th scope="col" class={column === 'name' ? undefined : 'num'} aria-sort={active ? (report!.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
        <a href={link({ sort: column, dir })} title={t('ranking.sortBy', { column: label })}>
          {label}
          {active ? (report!.dir === 'asc' ? ' ▲' : ' ▼') : ''}
        </a>
      </th>
    );
  };
  return (
    <Page ctx={ctx} title={t('ranking.title')} active="ranking">
      <p class="lead">{t('ranking.intro')}</p>
      <form method="get" action={RANKING_PATHS.page} class="filters">
        <label>
          {t('ranking.unit')}
          <select name="unit">
            <option value="" selected={!values.unit}>
              {t('ranking.top')}
            </option>
            {tree.flatten().map((node) => (
              <option value={node.unit.code} selected={values.unit === node.unit.code}>
                {`${'\u00a0\u00a0'.repeat(node.depth)}${node.unit.name}`}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('ranking.show')}
          <select name="show">
            <option value="" selected={!values.show}>
              {t('ranking.showUnits')}
            </option>
            <option value="counters" selected={values.show === 'counters'}>
              {t('ranking.showCounters')}
            </option>
          </select>
        </label>
        <label>
          {t('filters.definition')}
          <select name="definition">
            {ids.map((id) => (
              <option value={id} selected={id === (values.definition ?? report?.definition.id)}>
                {`${id} – ${localize(props.definitions.find((d) => d.id === id)?.title, lang)}`}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('filters.version')}
          <select name="version">
            <option value="" selected={!values.version}>
              {t('report.versions.newest')}
            </option>
            <option value={ALL_VERSIONS} selected={values.version === ALL_VERSIONS}>
              {t('report.versions.all')}
            </option>
            {versions.map((n) => (
              <option value={String(n)} selected={values.version === String(n)}>
                {t('filters.versionLabel', { v: n })}
              </option>
            ))}
          </select>
        </label>
        <PeriodFields ctx={ctx} values={values} today={props.today} />
        <DateRangeFields ctx={ctx} from={values.from} to={values.to} />
        <label>
          {t('report.flags.exclude')}
          <select name="exclude">
            <option value="" selected={!values.exclude}>
              {t('report.flags.excludeNone')}
            </option>
            <option value="all" selected={values.exclude === 'all'}>
              {t('report.flags.excludeAll')}
            </option>
          </select>
        </label>
        {values.sort ? <input type="hidden" name="sort" value={values.sort} /> : null}
        {values.dir ? <input type="hidden" name="dir" value={values.dir} /> : null}
        <div class="actions">
          <button type="submit">{t('ranking.submit')}</button>
        </div>
      </form>
      <ProblemsBox ctx={ctx} problems={props.problems} />
      {report ? <RankingTables ctx={ctx} report={report} link={link} header={header} /> : null}
    </Page>
  );
}

function RankingTables({ ctx, report, link, header }: { ctx: PageContext; report: RankingReport; link: (v: Record<string, string | undefined>) => string; header: (c: RankingSort) => preact.JSX.Element }) {
  const { t, lang } = ctx;
  const { periods, minValid } = report;
  const scope = report.unit.path ?? t('ranking.top');
  return (
    <>
      <p class="note">
        {t('ranking.scope', {
          scope,
          from: formatDay(periods.current.from),
          to: formatDay(periods.current.to),
          pfrom: formatDay(periods.previous.from),
          pto: formatDay(periods.previous.to),
          yfrom: formatDay(periods.yearAgo.from),
          yto: formatDay(periods.yearAgo.to),
        })}
      </p>
      <p class="note">{t('ranking.thresholdNote', { min: minValid })}</p>
      {report.unit.code !== null ? (
        <p>
          <a href={link({ unit: report.unit.parentCode ?? undefined, show: undefined })}>↑ {t('ranking.up')}</a>
        </p>
      ) : null}
      {report.rows.length === 0 ? (
        <p class="note">{t('ranking.empty')}</p>
      ) : (
        <>
          <table class="ranking">
            <thead>
              <tr>{RANKING_SORTS.filter((c) => c !== 'completion').map(header)}</tr>
            </thead>
            <tbody>
              {report.rows.map((row) => (
                <tr data-key={row.key} data-rank={row.rank ?? ''}>
                  <td class="num">{row.rank !== null ? formatCount(lang, row.rank) : <span class="hint">{row.kind === 'unplaced' ? t('ranking.notInTree') : t('ranking.notRanked')}</span>}</td>
                  <NameCell ctx={ctx} row={row} link={link} />
                  <td class="num">{formatCount(lang, row.n)}</td>
                  <td class="num">
                    <Percent ctx={ctx} percent={row.overall} n={row.n} minValid={minValid} />
                  </td>
                  {row.components.map((c) => (
                    <td class="num">
                      <Percent ctx={ctx} percent={c.percent} n={c.n} minValid={minValid} />
                      {row.gaps[`c${c.component}` as 'c1'] ? <div class="hint">{formatPoints(lang, row.gaps[`c${c.component}` as 'c1']!.gapPp)}</div> : null}
                    </td>
                  ))}
                  <td class="num">
                    {row.gaps.overall ? (
                      <span class={`target ${row.gaps.overall.met ? 'met' : 'missed'}`}>
                        {row.gaps.overall.met ? '✓' : '✗'} {t('ranking.points', { pp: formatPoints(lang, row.gaps.overall.gapPp) })}
                      </span>
                    ) : (
                      t('ranking.noData')
                    )}
                  </td>
                  <td class="num">
                    <Change ctx={ctx} pp={row.changePreviousPp} />
                  </td>
                  <td class="num">
                    <Change ctx={ctx} pp={row.changeYearAgoPp} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>{t('ranking.weakestHeading')}</h2>
          <p class="note">{t('ranking.weakestIntro', { count: WEAKEST_ITEMS })}</p>
          <table class="weakest">
            <thead>
              <tr>
                <th scope="col">{t('ranking.name')}</th>
                <th scope="col">{t('ranking.item')}</th>
                <th scope="col" class="num">
                  {t('ranking.itemPercent')}
                </th>
                <th scope="col" class="num">
                  {t('figures.n')}
                </th>
              </tr>
            </thead>
            <tbody>
              {report.rows.flatMap((row) =>
                row.weakest.length === 0
                  ? [
                      <tr>
                        <th scope="row">{row.name}</th>
                        <td colSpan={3} class="hint">
                          {t('ranking.weakestNone')}
                        </td>
                      </tr>,
                    ]
                  : row.weakest.map((item, i) => (
                      <tr>
                        {i === 0 ? (
                          <th scope="row" rowSpan={row.weakest.length}>
                            {row.name}
                          </th>
                        ) : null}
                        <td>
                          <strong>{item.questionId}</strong> {localize(item.text, lang)}
                        </td>
                        <td class="num">
                          <Percent ctx={ctx} percent={item.percent} n={item.valid} minValid={minValid} />
                        </td>
                        <td class="num">{formatCount(lang, item.valid)}</td>
                      </tr>
                    )),
              )}
            </tbody>
          </table>
          <h2>{t('ranking.funnelHeading')}</h2>
          <p class="note">{t('ranking.funnelIntro')}</p>
          {report.funnelIgnoresServiceField ? <p class="note">{t('ranking.funnelField')}</p> : null}
          <table class="funnel">
            <thead>
              <tr>
                <th scope="col">{t('ranking.name')}</th>
                <th scope="col" class="num">
                  {t('ranking.started')}
                </th>
                <th scope="col" class="num">
                  {t('ranking.completed')}
                </th>
                <th scope="col" class="num">
                  {t('ranking.completedByTimeout')}
                </th>
                <th scope="col" class="num">
                  {t('ranking.abandoned')}
                </th>
                {header('completion')}
              </tr>
            </thead>
            <tbody>
              {report.rows.map((row) => (
                <tr>
                  <th scope="row">{row.name}</th>
                  <td class="num">{formatCount(lang, row.funnel.started)}</td>
                  <td class="num">{formatCount(lang, row.funnel.completed)}</td>
                  <td class="num">{formatCount(lang, row.funnel.completedByTimeout)}</td>
                  <td class="num">{formatCount(lang, row.funnel.abandoned)}</td>
                  <td class="num">{row.funnel.completionRate === null ? t('ranking.noData') : formatShare(lang, row.funnel.completionRate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
