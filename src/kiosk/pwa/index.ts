import { Workbox } from 'workbox-window';
import { UPDATE_CHANNEL, createUpdateCoordinator, type UpdateChannel } from './update-coordinator';

export {
  createUpdateCoordinator,
  UPDATE_CHANNEL,
  UPDATE_IDLE_DELAY_MS,
  TAB_ANSWER_TIMEOUT_MS,
  FORGET_AFTER_MISSED,
  type UpdateCoordinator,
  type UpdateCoordinatorOptions,
  type UpdateChannel,
  type UpdateMessage,
} from './update-coordinator';

/** Service worker registration and the between-citizens update flow. */
export interface AppUpdates {
  /** True once a new version is downloaded and waiting. */
  isWaiting(): boolean;
  /**
   * The welcome screen shows between citizens: a waiting update is applied once every tab of the
   * kiosk is on its welcome screen, and a page the new version already controls reloads now.
   */
  applyIfWaiting(): void;
  /** The welcome screen gave way to a citizen or to staff: this tab must not reload until the next applyIfWaiting(). */
  busy(): void;
  /** Subscribes to "an update is waiting" for the health panel. */
  onWaiting(listener: () => void): void;
}

/**
 * Registers the service worker. A new version downloads in the background and waits; it is
 * activated only when every tab is on its welcome screen (tabs coordinate on a BroadcastChannel),
 * and a tab reloads into it only on its own welcome screen, so no citizen in any tab loses a
 * half-answered survey. An update found while idle on the welcome screen is applied after
 * UPDATE_IDLE_DELAY_MS without a citizen.
 */
export function registerServiceWorker(url = '/sw.js', options: { idleDelayMs?: number } = {}): AppUpdates {
  const listeners: Array<() => void> = [];
  const supported = 'serviceWorker' in navigator && import.meta.env.PROD;
  const workbox = supported ? new Workbox(url) : null;
  const channel = workbox && typeof BroadcastChannel === 'function' ? (new BroadcastChannel(UPDATE_CHANNEL) as unknown as UpdateChannel) : null;
  const coordinator = createUpdateCoordinator({
    channel,
    activate: () => workbox?.messageSkipWaiting(),
    reload: () => window.location.reload(),
    idleDelayMs: options.idleDelayMs,
  });
  if (workbox) {
    workbox.addEventListener('waiting', () => {
      coordinator.updateWaiting();
      listeners.forEach((listener) => listener());
    });
    // Once the new worker controls the page, reload so page and worker are the same version, but
    // only on the welcome screen: a citizen mid-survey finishes on the old page first.
    workbox.addEventListener('controlling', (event) => {
      if (event.isUpdate) coordinator.controlling();
    });
    // A closed tab is forgotten at once, so the others need not wait for its answer.
    window.addEventListener('pagehide', (event) => {
      if (!event.persisted) coordinator.close();
    });
    workbox.register().catch((error: unknown) => console.warn('service worker registration failed', error));
    // Look for a new version every hour; tablets run for days without a reload.
    setInterval(() => void workbox.update().catch(() => undefined), 60 * 60 * 1000);
  }
  return {
    isWaiting: () => coordinator.isWaiting(),
    applyIfWaiting: () => coordinator.welcome(),
    busy: () => coordinator.busy(),
    onWaiting: (listener) => listeners.push(listener),
  };
}
