import { useEffect, useRef } from 'preact/hooks';
import type { TFunction } from '../i18n';

/**
 * What an idle reset does with the citizen's answers: send them (the scored core is done), keep them
 * as a partial response (the province's keep-partial setting), or clear them.
 */
export type IdleOutcome = 'send' | 'keep-partial' | 'discard';

const COUNTDOWN_KEY = { send: 'idle.countdownSend', 'keep-partial': 'idle.countdownKeep', discard: 'idle.countdown' } as const;

interface Props {
  t: TFunction;
  secondsLeft: number;
  /** What the reset will do with the answers, so the countdown says the truth. */
  outcome: IdleOutcome;
  onStillHere: () => void;
}

/** The visible countdown before an idle reset, as a modal dialog with one large button. */
export function IdleWarning({ t, secondsLeft, outcome, onStillHere }: Props) {
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  return (
    <div class="overlay">
      <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="idle-heading" aria-describedby="idle-countdown">
        <h2 id="idle-heading">{t('idle.heading')}</h2>
        <p id="idle-countdown" class="countdown" aria-live="assertive">
          {t(COUNTDOWN_KEY[outcome], { seconds: secondsLeft })}
        </p>
        <button type="button" class="primary" ref={button} onClick={onStillHere}>
          {t('idle.continue')}
        </button>
      </div>
    </div>
  );
}
