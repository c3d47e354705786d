import { useEffect, useRef } from 'preact/hooks';
import type { TFunction } from '../i18n';

interface Props {
  t: TFunction;
  secondsLeft: number;
  keepsPartial: boolean;
  onStillHere: () => void;
}

/** The visible countdown before an idle reset, as a modal dialog with one large button. */
export function IdleWarning({ t, secondsLeft, keepsPartial, onStillHere }: Props) {
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  return (
    <div class="overlay">
      <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="idle-heading" aria-describedby="idle-countdown">
        <h2 id="idle-heading">{t('idle.heading')}</h2>
        <p id="idle-countdown" class="countdown" aria-live="assertive">
          {t(keepsPartial ? 'idle.countdownKeep' : 'idle.countdown', { seconds: secondsLeft })}
        </p>
        <button type="button" class="primary" ref={button} onClick={onStillHere}>
          {t('idle.continue')}
        </button>
      </div>
    </div>
  );
}
