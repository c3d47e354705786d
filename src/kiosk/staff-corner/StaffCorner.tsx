import { useEffect, useRef } from 'preact/hooks';
import { translator } from '../i18n';

/** How long staff hold the corner before the staff area opens. */
export const STAFF_HOLD_MS = 3000;
/** Side of the square hit area in the top-left corner (a comfortable thumb). */
export const STAFF_CORNER_PX = 72;

export interface StaffCornerProps {
  /** Called once the press has been held for `holdMs`. */
  onOpen: () => void;
  holdMs?: number;
  /** Accessible name; Vietnamese by default, as staff read it. */
  label?: string;
}

/**
 * The way into the staff area: a real, transparent button in the top-left corner that only answers
 * a press held for 3 seconds — a finger (pointerdown, until pointerup / cancel / leave) or Enter or
 * Space held down — so a citizen's tap, or a Tab and Enter, does nothing. It stays a button so staff
 * can reach it by keyboard and screen reader; place it last in the kiosk's DOM so it comes last in
 * the citizen's Tab order. A plain click never opens it.
 */
export function StaffCorner({ onOpen, holdMs = STAFF_HOLD_MS, label }: StaffCornerProps) {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const cancel = () => {
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
  };
  const begin = () => {
    cancel();
    timer.current = setTimeout(() => {
      timer.current = null;
      onOpen();
    }, holdMs);
  };
  useEffect(() => cancel, []);

  return (
    <button
      type="button"
      class="staff-corner"
      aria-label={label ?? translator('vi')('staff.corner')}
      style={{
        position: 'fixed',
        top: 0,
        left: 0,
        width: `${STAFF_CORNER_PX}px`,
        height: `${STAFF_CORNER_PX}px`,
        margin: 0,
        padding: 0,
        border: 'none',
        background: 'transparent',
        zIndex: 50,
        touchAction: 'none',
        WebkitTapHighlightColor: 'transparent',
      }}
      onPointerDown={begin}
      onPointerUp={cancel}
      onPointerCancel={cancel}
      onPointerLeave={cancel}
      onKeyDown={(event) => {
        if (event.key !== 'Enter' && event.key !== ' ') return;
        event.preventDefault(); // no click from this key
        if (!event.repeat) begin();
      }}
      onKeyUp={(event) => {
        if (event.key === 'Enter' || event.key === ' ') cancel();
      }}
      onBlur={cancel}
      onClick={(event) => event.preventDefault()}
      onContextMenu={(event) => event.preventDefault()}
    />
  );
}
