/** @jsxRuntime automatic @jsxImportSource preact */
import { formatCount, formatDateTime } from '../../../shared/l10n';
import type { CaseDuplicateIds, RejectionRecord, SetAsidePage as Listing } from '../../stores';
import type { ConflictView } from '../set-aside';
import type { PageContext } from './context';
import { DateRangeFields, ProblemsBox } from './FilterFields';
import { Page } from './Layout';

/** Where the set-aside page, its CSV and its JSON live. */
export const SET_ASIDE_PATHS = {
  page: '/admin/set-aside',
  csv: '/api/v1/admin/set-aside.csv',
  json: '/api/v1/admin/set-aside',
} as const;

/** What the set-aside page shows; a listing left out was not asked for (filtered by kind). */
export interface SetAsideView {
  conflicts: Listing<ConflictView> | null;
  rejections: Listing<RejectionRecord> | null;
  /** Response ids stored more than once in different letter case (null: not asked for). */
  caseDuplicates: readonly CaseDuplicateIds[] | null;
  /** Every device, for the device filter and to name each entry's device. */
  devices: ReadonlyArray<{ id: string; label: string }>;
  /** The filters as given (shown again in the form). */
  values: Record<string, string>;
}

function query(values: Record<string, string>): string {
  const params = new URLSearchParams();
  for (const key of ['device', 'kind', 'from', 'to']) if (values[key]) params.set(key, values[key]);
  const text = params.toString();
  return text ? `?${text}` : '';
}

function Shown({ ctx, listing }: { ctx: PageContext; listing: Listing<unknown> }) {
  if (listing.entries.length >= listing.total) return null;
  const { t, lang } = ctx;
  return <p class="hint">{t('setAside.shown', { shown: formatCount(lang, listing.entries.length), total: formatCount(lang, listing.total) })}</p>;
}

function Conflict({ ctx, conflict, deviceLabel }: { ctx: PageContext; conflict: ConflictView; deviceLabel: string }) {
  const { t, lang } = ctx;
  const none = t('setAside.noValue');
  return (
    <section class="conflict">
      <h3>
        {t('setAside.responseId')}: <code>{conflict.responseId}</code>
      </h3>
      <p>
        {t('setAside.device')}: <strong>{deviceLabel}</strong> · {t('setAside.kioskId')}: <code>{conflict.incoming.kioskId}</code> · {t('setAside.seq')}:{' '}
        {conflict.incoming.seq}
        <br />
        {t('setAside.storedAt')}: {conflict.stored ? formatDateTime(lang, conflict.stored.receivedAt) : t('setAside.unknown')} · {t('setAside.incomingAt')}:{' '}
        {formatDateTime(lang, conflict.receivedAt)}
      </p>
      {conflict.stored === null ? <p class="bad">{t('setAside.storedMissing')}</p> : null}
      {conflict.differences.length === 0 ? (
        <p class="hint">{t('setAside.noDifference')}</p>
      ) : (
        <table class="compact">
          <thead>
            <tr>
              <th>{t('setAside.field')}</th>
              <th>{t('setAside.storedValue')}</th>
              <th>{t('setAside.incomingValue')}</th>
            </tr>
          </thead>
          <tbody>
            {conflict.differences.map((d) => (
              <tr>
                <td>
                  <code>{d.field}</code>
                </td>
                <td>{d.stored ?? none}</td>
                <td>{d.incoming ?? none}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The set-aside page: conflicts side by side with what is stored, and rejections with their reasons; filterable, exportable. */
export function SetAsidePage({ ctx, view, problems }: { ctx: PageContext; view: SetAsideView; problems: readonly string[] }) {
  const { t, lang } = ctx;
  const labels = new Map(view.devices.map((d) => [d.id, d.label]));
  const deviceLabel = (id: string | null) => (id === null ? t('setAside.noDevice') : (labels.get(id) ?? id));
  const v = view.values;
  const links = query(v);
  return (
    <Page ctx={ctx} title={t('setAside.title')} active="setAside">
      <p class="lead">{t('setAside.intro')}</p>
      <ProblemsBox ctx={ctx} problems={problems} />
      <form class="filters" method="get" action={SET_ASIDE_PATHS.page}>
        <label>
          {t('setAside.device')}
          <select name="device">
            <option value="" selected={!v.device}>
              {t('setAside.anyDevice')}
            </option>
            {view.devices.map((d) => (
              <option value={d.id} selected={v.device === d.id}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('setAside.kind')}
          <select name="kind">
            <option value="all" selected={!v.kind || v.kind === 'all'}>
              {t('setAside.kindAll')}
            </option>
            <option value="conflicts" selected={v.kind === 'conflicts'}>
              {t('setAside.kindConflicts')}
            </option>
            <option value="rejections" selected={v.kind === 'rejections'}>
              {t('setAside.kindRejections')}
            </option>
          </select>
        </label>
        <DateRangeFields ctx={ctx} from={v.from} to={v.to} />
        <div class="actions">
          <button type="submit">{t('setAside.apply')}</button>
          <a href={SET_ASIDE_PATHS.csv + links}>{t('setAside.downloadCsv')}</a>
          <a href={SET_ASIDE_PATHS.json + links}>{t('setAside.downloadJson')}</a>
        </div>
      </form>
      <p role="status">
        <strong>
          {t('setAside.summary', { conflicts: formatCount(lang, view.conflicts?.total ?? 0), rejections: formatCount(lang, view.rejections?.total ?? 0) })}
        </strong>
      </p>
      {view.conflicts === null ? null : (
        <>
          <h2>{t('setAside.conflictsTitle')}</h2>
          <Shown ctx={ctx} listing={view.conflicts} />
          {view.conflicts.entries.length === 0 ? (
            <p>{t('setAside.noConflicts')}</p>
          ) : (
            view.conflicts.entries.map((c) => <Conflict ctx={ctx} conflict={c} deviceLabel={deviceLabel(c.deviceId)} />)
          )}
        </>
      )}
      {view.rejections === null ? null : (
        <>
          <h2>{t('setAside.rejectionsTitle')}</h2>
          <Shown ctx={ctx} listing={view.rejections} />
          {view.rejections.entries.length === 0 ? (
            <p>{t('setAside.noRejections')}</p>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>{t('setAside.receivedAt')}</th>
                    <th>{t('setAside.device')}</th>
                    <th>
                      {t('setAside.kioskId')} · {t('setAside.seq')}
                    </th>
                    <th>{t('setAside.responseId')}</th>
                    <th>{t('setAside.reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  {view.rejections.entries.map((r) => (
                    <tr class="rejection">
                      <td>{formatDateTime(lang, r.receivedAt)}</td>
                      <td>{deviceLabel(r.deviceId)}</td>
                      <td>
                        {r.kioskId === null ? t('setAside.unknown') : <code>{r.kioskId}</code>}
                        {r.seq === null ? null : ` · ${r.seq}`}
                      </td>
                      <td>{r.responseId === null ? t('setAside.unknown') : <code>{r.responseId}</code>}</td>
                      <td>{r.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      {view.caseDuplicates === null || view.caseDuplicates.length === 0 ? null : (
        <>
          <h2>{t('setAside.caseDuplicatesTitle')}</h2>
          <p>{t('setAside.caseDuplicatesIntro')}</p>
          <table class="compact">
            <thead>
              <tr>
                <th>{t('setAside.responseId')}</th>
                <th>{t('setAside.storedIds')}</th>
                <th>{t('setAside.foundAt')}</th>
              </tr>
            </thead>
            <tbody>
              {view.caseDuplicates.map((d) => (
                <tr class="case-duplicate">
                  <td>
                    <code>{d.canonicalId}</code>
                  </td>
                  <td>
                    {d.ids.map((id, i) => (
                      <>
                        {i > 0 ? <br /> : null}
                        <code>{id}</code>
                      </>
                    ))}
                  </td>
                  <td>{formatDateTime(lang, d.foundAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Page>
  );
}
