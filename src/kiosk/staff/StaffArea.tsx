import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { KioskSettings } from '../../shared/settings';
import { loadSettings } from '../storage';
import type { SurveyDefinition } from '../../shared/schemas';
import { ExportPanel } from './ExportPanel';
import { HealthPanel, type StaffSync } from './HealthPanel';
import { PinCreate, PinEntry } from './PinPanels';
import { SetupPanel } from './SetupPanel';
import { downloadFile } from './export-files';
import { hasStaffPin } from './pin';
import { staffTranslator } from './staff-i18n';
import './staff.css';

/** The staff area closes itself after this long without a touch or a key. */
export const STAFF_IDLE_MS = 2 * 60_000;

/** Events that count as staff still being there. */
const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'input', 'wheel'] as const;

export interface StaffAreaProps {
  /** Every bundled questionnaire definition (setup offers them). */
  definitions: SurveyDefinition[];
  /** The definition the kiosk is asking now. */
  activeDefinition: SurveyDefinition;
  sync: StaffSync;
  updates: { isWaiting(): boolean };
  /** Leaves the staff area; the kiosk returns to its welcome screen. */
  onClose(): void;
  /** Called after settings were saved, with the saved settings, so the kiosk can apply them. */
  onSettingsSaved(settings: KioskSettings): void;
  now?: () => Date;
  /** Idle time before the area closes itself; STAFF_IDLE_MS by default. */
  idleMs?: number;
  /** Language the area opens in; staff can switch. */
  language?: 'vi' | 'en';
  /** Shown in the health panel; the build's __APP_VERSION__ by default. */
  appVersion?: string;
  /** PBKDF2 iterations for a new PIN (PBKDF2_ITERATIONS by default; tests use fewer). */
  pinIterations?: number;
  /** Where export files go; a browser download by default. */
  saveFile?: (file: { name: string; blob: Blob }) => void;
}

type View = 'loading' | 'failed' | 'create-pin' | 'enter-pin' | 'health' | 'setup' | 'export' | 'change-pin';
type Panel = 'health' | 'setup' | 'export' | 'change-pin';

const PANELS: ReadonlyArray<{ view: Panel; key: `area.${'health' | 'setup' | 'export' | 'changePin'}` }> = [
  { view: 'health', key: 'area.health' },
  { view: 'setup', key: 'area.setup' },
  { view: 'export', key: 'area.export' },
  { view: 'change-pin', key: 'area.changePin' },
];

/**
 * The staff area: PIN (or first-run PIN creation, then setup), then the health, setup, export and
 * PIN panels. It covers the whole screen and closes itself after `idleMs` without activity.
 */
export function StaffArea(props: StaffAreaProps) {
  const now = props.now ?? (() => new Date());
  const idleMs = props.idleMs ?? STAFF_IDLE_MS;
  const [language, setLanguage] = useState<'vi' | 'en'>(props.language ?? 'vi');
  const t = useMemo(() => staffTranslator(language), [language]);
  const [view, setView] = useState<View>('loading');
  const [firstRun, setFirstRun] = useState(false);
  const [settings, setSettings] = useState<KioskSettings | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(props.onClose);
  onCloseRef.current = props.onClose;

  useEffect(() => {
    hasStaffPin().then(
      (exists) => setView(exists ? 'enter-pin' : 'create-pin'),
      () => setView('failed'),
    );
  }, []);

  // Idle close: any touch or key inside the area starts the wait again.
  useEffect(() => {
    const root = rootRef.current;
    let timer: ReturnType<typeof setTimeout> = setTimeout(() => onCloseRef.current(), idleMs);
    const restart = () => {
      clearTimeout(timer);
      timer = setTimeout(() => onCloseRef.current(), idleMs);
    };
    ACTIVITY_EVENTS.forEach((type) => root?.addEventListener(type, restart, { capture: true, passive: true }));
    return () => {
      clearTimeout(timer);
      ACTIVITY_EVENTS.forEach((type) => root?.removeEventListener(type, restart, { capture: true }));
    };
  }, [idleMs]);

  const open = (next: Panel) =>
    loadSettings().then(
      (loaded) => {
        setSettings(loaded);
        setView(next);
      },
      () => setView('failed'),
    );

  const unlocked = view === 'health' || view === 'setup' || view === 'export' || view === 'change-pin';
  const appVersion = props.appVersion ?? (typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : 'dev');

  return (
    <div class="staff-area" ref={rootRef} role="dialog" aria-modal="true" aria-label={t('area.title')} lang={language}>
      <header class="staff-bar">
        <span class="staff-title">{t('area.title')}</span>
        <button type="button" class="staff-button" lang={language === 'vi' ? 'en' : 'vi'} onClick={() => setLanguage(language === 'vi' ? 'en' : 'vi')}>
          {t('area.switchLanguage')}
        </button>
        <button type="button" class="staff-button" onClick={() => props.onClose()}>
          {t('area.close')}
        </button>
      </header>
      {unlocked && (
        <nav class="staff-nav" aria-label={t('area.nav')}>
          {PANELS.map((panel) => (
            <button
              key={panel.view}
              type="button"
              class="staff-button staff-tab"
              aria-current={view === panel.view ? 'page' : undefined}
              onClick={() => setView(panel.view)}
            >
              {t(panel.key)}
            </button>
          ))}
        </nav>
      )}
      <main class="staff-main">
        {view === 'loading' && <p class="staff-hint">{t('area.loading')}</p>}
        {view === 'failed' && (
          <p class="staff-error" role="alert">
            {t('area.loadFailed')}
          </p>
        )}
        {view === 'create-pin' && (
          <PinCreate
            t={t}
            mode="create"
            iterations={props.pinIterations}
            onSaved={() => {
              setFirstRun(true);
              void open('setup');
            }}
          />
        )}
        {view === 'enter-pin' && <PinEntry t={t} now={now} onUnlocked={() => void open('health')} />}
        {view === 'health' && (
          <HealthPanel
            t={t}
            language={language}
            sync={props.sync}
            updates={props.updates}
            activeDefinition={props.activeDefinition}
            appVersion={appVersion}
            now={now}
            saveFile={props.saveFile}
          />
        )}
        {view === 'setup' && settings && (
          <SetupPanel
            t={t}
            language={language}
            settings={settings}
            definitions={props.definitions}
            activeDefinition={props.activeDefinition}
            firstRun={firstRun}
            onSaved={(saved) => {
              setSettings(saved);
              props.onSettingsSaved(saved);
              if (firstRun) {
                setFirstRun(false);
                setView('health');
              }
            }}
          />
        )}
        {view === 'export' && settings && (
          <ExportPanel
            t={t}
            language={language}
            definitions={props.definitions}
            activeDefinition={props.activeDefinition}
            settings={settings}
            now={now}
            saveFile={props.saveFile ?? downloadFile}
          />
        )}
        {view === 'change-pin' && <PinCreate t={t} mode="change" iterations={props.pinIterations} onSaved={() => undefined} />}
      </main>
    </div>
  );
}
