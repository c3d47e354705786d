import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';

/** Moves focus to a panel's heading when the panel opens, so screen readers announce it. */
export function useHeadingFocus<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useLayoutEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}

/** A panel's heading (h1: the staff area fills the screen), focused when the panel opens. */
export function PanelHeading({ children }: { children: ComponentChildren }) {
  const ref = useHeadingFocus<HTMLHeadingElement>();
  return (
    <h1 class="staff-heading" tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}

/** Ids of a field's hint and error, for aria-describedby. */
export function describedBy(id: string, hint: boolean, error: boolean): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

/** A field's hint and error lines; the error is an alert so it is read out when it appears. */
export function FieldNotes({ id, hint, error }: { id: string; hint?: string; error?: string }) {
  return (
    <>
      {hint && (
        <p id={`${id}-hint`} class="staff-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} class="staff-field-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
