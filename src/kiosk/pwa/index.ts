import { Workbox } from 'workbox-window';

/** Service worker registration and the between-citizens update flow. */
export interface AppUpdates {
  /** True once a new version is downloaded and waiting. */
  isWaiting(): boolean;
  /** Applies a waiting update (reloads the page); call only on the welcome screen. */
  applyIfWaiting(): void;
  /** Subscribes to "an update is waiting" for the health panel. */
  onWaiting(listener: () => void): void;
}

/**
 * Registers the service worker. A new version downloads in the background and waits; the kiosk
 * applies it only when the welcome screen shows, so no citizen loses a half-answered survey.
 */
export function registerServiceWorker(url = '/sw.js'): AppUpdates {
  let waiting = false;
  const listeners: Array<() => void> = [];
  const supported = 'serviceWorker' in navigator && import.meta.env.PROD;
  const workbox = supported ? new Workbox(url) : null;
  if (workbox) {
    workbox.addEventListener('waiting', () => {
      waiting = true;
      listeners.forEach((listener) => listener());
    });
    // Once the new worker controls the page, reload so page and worker are the same version.
    workbox.addEventListener('controlling', (event) => {
      if (event.isUpdate) window.location.reload();
    });
    workbox.register().catch((error: unknown) => console.warn('service worker registration failed', error));
    // Look for a new version every hour; tablets run for days without a reload.
    setInterval(() => void workbox.update().catch(() => undefined), 60 * 60 * 1000);
  }
  return {
    isWaiting: () => waiting,
    applyIfWaiting: () => {
      if (waiting && workbox) workbox.messageSkipWaiting();
    },
    onWaiting: (listener) => listeners.push(listener),
  };
}
