import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { TFunction } from '../i18n';
import { ActionBar } from './ActionBar';

interface Props {
  t: TFunction;
  /** 'storage-held': storage refused the response, it is kept in memory for staff to save (issue 9). */
  kind: 'thanks' | 'storage-error' | 'storage-held';
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
  // Opens at its top before its first paint (the review before it may have been scrolled).
  useLayoutEffect(() => {
    window.scrollTo(0, 0);
    heading.current?.focus({ preventScroll: true });
  }, []);
  useEffect(() => {
    const startedAt = Date.now();
    const tick = setInterval(() => setSecondsLeft(Math.max(0, Math.ceil((returnAfterMs - (Date.now() - startedAt)) / 1000))), 500);
    const timer = setTimeout(() => doneRef.current(), returnAfterMs);
    return () => {
      clearInterval(tick);
      clearTimeout(timer);
    };
  }, [returnAfterMs]);
  const prefix = kind === 'thanks' ? 'thanks' : kind === 'storage-held' ? 'storageHeld' : 'storageError';
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
      {/* In the bottom bar, so it is on screen at 175% on a small tablet too. */}
      <ActionBar>
        <button type="button" class="primary" onClick={onDone}>
          {t('thanks.done')}
        </button>
      </ActionBar>
    </main>
  );
}
