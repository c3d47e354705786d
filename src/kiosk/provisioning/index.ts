import { readProvisioningFragment, type ProvisioningProblem } from '../../shared/wire';
import { loadSettings, raiseStaffAlert, saveSettings } from '../storage';

/** The staff alert raised for a refused link: a key of the staff texts, qualified by their namespace. */
export const PROVISIONING_ALERT_KEY = 'kiosk-staff:provisioning.alert';

/** What opening the kiosk with a provisioning link came to. */
export type ProvisioningOutcome =
  | { kind: 'none' }
  | { kind: 'applied' }
  /** The link could not be applied: nothing changed, staff are told why (alert and notice). */
  | { kind: 'refused'; problems: ProvisioningProblem[] };

/**
 * Applies a provisioning link opened on the tablet (printed by the collector, or its QR code): the
 * device token, collector URL, agency and counter (codes and names) and device label are saved, then
 * the fragment is removed from the address bar and history so the token never stays visible. A link
 * that cannot be applied changes nothing (never a half-applied place, never "UNSET" where a code was
 * meant): it is removed just the same, a staff alert names each problem, and the caller shows the
 * outcome to the clerk.
 */
export async function applyProvisioningLink(location: Location, history: History): Promise<ProvisioningOutcome> {
  const read = readProvisioningFragment(location.hash);
  if (read.kind === 'none') return { kind: 'none' };
  history.replaceState(null, '', location.pathname + location.search);
  if (read.kind === 'invalid') {
    // The alert's words live in the staff chunk (namespace-qualified key, so the citizen bundle does not
    // carry them); the problems go in its technical detail.
    await raiseStaffAlert('app', PROVISIONING_ALERT_KEY, `link refused: ${read.problems.join(', ')}`);
    return { kind: 'refused', problems: read.problems };
  }
  // The link holds only the parts it carries, named as the settings are (agencyCode … deviceLabel).
  const { token, endpoint, ...place } = read.provisioning;
  await saveSettings({ ...(await loadSettings()), ...place, deviceToken: token, ...(endpoint ? { endpointUrl: endpoint } : {}) });
  return { kind: 'applied' };
}
