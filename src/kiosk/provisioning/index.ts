import { hasProvisioningFragment, parseProvisioningFragment } from '../../shared/wire';
import { loadSettings, saveSettings } from '../storage';

/**
 * Applies a provisioning link opened on the tablet (printed by the collector, or its QR code): the
 * device token, collector URL, agency, counter and device label are saved, then the fragment is
 * removed from the address bar and history so the token never stays visible.
 */
export async function applyProvisioningLink(location: Location, history: History): Promise<boolean> {
  if (!hasProvisioningFragment(location.hash)) return false;
  const provisioning = parseProvisioningFragment(location.hash);
  history.replaceState(null, '', location.pathname + location.search);
  if (!provisioning) return false;
  const current = await loadSettings();
  await saveSettings({
    ...current,
    deviceToken: provisioning.token,
    endpointUrl: provisioning.endpoint ?? current.endpointUrl,
    agencyCode: provisioning.agencyCode ?? current.agencyCode,
    counterCode: provisioning.counterCode ?? current.counterCode,
    deviceLabel: provisioning.deviceLabel ?? current.deviceLabel,
  });
  return true;
}
