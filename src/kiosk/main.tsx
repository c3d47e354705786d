import { render, type ComponentType } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { StaffCorner, loadStaffArea } from './staff-corner/index';
import type { ProvisioningNoticeProps, StaffAreaProps } from './staff';
import { i18nReady } from './i18n';
import { KioskApp, loadBundledDefinitions, loadEveryLanguage, pickDefinition } from './citizen';
import { registerServiceWorker, type AppUpdates } from './pwa';
import { hasProvisioningFragment, type ProvisioningProblem } from '../shared/wire';
import type { KioskSettings } from '../shared/settings';
import { definitionKey } from '../shared/ids';
import { loadSettings, onHeldResponsesWritten, raiseStaffAlert, recordFunnelEvent, requestPersistentStorage, storeResponse } from './storage';
import { createSyncEngine, type SyncEngine } from './outbox';
import type { SurveyDefinition } from '../shared/schemas';

interface RootProps {
  definitions: SurveyDefinition[];
  initialSettings: KioskSettings;
  sync: SyncEngine;
  updates: AppUpdates;
  /** The notice of a refused provisioning link (from the staff chunk, loaded only then), or null. */
  refusedLink: { Notice: ComponentType<ProvisioningNoticeProps>; problems: ProvisioningProblem[] } | null;
}

/** The kiosk with its hidden staff corner; the staff screens load only when a clerk opens them. */
function Root({ definitions, initialSettings, sync, updates, refusedLink: refused }: RootProps) {
  const [settings, setSettings] = useState(initialSettings);
  const [refusedLink, setRefusedLink] = useState(refused);
  // Settings changed from outside (a sync answer moved the tablet, a provisioning link) apply to the
  // next citizen: at once on the welcome screen, else when it next shows (issue 9).
  const atWelcome = useRef(false);
  const deferredSettings = useRef<KioskSettings | null>(null);
  const applyBetweenCitizens = (next: KioskSettings) => {
    if (atWelcome.current) setSettings(next);
    else deferredSettings.current = next;
  };
  useEffect(() => sync.onSettingsChanged(applyBetweenCitizens), [sync]);
  // Responses held in memory while storage refused them are written later: the outbox sends them then.
  useEffect(() => onHeldResponsesWritten(() => void sync.requestDrain('response-stored')), [sync]);
  // A provisioning link opened in the running kiosk changes only the fragment (no reload): apply it
  // at once, the same way as at boot, and take it out of the address bar.
  useEffect(() => {
    const onHashChange = () => {
      if (!hasProvisioningFragment(window.location.hash)) return;
      void (async () => {
        const outcome = await (await import('./provisioning')).applyProvisioningLink(window.location, window.history);
        if (outcome.kind === 'refused') setRefusedLink({ Notice: (await loadStaffArea()).ProvisioningNotice, problems: outcome.problems });
        if (outcome.kind !== 'applied') return;
        setRefusedLink(null);
        applyBetweenCitizens(await loadSettings());
        void sync.requestDrain('staff'); // the new token is tried at once, a refusal of the old one cleared
      })().catch((error: unknown) => void raiseStaffAlert('app', 'alerts.screenError', `provisioning link: ${String(error)}`));
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, [sync]);
  // A new key remounts the citizen screens on a clean welcome screen after staff leave.
  const [session, setSession] = useState(0);
  const [Staff, setStaff] = useState<ComponentType<StaffAreaProps> | null>(null);
  const definition = pickDefinition(definitions, settings.definitionId, settings.definitionVersion);
  if (!definition) throw new Error('no questionnaire definition is bundled');
  return (
    <>
      {Staff ? (
        <Staff
          definitions={definitions}
          activeDefinition={definition}
          sync={sync}
          updates={updates}
          onSettingsSaved={setSettings}
          onClose={() => {
            setStaff(null);
            setSession((n) => n + 1);
            void sync.requestDrain('staff');
          }}
        />
      ) : (
        <KioskApp
          key={session}
          definition={definition}
          settings={settings}
          appVersion={__APP_VERSION__}
          saveResponse={(response, timing) => storeResponse(response, settings, timing)}
          onStaffAlert={(kind, key, detail) => void raiseStaffAlert(kind, key, detail)}
          onResponseStored={() => void sync.requestDrain('response-stored')}
          // Drop-off counts (issue 8): recordFunnelEvent never throws, a failed write is only counted as lost.
          onFunnel={(event, counted) => void recordFunnelEvent(event, counted, new Date())}
          onWelcome={() => {
            atWelcome.current = true;
            if (deferredSettings.current) setSettings(deferredSettings.current);
            deferredSettings.current = null;
            updates.applyIfWaiting();
          }}
          onBusy={() => {
            atWelcome.current = false;
            updates.busy();
          }}
        />
      )}
      {refusedLink && !Staff && <refusedLink.Notice problems={refusedLink.problems} onDismiss={() => setRefusedLink(null)} />}
      {/* Last in the DOM, so it comes last in a keyboard user's Tab order. */}
      {!Staff && (
        <StaffCorner
          onOpen={() => {
            // Staff at work count as busy: no update reloads the page under them.
            atWelcome.current = false;
            updates.busy();
            // Staff read and export in either language: every language's texts come with the staff screens.
            // A failed text load must not lock staff out; their screens then fall back to Vietnamese.
            const everyLanguage = loadEveryLanguage(definitions).catch((error: unknown) => raiseStaffAlert('app', 'languageLoad.failed', String(error)));
            void Promise.all([loadStaffArea(), everyLanguage]).then(([module]) => setStaff(() => module.StaffArea));
          }}
        />
      )}
    </>
  );
}

/** Starts the kiosk: settings and definitions from the tablet, the outbox drain, then the welcome screen. */
async function boot(root: HTMLElement): Promise<void> {
  await i18nReady();
  // A tablet opens a provisioning link once in its life: the code that applies it loads only then.
  const provisioning = hasProvisioningFragment(window.location.hash)
    ? await (await import('./provisioning')).applyProvisioningLink(window.location, window.history)
    : ({ kind: 'none' } as const);
  // A refused link is shown to the clerk by a notice of the staff chunk (its words are for staff), loaded only then.
  const refusedLink = provisioning.kind === 'refused' ? { Notice: (await loadStaffArea()).ProvisioningNotice, problems: provisioning.problems } : null;
  const [settings, definitions] = await Promise.all([loadSettings(), loadBundledDefinitions()]);
  // Asked at every start: the answer can change (site engagement, installed to home screen).
  void requestPersistentStorage().catch((error: unknown) => raiseStaffAlert('storage', 'alerts.storageUnknown', String(error)));
  const updates = registerServiceWorker();
  const sync = createSyncEngine({
    // Read at every drain, so a token or endpoint saved by staff applies at once.
    loadSettings,
    activeDefinition: (current) => {
      const active = pickDefinition(definitions, current.definitionId, current.definitionVersion);
      return active ? definitionKey(active.id, active.version) : 'none';
    },
    appVersion: __APP_VERSION__,
    origin: window.location.origin,
    locks: navigator.locks,
    events: window,
  });
  sync.start();
  render(<Root definitions={definitions} initialSettings={settings} sync={sync} updates={updates} refusedLink={refusedLink} />, root);
}

const root = document.getElementById('app')!;
boot(root).catch((error: unknown) => {
  // The database could not even be opened: say so plainly; staff see the detail in the console.
  root.innerHTML = '';
  const message = document.createElement('p');
  message.className = 'boot-error';
  message.setAttribute('role', 'alert');
  message.textContent = 'Máy chưa sẵn sàng. Xin vui lòng báo cán bộ. / The kiosk is not ready. Please tell the staff.';
  root.append(message);
  console.error(error);
});
