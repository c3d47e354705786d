import { useEffect, useRef, useState } from 'preact/hooks';

/** Events that count as the citizen still being there. */
// 'click' too: switch access and screen readers activate buttons without pointer events.
const ACTIVITY_EVENTS = ['pointerdown', 'click', 'keydown', 'touchstart', 'input', 'wheel'] as const;

export interface IdleResetOptions {
  /** Only counts while a citizen is mid-survey. */
  active: boolean;
  /** Total time without activity before the reset. */
  timeoutMs: number;
  /** The last part of timeoutMs during which a visible countdown warns. */
  warningMs: number;
  onExpire: () => void;
}

/**
 * Watches for inactivity; returns the seconds left while the warning shows (null otherwise) and a
 * function that dismisses the warning. Timers restart on every touch or key.
 */
export function useIdleReset({ active, timeoutMs, warningMs, onExpire }: IdleResetOptions): {
  secondsLeft: number | null;
  stillHere: () => void;
} {
  const [deadline, setDeadline] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const expireRef = useRef(onExpire);
  expireRef.current = onExpire;
  const [activity, setActivity] = useState(0);

  useEffect(() => {
    if (!active) return;
    const bump = () => setActivity((n) => n + 1);
    for (const name of ACTIVITY_EVENTS) document.addEventListener(name, bump, { capture: true, passive: true });
    return () => {
      for (const name of ACTIVITY_EVENTS) document.removeEventListener(name, bump, { capture: true });
    };
  }, [active]);

  useEffect(() => {
    setDeadline(null);
    if (!active) return;
    const warnAfter = Math.max(0, timeoutMs - warningMs);
    const warnTimer = setTimeout(() => {
      setNow(Date.now());
      setDeadline(Date.now() + Math.min(warningMs, timeoutMs));
    }, warnAfter);
    const expireTimer = setTimeout(() => expireRef.current(), timeoutMs);
    return () => {
      clearTimeout(warnTimer);
      clearTimeout(expireTimer);
    };
  }, [active, activity, timeoutMs, warningMs]);

  useEffect(() => {
    if (deadline === null) return;
    const tick = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(tick);
  }, [deadline]);

  return {
    secondsLeft: deadline === null ? null : Math.max(0, Math.ceil((deadline - now) / 1000)),
    stillHere: () => setActivity((n) => n + 1),
  };
}
