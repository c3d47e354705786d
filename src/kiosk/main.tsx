import { render, type ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { StaffCorner, loadStaffArea } from './staff-corner/index';
import type { ProvisioningNoticeProps, StaffAreaProps } from './staff';
import { i18nReady } from './i18n';
import { KioskApp, loadBundledDefinitions, pickDefinition } from './citizen';
import { registerServiceWorker, type AppUpdates } from './pwa';
import { hasProvisioningFragment, type ProvisioningProblem } from '../shared/wire';
import type { KioskSettings } from '../shared/settings';
import { definitionKey } from '../shared/ids';
import { loadSettings, raiseStaffAlert, requestPersistentStorage, storeResponse } from './storage';
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
  // A sync answer that moves the tablet (its place at the collector changed) applies to the next citizen.
  useEffect(() => sync.onSettingsChanged(setSettings), [sync]);
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
          saveResponse={(response) => storeResponse(response, settings)}
          onStaffAlert={(kind, key, detail) => void raiseStaffAlert(kind, key, detail)}
          onResponseStored={() => void sync.requestDrain('response-stored')}
          onWelcome={() => updates.applyIfWaiting()}
        />
      )}
      {refusedLink && !Staff && <refusedLink.Notice problems={refusedLink.problems} onDismiss={() => setRefusedLink(null)} />}
      {/* Last in the DOM, so it comes last in a keyboard user's Tab order. */}
      {!Staff && <StaffCorner onOpen={() => void loadStaffArea().then((module) => setStaff(() => module.StaffArea))} />}
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
