import { useEffect, useRef, useState } from 'preact/hooks';
import type { TFunction } from '../i18n';

interface Props {
  t: TFunction;
  kind: 'thanks' | 'storage-error';
  /** The screen returns to the welcome screen by itself after this long. */
  returnAfterMs: number;
  onDone: () => void;
}

/** The thank-you screen, or the gentle storage-failure message; both return to the start alone. */
export function Notice({ t, kind, returnAfterMs, onDone }: Props) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [secondsLeft, setSecondsLeft] = useState(Math.ceil(returnAfterMs / 1000));
  const doneRef = useRef(onDone);
  doneRef.current = onDone;
  useEffect(() => {
    heading.current?.focus();
    const startedAt = Date.now();
    const tick = setInterval(() => setSecondsLeft(Math.max(0, Math.ceil((returnAfterMs - (Date.now() - startedAt)) / 1000))), 500);
    const timer = setTimeout(() => doneRef.current(), returnAfterMs);
    return () => {
      clearInterval(tick);
      clearTimeout(timer);
    };
  }, [returnAfterMs]);
  const prefix = kind === 'thanks' ? 'thanks' : 'storageError';
  return (
    <main class={`screen notice ${kind}`} aria-labelledby="notice-heading">
      <p class="notice-icon" aria-hidden="true">
        {kind === 'thanks' ? '✓' : '!'}
      </p>
      <h1 id="notice-heading" tabIndex={-1} ref={heading}>
        {t(`${prefix}.heading`)}
      </h1>
      <p class="intro">{t(`${prefix}.body`)}</p>
      <p class="hint">{t('thanks.returning', { seconds: secondsLeft })}</p>
      <button type="button" class="primary" onClick={onDone}>
        {t('thanks.done')}
      </button>
    </main>
  );
}
