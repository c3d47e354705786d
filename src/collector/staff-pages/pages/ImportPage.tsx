/** @jsxRuntime automatic @jsxImportSource preact */
import type { DeviceRecord } from '../../stores';
import type { PageContext } from './context';
import { Page, STAFF_SCRIPTS } from './Layout';
import { JsonScript } from './trusted';

/** The path the import page posts the file to (its script reads it from the form's action). */
export const IMPORT_PATH = '/api/v1/admin/imports';

/** The words the import page's script shows, by key (browser/import-page.ts reads them). */
export const IMPORT_WORD_KEYS = [
  'noFile',
  'working',
  'notJson',
  'signedOut',
  'failed',
  'network',
  'resultHeading',
  'total',
  'created',
  'duplicate',
  'conflict',
  'rejected',
  'problemsHeading',
  'index',
  'responseId',
  'outcome',
  'reason',
] as const;

/** The evacuation-file import page: the form, and the script that posts the file and shows the summary. */
export function ImportPage({ ctx, devices }: { ctx: PageContext; devices: readonly DeviceRecord[] }) {
  const { t } = ctx;
  const words = {
    ...Object.fromEntries(IMPORT_WORD_KEYS.map((key) => [key, t(`import.${key}`)])),
    // The script fills in the kiosk and the time itself.
    fileOf: t('import.fileOf', { kioskId: '{kiosk}', exportedAt: '{at}' }),
  };
  return (
    <Page ctx={ctx} title={t('import.title')} active="import" scripts={[STAFF_SCRIPTS.importPage]}>
      <p class="lead">{t('import.intro')}</p>
      <form class="stack" id="import-form" method="post" action={IMPORT_PATH}>
        <label>
          {t('import.file')}
          <input type="file" name="file" accept=".json,application/json" required />
        </label>
        <label>
          {t('import.device')}
          <span class="hint">{t('import.deviceHint')}</span>
          <select name="device">
            <option value="">{t('import.noDevice')}</option>
            {devices.map((d) => (
              <option value={d.id}>
                {d.label} ({d.agencyCode} / {d.counterCode})
              </option>
            ))}
          </select>
        </label>
        <div class="actions">
          <button type="submit">{t('import.submit')}</button>
        </div>
      </form>
      <p id="import-status" role="status" aria-live="polite"></p>
      <div id="import-result"></div>
      <JsonScript id="import-words" value={words} />
    </Page>
  );
}
