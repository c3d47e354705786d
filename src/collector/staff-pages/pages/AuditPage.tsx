/** @jsxRuntime automatic @jsxImportSource preact */
import { formatDateTime } from '../../../shared/l10n';
import { AUDIT_ACTIONS, type StoredAuditEntry } from '../../stores';
import type { PageContext } from './context';
import { DateRangeFields, ProblemsBox } from './FilterFields';
import { Page } from './Layout';

/** Path of the audit log page. */
export const AUDIT_PATH = '/admin/audit';

/** What the audit page shows: one page of entries, the filters as typed, and where the next page starts. */
export interface AuditView {
  entries: readonly StoredAuditEntry[];
  /** The filters as typed (action, from, to), for the form and the paging links. */
  values: Record<string, string>;
  /** The id the next (older) page starts below; null on the last page. */
  nextBefore: number | null;
  /** Whether this is a later page (a link back to the newest is offered). */
  paged: boolean;
  problems: readonly string[];
}

/** An entry's details as short `key: value` text (escaped by Preact like every text). */
function detailsText(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('; ');
}

function pageLink(values: Record<string, string>, before: number | null): string {
  const params = new URLSearchParams();
  for (const key of ['action', 'from', 'to']) if (values[key]) params.set(key, values[key]);
  if (before !== null) params.set('before', String(before));
  const query = params.toString();
  return query ? `${AUDIT_PATH}?${query}` : AUDIT_PATH;
}

/** The audit log: every staff action, newest first, filterable by action and date, a page at a time. */
export function AuditPage({ ctx, view }: { ctx: PageContext; view: AuditView }) {
  const { t, lang } = ctx;
  const v = view.values;
  return (
    <Page ctx={ctx} title={t('audit.title')} active="audit">
      <p class="lead">{t('audit.intro')}</p>
      <ProblemsBox ctx={ctx} problems={view.problems} />
      <form class="filters" method="get" action={AUDIT_PATH}>
        <label>
          {t('audit.action')}
          <select name="action">
            <option value="" selected={!v.action}>
              {t('layout.all')}
            </option>
            {AUDIT_ACTIONS.map((action) => (
              <option value={action} selected={v.action === action}>
                {t(`audit.actions.${action}`)}
              </option>
            ))}
          </select>
        </label>
        <DateRangeFields ctx={ctx} from={v.from} to={v.to} />
        <div class="actions">
          <button type="submit">{t('audit.show')}</button>
        </div>
      </form>
      {view.entries.length === 0 ? (
        <p role="status">{t('audit.empty')}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('audit.at')}</th>
                <th scope="col">{t('audit.address')}</th>
                <th scope="col">{t('audit.action')}</th>
                <th scope="col">{t('audit.outcome')}</th>
                <th scope="col">{t('audit.details')}</th>
              </tr>
            </thead>
            <tbody>
              {view.entries.map((entry) => (
                <tr class={`audit-${entry.outcome}`}>
                  <td>{formatDateTime(lang, entry.at)}</td>
                  <td>{entry.address ?? t('audit.server')}</td>
                  <td>{t(`audit.actions.${entry.action}`)}</td>
                  <td>{t(`audit.outcomes.${entry.outcome}`)}</td>
                  <td>{detailsText(entry.details)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="actions" aria-label={t('audit.pages')}>
        {view.paged ? <a href={pageLink(v, null)}>{t('audit.newest')}</a> : null}
        {view.nextBefore !== null ? (
          <a href={pageLink(v, view.nextBefore)} rel="next">
            {t('audit.older')}
          </a>
        ) : null}
      </nav>
      <p class="hint">{t('audit.timesNote')}</p>
    </Page>
  );
}
