/** @jsxRuntime automatic @jsxImportSource preact */
/*
 * A figure's target beside it: "Mục tiêu 95 % · đạt (+1,20 điểm)" or "chưa đạt (−2,50 điểm)", in words
 * and a sign (never colour alone), so it prints and reads aloud the same.
 */
import { formatPercentage } from '../../../shared/l10n';
import { targetGap, type TargetValue } from '../units';
import type { PageContext } from './context';

/** Percentage points with their sign, in the page's language ("+1,2", "−2,5"). */
export function formatPoints(lang: string, pp: number): string {
  const text = formatPercentage(lang, Math.abs(pp)).replace(/\s*%$/, '');
  return pp > 0 ? `+${text}` : pp < 0 ? `−${text}` : text;
}

/** The target of a figure, met or not, and the gap; nothing when no target applies or there is no figure. */
export function TargetBadge({ ctx, percent, target }: { ctx: PageContext; percent: number | null; target: TargetValue | undefined }) {
  const gap = targetGap(percent, target?.value);
  if (!gap) return null;
  const { t, lang } = ctx;
  return (
    <span class={`target ${gap.met ? 'met' : 'missed'}`} data-target={gap.target} data-gap={gap.gapPp}>
      {t('targets.badge', { target: formatPercentage(lang, gap.target) })} · {gap.met ? `✓ ${t('targets.met')}` : `✗ ${t('targets.missed')}`} ({t('targets.gap', { pp: formatPoints(lang, gap.gapPp) })})
    </span>
  );
}
