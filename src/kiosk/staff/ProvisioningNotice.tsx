import { useEffect, useRef } from 'preact/hooks';
import type { ProvisioningProblem } from '../../shared/wire';
import { staffTranslator } from './staff-i18n';

/** What the notice shows: the link's problems; dismissing hides it. */
export interface ProvisioningNoticeProps {
  problems: readonly ProvisioningProblem[];
  onDismiss: () => void;
}

/**
 * Shown over the welcome screen when the kiosk was opened with a provisioning link it could not
 * apply, so the clerk who opened it sees at once that nothing was set up, and why. In the staff
 * chunk, loaded only then: its words are for staff, and the citizen bundle stays small.
 */
export function ProvisioningNotice({ problems, onDismiss }: ProvisioningNoticeProps) {
  const t = staffTranslator('vi');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section class="provisioning-notice" role="alert" aria-labelledby="provisioning-notice-heading" data-testid="provisioning-notice">
      <h2 id="provisioning-notice-heading" tabIndex={-1} ref={heading}>
        {t('provisioning.refusedHeading')}
      </h2>
      <p>{t('provisioning.refused', { problems: problems.map((p) => t(`provisioning.problems.${p}`)).join('; ') })}</p>
      <button type="button" class="primary" onClick={onDismiss}>
        {t('provisioning.dismiss')}
      </button>
    </section>
  );
}
