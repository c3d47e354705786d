/**
 * The kiosk's service worker, kept thin: it precaches the app shell, locales and every bundled
 * definition, and answers navigations from the cache so the kiosk opens with the network and the
 * server gone. It never handles submission POSTs (workbox routes GET only) and never calls
 * skipWaiting on its own: the page asks for it on the welcome screen, between citizens.
 */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

/** Message the page posts when the kiosk is on its welcome screen and may switch versions. */
const SKIP_WAITING = 'SKIP_WAITING';

cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('index.html'), {
    // The collector's API and staff pages are never answered from the kiosk's cache.
    denylist: [/^\/api\//, /^\/admin/],
  }),
);

self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === SKIP_WAITING) void self.skipWaiting();
});
