import { useState } from 'preact/hooks';
import type { TFunction } from '../i18n';
import type { KioskSettings } from '../../shared/settings/defaults';
import type { SurveyDefinition } from '../../shared/schemas/definition-schema';
import { PanelHeading } from './common';
import { buildEvacuationFile, buildResponsesCsv, type ExportFile } from './export-files';

export interface ExportPanelProps {
  t: TFunction;
  language: string;
  definitions: readonly SurveyDefinition[];
  activeDefinition: SurveyDefinition;
  settings: KioskSettings;
  now: () => Date;
  saveFile: (file: { name: string; blob: Blob }) => void;
}

/** CSV of every response on the tablet, and the evacuation file of the unsent ones. */
export function ExportPanel({ t, language, definitions, activeDefinition, settings, now, saveFile }: ExportPanelProps) {
  const [labels, setLabels] = useState(false);
  const [working, setWorking] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);

  const run = async (build: () => Promise<ExportFile>) => {
    if (working) return;
    setWorking(true);
    setResult(null);
    try {
      const file = await build();
      saveFile(file);
      setResult({ ok: true, text: t('staff.export.done', { file: file.name, count: file.count }) });
    } catch {
      setResult({ ok: false, text: t('staff.export.failed') });
    } finally {
      setWorking(false);
    }
  };

  return (
    <section class="staff-panel staff-export">
      <PanelHeading>{t('staff.export.heading')}</PanelHeading>
      <p class="staff-intro">{t('staff.export.intro')}</p>

      <section class="staff-group" aria-labelledby="staff-export-csv">
        <h2 id="staff-export-csv">{t('staff.export.csvTitle')}</h2>
        <p class="staff-hint">{t('staff.export.csvHint')}</p>
        <label class="staff-choice">
          <input type="checkbox" checked={labels} onChange={(event) => setLabels((event.currentTarget as HTMLInputElement).checked)} />
          <span>{t('staff.export.labels')}</span>
        </label>
        <button
          type="button"
          class="staff-button staff-primary"
          disabled={working}
          onClick={() => void run(() => buildResponsesCsv(definitions, activeDefinition, settings, { labels, locale: language, at: now() }))}
        >
          {t('staff.export.csvButton')}
        </button>
      </section>

      <section class="staff-group" aria-labelledby="staff-export-evacuation">
        <h2 id="staff-export-evacuation">{t('staff.export.evacuationTitle')}</h2>
        <p class="staff-hint">{t('staff.export.evacuationHint')}</p>
        <button type="button" class="staff-button staff-primary" disabled={working} onClick={() => void run(() => buildEvacuationFile(settings, now()))}>
          {t('staff.export.evacuationButton')}
        </button>
      </section>

      {working && (
        <p class="staff-hint" role="status">
          {t('staff.export.working')}
        </p>
      )}
      {result && (
        <p class={result.ok ? 'staff-ok' : 'staff-error'} role={result.ok ? 'status' : 'alert'}>
          {result.text}
        </p>
      )}
    </section>
  );
}
