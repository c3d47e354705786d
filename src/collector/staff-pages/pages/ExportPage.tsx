/** @jsxRuntime automatic @jsxImportSource preact */
import { formatCount } from '../../../shared/l10n';
import { CSV_SEPARATORS, EXPORT_HEADERS, type CsvSeparatorName, type ExportHeaders } from '../filters';
import type { PageContext } from './context';
import { FilterFields, ProblemsBox, type FilterFormOptions } from './FilterFields';
import { Page } from './Layout';

/** Where the export form sends each format. */
export const EXPORT_PATHS = {
  csv: '/api/v1/admin/responses.csv',
  xlsx: '/api/v1/admin/responses.xlsx',
  json: '/api/v1/admin/responses.json',
} as const;

/** The words of each header-row choice. */
const HEADER_CHOICES = { both: 'exportsExcel.headersBoth', names: 'exportsExcel.headersNames', codes: 'exportsExcel.headersCodes' } as const;

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
          <input type="checkbox" name="labels" value="1" checked={options.values.labels === '1'} /> {t('exportsExcel.labels')}
        </label>
        <label>
          {t('exportsExcel.headers')}
          <select name="headers">
            {EXPORT_HEADERS.map((h) => (
              // People get names above codes unless they choose otherwise; a bare API call keeps codes.
              <option value={h} selected={h === ((options.values.headers as ExportHeaders | undefined) ?? 'both')}>
                {t(HEADER_CHOICES[h])}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('exportsExcel.separator')}
          <select name="sep">
            {(Object.keys(CSV_SEPARATORS) as CsvSeparatorName[]).map((name) => (
              <option value={name} selected={name === (options.values.sep ?? 'comma')}>
                {t(`exportsExcel.${name}`)}
              </option>
            ))}
          </select>
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
      <p class="note">{t('exportsExcel.rowCount')}</p>
      <ul>
        <li>{t('export.csvNote')}</li>
        <li>{t('exportsExcel.separatorNote')}</li>
        <li>{t('export.xlsxNote')}</li>
        <li>{t('export.jsonNote')}</li>
        <li>{t('exportsExcel.timesNote')}</li>
        <li>{t('exportsExcel.fileNameNote')}</li>
      </ul>
    </Page>
  );
}
