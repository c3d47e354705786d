import { useState } from 'preact/hooks';
import type { StaffT } from './staff-i18n';
import type { KioskSettings } from '../../shared/settings';
import type { SurveyDefinition } from '../../shared/schemas';
import { PanelHeading } from './common';
import { buildEvacuationFile, buildResponsesCsv, type ExportFile } from './export-files';

export interface ExportPanelProps {
  t: StaffT;
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
      setResult({ ok: true, text: t('export.done', { file: file.name, count: file.count }) });
    } catch {
      setResult({ ok: false, text: t('export.failed') });
    } finally {
      setWorking(false);
    }
  };

  return (
    <section class="staff-panel staff-export">
      <PanelHeading>{t('export.heading')}</PanelHeading>
      <p class="staff-intro">{t('export.intro')}</p>

      <section class="staff-group" aria-labelledby="staff-export-csv">
        <h2 id="staff-export-csv">{t('export.csvTitle')}</h2>
        <p class="staff-hint">{t('export.csvHint')}</p>
        <label class="staff-choice">
          <input type="checkbox" checked={labels} onChange={(event) => setLabels((event.currentTarget as HTMLInputElement).checked)} />
          <span>{t('export.labels')}</span>
        </label>
        <button
          type="button"
          class="staff-button staff-primary"
          disabled={working}
          onClick={() => void run(() => buildResponsesCsv(definitions, activeDefinition, settings, { labels, locale: language, at: now() }))}
        >
          {t('export.csvButton')}
        </button>
      </section>

      <section class="staff-group" aria-labelledby="staff-export-evacuation">
        <h2 id="staff-export-evacuation">{t('export.evacuationTitle')}</h2>
        <p class="staff-hint">{t('export.evacuationHint')}</p>
        <button type="button" class="staff-button staff-primary" disabled={working} onClick={() => void run(() => buildEvacuationFile(settings, now()))}>
          {t('export.evacuationButton')}
        </button>
      </section>

      {working && (
        <p class="staff-hint" role="status">
          {t('export.working')}
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
