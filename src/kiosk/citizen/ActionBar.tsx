import type { ComponentChildren } from 'preact';

/**
 * The bar holding a screen's Back and forward/send buttons, always visible at the bottom of the
 * viewport. It is `position: sticky` rather than `fixed` (see .action-bar in kiosk.css): it keeps
 * its own place at the end of the screen, so no content can ever end up hidden behind it whatever
 * its height at 175% text, and it still stays on screen while a long question scrolls.
 */
export function ActionBar(props: { children: ComponentChildren }) {
  return (
    <div class="action-bar">
      <div class="action-bar-inner">{props.children}</div>
    </div>
  );
}
