import { render } from 'preact';
import { i18nReady } from './i18n';
import { KioskApp, loadBundledDefinitions, pickDefinition } from './kiosk';
import { registerServiceWorker } from './pwa';
import { applyProvisioningLink } from './provisioning';
import { loadSettings, raiseStaffAlert, requestPersistentStorage, storeResponse } from './storage';
import { createSyncEngine } from './sync';
import './kiosk/kiosk.css';

/** Starts the kiosk: settings and definition from the tablet, the outbox drain, then the welcome screen. */
async function boot(root: HTMLElement): Promise<void> {
  await i18nReady();
  await applyProvisioningLink(window.location, window.history);
  const [settings, definitions] = await Promise.all([loadSettings(), loadBundledDefinitions()]);
  // Asked at every start: the answer can change (site engagement, installed to home screen).
  void requestPersistentStorage().catch((error: unknown) => raiseStaffAlert('storage', 'alerts.storageUnknown', String(error)));
  const definition = pickDefinition(definitions, settings.definitionId, settings.definitionVersion);
  if (!definition) throw new Error('no questionnaire definition is bundled');
  const updates = registerServiceWorker();
  const sync = createSyncEngine({
    loadSettings,
    activeDefinition: () => `${definition.id}@${definition.version}`,
    appVersion: __APP_VERSION__,
    origin: window.location.origin,
    locks: navigator.locks,
    events: window,
  });
  sync.start();
  render(
    <KioskApp
      definition={definition}
      settings={settings}
      appVersion={__APP_VERSION__}
      saveResponse={(response) => storeResponse(response, settings)}
      onStaffAlert={(kind, key, detail) => void raiseStaffAlert(kind, key, detail)}
      onResponseStored={() => void sync.requestDrain('response-stored')}
      onWelcome={() => updates.applyIfWaiting()}
    />,
    root,
  );
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
