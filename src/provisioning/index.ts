import { loadSettings, saveSettings } from '../storage';

/** URL fragment key of a provisioning link: `#provision=<device token>[&endpoint=<collector URL>]`. */
export const PROVISION_KEY = 'provision';

/**
 * Applies a provisioning link opened on the tablet (printed by the collector, or its QR code): the
 * device token and optional collector URL are saved, then removed from the address bar and history
 * so the token never stays visible. The token travels in the fragment, which is never sent to a server.
 */
export async function applyProvisioningLink(location: Location, history: History): Promise<boolean> {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = params.get(PROVISION_KEY);
  if (!token) return false;
  history.replaceState(null, '', location.pathname + location.search);
  if (!/^[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{20,100}$/.test(token)) return false;
  const endpoint = params.get('endpoint') ?? '';
  const current = await loadSettings();
  const endpointUrl = /^https?:\/\/[^\s]+$/.test(endpoint) ? endpoint : current.endpointUrl;
  await saveSettings({ ...current, deviceToken: token, endpointUrl });
  return true;
}
