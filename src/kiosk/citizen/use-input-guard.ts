import { useEffect, useRef, useState } from 'preact/hooks';
import { INPUT_GUARD_MS } from './QuestionScreen';

/**
 * Ignores taps in a screen's first INPUT_GUARD_MS, as QuestionScreen does for its answers: the
 * second tap of a double tap on the previous screen would otherwise land on whatever now sits under
 * the finger (surveyjs#2616), e.g. the checkpoint's Send where the last question's Skip was.
 * `accepting` turns true when taps start to count; screens expose it as data-accepting, so styles
 * and browser tests can tell.
 */
export function useInputGuard(): { accepting: boolean; guard: (action: () => void) => () => void } {
  const shownAt = useRef(Date.now());
  const [accepting, setAccepting] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setAccepting(true), INPUT_GUARD_MS);
    return () => clearTimeout(timer);
  }, []);
  return {
    accepting,
    guard: (action) => () => {
      if (Date.now() - shownAt.current >= INPUT_GUARD_MS) action();
    },
  };
}
