/** @jsxRuntime automatic @jsxImportSource preact */
import { formatBytes, formatCount, formatDateTime } from '../../../shared/l10n';
import { CLOCK_SKEW_NOTICE_MS, FLEET_SEARCH_MAX, FLEET_STATES, type FleetEntry, type FleetPageView, type FleetProblem } from '../fleet';
import { formatAgoText, formatSpan, type Lang, type StaffT } from '../i18n';
import type { PageContext } from './context';
import { ProblemsBox } from './FilterFields';
import { Page } from './Layout';
import { FleetFunnelCell } from './FunnelSection';

/** The missing sequence numbers as ranges, per kiosk installation when there are several: "3–4, 7 …". */
function gapRanges(entry: FleetEntry, limit = 6): string {
  const byKiosk = new Map<string, string[]>();
  for (const gap of entry.gaps) {
    const ranges = byKiosk.get(gap.kioskId) ?? [];
    ranges.push(gap.from === gap.to ? `${gap.from}` : `${gap.from}–${gap.to}`);
    byKiosk.set(gap.kioskId, ranges);
  }
  const parts = [...byKiosk].map(([kioskId, ranges]) => {
    const shown = ranges.length > limit ? `${ranges.slice(0, limit).join(', ')} …` : ranges.join(', ');
    return byKiosk.size > 1 ? `${kioskId.slice(0, 8)}…: ${shown}` : shown;
  });
  return parts.join('; ');
}

/** How far and which way a kiosk's clock is off: "3 giờ (nhanh hơn máy chủ)". */
function clockWords(t: StaffT, skewMs: number): { span: string; direction: string } {
  return { span: formatSpan(t, Math.abs(skewMs)), direction: skewMs > 0 ? t('fleet.clockAhead') : t('fleet.clockBehind') };
}

/** The kiosk's clock as last seen, in words (under a minute off counts as right). */
export function clockText(t: StaffT, clock: FleetEntry['clock']): string | null {
  if (clock === null) return null;
  return Math.abs(clock.skewMs) < 60_000 ? t('fleet.clockRight') : t('fleet.clock', clockWords(t, clock.skewMs));
}

/** The set-aside page narrowed to one device. */
function setAsideHref(entry: FleetEntry): string {
  return `/admin/set-aside?device=${encodeURIComponent(entry.id)}`;
}

/** One problem of a device in words. */
export function problemText(lang: Lang, t: StaffT, problem: FleetProblem, entry: FleetEntry, now: Date): string {
  const count = (n: number) => formatCount(lang, n);
  switch (problem.kind) {
    case 'neverContacted':
      return t('fleet.problems.neverContacted');
    case 'stale':
      return t('fleet.problems.stale', { age: formatSpan(t, now.getTime() - Date.parse(problem.lastContactAt)) });
    case 'gaps':
      return t('fleet.problems.gaps', { n: count(problem.missing), ranges: gapRanges(entry, 3) });
    case 'queueOld':
      return t('fleet.problems.queueOld', { age: formatSpan(t, now.getTime() - Date.parse(problem.oldestUnsentAt)), n: count(problem.queueDepth) });
    case 'conflicts':
      return t('fleet.problems.conflicts', { n: count(problem.count) });
    case 'rejected':
      return t('fleet.problems.rejected', { n: count(problem.count) });
    case 'storageNotPersisted':
      return t('fleet.problems.storageNotPersisted');
    case 'storageFull':
      return t('storageFull.problem', { n: count(problem.heldInMemory) });
    case 'clockSkew':
      return t('fleet.problems.clockSkew', clockWords(t, problem.skewMs));
    case 'sharedKioskId':
      return t('fleet.problems.sharedKioskId', { kiosk: `${problem.kioskId.slice(0, 8)}…`, devices: problem.otherDevices.map((d) => d.label).join(', ') });
  }
}

function FleetRow({ ctx, entry, now }: { ctx: PageContext; entry: FleetEntry; now: Date }) {
  const { t, lang } = ctx;
  const report = entry.lastReport;
  const storage = report?.storage;
  const persisted = storage?.persisted === true ? t('fleet.persisted') : storage?.persisted === false ? t('fleet.notPersisted') : t('fleet.persistUnknown');
  const clock = clockText(t, entry.clock);
  const rejectedSeqs = entry.setAside.filter((s) => s.kind === 'rejected').length;
  const usage =
    storage && storage.usageBytes !== null && storage.quotaBytes !== null
      ? t('fleet.usage', { used: formatBytes(lang, storage.usageBytes), quota: formatBytes(lang, storage.quotaBytes) })
      : '';
  return (
    <tr class={entry.state}>
      <td class="device">
        <strong>{entry.label}</strong>
        <br />
        {entry.agencyCode} / {entry.counterCode}
      </td>
      <td>
        {entry.lastContactAt === null ? (
          t('layout.never')
        ) : (
          <>
            {formatAgoText(t, lang, entry.lastContactAt, now)}
            <br />
            <span class="hint">{formatDateTime(lang, entry.lastContactAt)}</span>
          </>
        )}
        {clock !== null ? (
          <>
            <br />
            <span class={Math.abs(entry.clock!.skewMs) > CLOCK_SKEW_NOTICE_MS ? 'bad' : 'hint'}>{clock}</span>
          </>
        ) : null}
      </td>
      <td>
        {entry.state === 'revoked' ? (
          t('fleet.revoked')
        ) : entry.problems.length === 0 ? (
          <span class="ok">✓ {t('fleet.ok')}</span>
        ) : (
          <ul class="problems">
            {entry.problems.map((p) => (
              <li>{problemText(lang, t, p, entry, now)}</li>
            ))}
          </ul>
        )}
        {report?.lastError ? (
          <>
            <br />
            <span class="hint">
              {t('fleet.lastError')}: {report.lastError}
            </span>
          </>
        ) : null}
      </td>
      <td>
        {report ? (
          <>
            {t('fleet.queueCount', { n: formatCount(lang, report.queueDepth) })}
            {entry.queueOldestAt ? (
              <>
                <br />
                <span class="hint">{t('fleet.oldestWaiting', { age: formatSpan(t, now.getTime() - Date.parse(entry.queueOldestAt)) })}</span>
              </>
            ) : null}
            <br />
            <span class="hint">
              {t('fleet.storage')}: {persisted}
              {usage ? `, ${usage}` : ''}
            </span>
          </>
        ) : (
          t('fleet.noReport')
        )}
      </td>
      <td class="num">{formatCount(lang, entry.received)}</td>
      <td>
        {entry.missing === 0 ? (
          t('fleet.noGaps')
        ) : (
          <>
            <span class="bad">{t('fleet.missing', { n: formatCount(lang, entry.missing) })}</span>
            <br />
            <span class="hint">{gapRanges(entry)}</span>
          </>
        )}
        {entry.setAside.length > 0 ? (
          <>
            <br />
            <strong>{t('fleet.setAside', { n: formatCount(lang, entry.setAside.length) })}</strong>
            <br />
            <span class="hint">
              {t('fleet.setAsideKinds', { rejected: formatCount(lang, rejectedSeqs), conflicts: formatCount(lang, entry.setAside.length - rejectedSeqs) })}
            </span>
          </>
        ) : null}
        {entry.setAsideCounts.conflicts + entry.setAsideCounts.rejections > 0 ? (
          <>
            <br />
            <a href={setAsideHref(entry)}>{t('fleet.setAsideLink')}</a>
          </>
        ) : null}
      </td>
      <td>
        {report ? (
          <>
            {t('fleet.app')} {report.appVersion}
            <br />
            {t('fleet.definition')} {report.definition}
          </>
        ) : (
          '—'
        )}
      </td>
      <FleetFunnelCell ctx={ctx} funnel={entry.funnel} lost={report?.funnelLost} />
    </tr>
  );
}

/**
 * The translator of one page, remembering each text it made: a thousand rows ask for the same few
 * dozen ("Quầy chưa gửi", "3 giờ"), and i18next's lookup and interpolation per call were most of the
 * fleet page's time at 1,000 devices (issue 12). Keyed by the key and its options as JSON: the options
 * here are numbers and strings, so equal JSON is an equal text.
 */
export function rememberingT(t: StaffT): StaffT {
  const made = new Map<string, string>();
  const remembering = (key: string, options?: unknown): string => {
    const id = options === undefined ? key : `${key}\u0000${JSON.stringify(options)}`;
    let text = made.get(id);
    if (text === undefined) {
      text = (t as unknown as (key: string, options?: unknown) => string)(key, options);
      made.set(id, text);
    }
    return text;
  };
  return remembering as unknown as StaffT;
}

/** The fleet page's path; its page links and search form point here. */
export const FLEET_PAGE_PATH = '/admin/fleet';

/** The fleet page's link with these filters and page (page 1 left out, as the form sends it). */
function fleetHref(values: Record<string, string>, page: number): string {
  const params = new URLSearchParams();
  for (const key of ['q', 'state']) if (values[key]) params.set(key, values[key]);
  if (page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `${FLEET_PAGE_PATH}?${text}` : FLEET_PAGE_PATH;
}

/** Page numbers the pager links to: the first, the last, and two either side of the current one; null is a gap. */
export function pagerNumbers(page: number, pages: number): Array<number | null> {
  const shown = [...new Set([1, page - 2, page - 1, page, page + 1, page + 2, pages])].filter((n) => n >= 1 && n <= pages).sort((a, b) => a - b);
  const withGaps: Array<number | null> = [];
  for (const n of shown) {
    const last = withGaps[withGaps.length - 1];
    if (typeof last === 'number' && n > last + 1) withGaps.push(null);
    withGaps.push(n);
  }
  return withGaps;
}

/** Previous / numbered / next links between the fleet's pages, the current one marked for assistive technology. */
function FleetPager({ ctx, view, values }: { ctx: PageContext; view: FleetPageView; values: Record<string, string> }) {
  const { t, lang } = ctx;
  if (view.pages <= 1) return null;
  return (
    <nav class="pager no-print" aria-label={t('fleetPaging.navLabel')}>
      <p>
        {view.page > 1 ? (
          <a href={fleetHref(values, view.page - 1)} rel="prev">
            ← {t('fleetPaging.previous')}
          </a>
        ) : (
          <span class="hint">← {t('fleetPaging.previous')}</span>
        )}{' '}
        {pagerNumbers(view.page, view.pages).map((n) =>
          n === null ? (
            <span aria-hidden="true">… </span>
          ) : (
            <>
              <a
                href={fleetHref(values, n)}
                aria-current={n === view.page ? 'page' : undefined}
                aria-label={t('fleetPaging.pageOf', { page: formatCount(lang, n), pages: formatCount(lang, view.pages) })}
              >
                {n === view.page ? <strong>{formatCount(lang, n)}</strong> : formatCount(lang, n)}
              </a>{' '}
            </>
          ),
        )}
        {view.page < view.pages ? (
          <a href={fleetHref(values, view.page + 1)} rel="next">
            {t('fleetPaging.next')} →
          </a>
        ) : (
          <span class="hint">{t('fleetPaging.next')} →</span>
        )}
      </p>
    </nav>
  );
}

/** The search by label or codes and the state filter; a new search starts again at page 1. */
function FleetSearch({ ctx, values, filtered }: { ctx: PageContext; values: Record<string, string>; filtered: boolean }) {
  const { t } = ctx;
  return (
    <form class="filters" method="get" action={FLEET_PAGE_PATH} role="search" aria-label={t('fleetPaging.searchLabel')}>
      <label>
        {t('fleetPaging.search')}
        <span class="hint">{t('fleetPaging.searchHint')}</span>
        <input type="search" name="q" value={values.q ?? ''} maxLength={FLEET_SEARCH_MAX} />
      </label>
      <label>
        {t('fleetPaging.stateFilter')}
        <select name="state">
          <option value="" selected={!values.state}>
            {t('fleetPaging.anyState')}
          </option>
          {FLEET_STATES.map((state) => (
            <option value={state} selected={values.state === state}>
              {t(`fleetPaging.states.${state}`)}
            </option>
          ))}
        </select>
      </label>
      <div class="actions">
        <button type="submit">{t('fleetPaging.apply')}</button>
        {filtered ? <a href={FLEET_PAGE_PATH}>{t('fleetPaging.clear')}</a> : null}
      </div>
    </form>
  );
}

/**
 * The fleet view: one page of the devices, the ones needing a visit first, each problem in words; the
 * counts of the whole fleet above it, a search to reach any device, links between the pages.
 */
export function FleetPage({
  ctx: pageCtx,
  view,
  values,
  problems = [],
  now,
}: {
  ctx: PageContext;
  view: FleetPageView;
  /** The query's fields as given, kept by the search form and the page links. */
  values: Record<string, string>;
  /** What was wrong with the query: the page then shows the counts and the form, no rows. */
  problems?: readonly string[];
  now: Date;
}) {
  const ctx: PageContext = { ...pageCtx, t: rememberingT(pageCtx.t) };
  const { t, lang } = ctx;
  const filtered = Boolean(values.q || values.state);
  const count = (n: number) => formatCount(lang, n);
  return (
    <Page ctx={ctx} title={t('fleet.title')} active="fleet">
      <p class="lead">{t('fleet.intro')}</p>
      <p>
        <strong>{t('fleet.summary', { attention: view.counts.attention, ok: view.counts.ok, revoked: view.counts.revoked })}</strong>
      </p>
      <ProblemsBox ctx={ctx} problems={problems} />
      {view.total === 0 ? (
        <p>{t('fleet.empty')}</p>
      ) : (
        <>
          <FleetSearch ctx={ctx} values={values} filtered={filtered} />
          {problems.length > 0 ? null : (
            <>
              {view.pastLast !== null ? (
                <p role="status" class="bad">
                  {t('fleetPaging.pastLast', { asked: count(view.pastLast), pages: count(view.pages) })}
                </p>
              ) : null}
              {view.matching === 0 ? (
                <p role="status">{t('fleetPaging.noMatch')}</p>
              ) : (
                <>
                  <p role="status">
                    {t(filtered ? 'fleetPaging.shownOfMatching' : 'fleetPaging.shown', {
                      from: count(view.offset + 1),
                      to: count(view.offset + view.rows.length),
                      matching: count(view.matching),
                      total: count(view.total),
                    })}{' '}
                    {t('fleetPaging.pageOf', { page: count(view.page), pages: count(view.pages) })}
                  </p>
                  {/* Wider than a tablet at 175% text: the table scrolls in its own box (keyboard-focusable), not the page. */}
                  <div class="table-wrap" tabIndex={0}>
                    <table>
                      <thead>
                        <tr>
                          <th>{t('fleet.device')}</th>
                          <th>{t('fleet.lastContact')}</th>
                          <th>{t('fleet.state')}</th>
                          <th>{t('fleet.queue')}</th>
                          <th class="num">{t('fleet.received')}</th>
                          <th>{t('fleet.gaps')}</th>
                          <th>{t('fleet.versions')}</th>
                          <th>{t('funnel.fleetHeading')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {view.rows.map((entry) => (
                          <FleetRow ctx={ctx} entry={entry} now={now} />
                        ))}
                      </tbody>
                    </table>
                  </div>
                  <FleetPager ctx={ctx} view={view} values={values} />
                </>
              )}
            </>
          )}
        </>
      )}
    </Page>
  );
}
