/** Scale codes that have a face, from very dissatisfied (1) to very satisfied (5). */
export type ScaleCode = 1 | 2 | 3 | 4 | 5;

/**
 * A face for one point of the 5-point scale, drawn inline (emoji fonts differ across Android
 * versions). It is decoration: the official number and label next to it carry the meaning, so it
 * is hidden from assistive technology. The mouth is one quadratic curve whose bend follows the
 * code (frown at 1, straight at 3, smile at 5), which keeps the five faces a few bytes each.
 */
export function ScaleFace(props: { code: ScaleCode; class?: string }) {
  const bend = (props.code - 3) * 2.6;
  return (
    <svg class={props.class ? `face ${props.class}` : 'face'} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <circle class="face-disc" cx="12" cy="12" r="10.5" />
      <circle cx="8.5" cy="9.5" r="1.4" fill="currentColor" />
      <circle cx="15.5" cy="9.5" r="1.4" fill="currentColor" />
      <path d={`M7.5 ${15.5 - bend / 2}Q12 ${15.5 + bend * 1.5} 16.5 ${15.5 - bend / 2}`} fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" />
    </svg>
  );
}
