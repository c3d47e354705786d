/** @jsxRuntime automatic @jsxImportSource preact */
import { formatCount } from '../../../shared/l10n';
import type { PageContext } from './context';
import { FilterFields, ProblemsBox, type FilterFormOptions } from './FilterFields';
import { Page } from './Layout';

/** Where the export form sends each format. */
export const EXPORT_PATHS = {
  csv: '/api/v1/admin/responses.csv',
  xlsx: '/api/v1/admin/responses.xlsx',
  json: '/api/v1/admin/responses.json',
} as const;

/** The export page: the filters, a count, and one download button per format. */
export function ExportPage({ ctx, options, count, problems }: { ctx: PageContext; options: FilterFormOptions; count?: number; problems: readonly string[] }) {
  const { t, lang } = ctx;
  return (
    <Page ctx={ctx} title={t('export.title')} active="export">
      <p class="lead">{t('export.intro')}</p>
      <ProblemsBox ctx={ctx} problems={problems} />
      <form class="filters" method="get" action="/admin/export">
        <FilterFields ctx={ctx} options={options} />
        <label class="inline">
          <input type="checkbox" name="labels" value="1" checked={options.values.labels === '1'} /> {t('export.labels')}
        </label>
        <div class="actions">
          <button type="submit" class="secondary">
            {t('export.count')}
          </button>
          <button type="submit" formaction={EXPORT_PATHS.csv}>
            {t('export.csv')}
          </button>
          <button type="submit" formaction={EXPORT_PATHS.xlsx}>
            {t('export.xlsx')}
          </button>
          <button type="submit" formaction={EXPORT_PATHS.json}>
            {t('export.json')}
          </button>
        </div>
      </form>
      {count === undefined ? null : (
        <p role="status">
          <strong>{t('export.counted', { n: formatCount(lang, count) })}</strong>
        </p>
      )}
      <ul>
        <li>{t('export.csvNote')}</li>
        <li>{t('export.xlsxNote')}</li>
        <li>{t('export.jsonNote')}</li>
        <li>{t('export.timesNote')}</li>
      </ul>
    </Page>
  );
}
