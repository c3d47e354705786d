import type { TFunction } from '../i18n';

/** Text sizes offered, as a percentage of the base size. */
export const TEXT_SCALES = [100, 125, 150, 175] as const;

export interface A11yState {
  textScale: number;
  highContrast: boolean;
}

export const DEFAULT_A11Y: A11yState = { textScale: 100, highContrast: false };

interface Props {
  t: TFunction;
  state: A11yState;
  onChange: (state: A11yState) => void;
  /** Present only when the device has a voice for the citizen's language. */
  onReadAloud?: () => void;
}

/** Text size, contrast and read-aloud controls, always reachable at the top of every screen. */
export function A11yToolbar({ t, state, onChange, onReadAloud }: Props) {
  const index = TEXT_SCALES.indexOf(state.textScale as (typeof TEXT_SCALES)[number]);
  return (
    <div class="a11y-toolbar" role="toolbar" aria-label={t('a11y.toolbar')}>
      <button
        type="button"
        class="tool"
        // The name starts with the visible text, so voice control ("tap A minus") finds it (WCAG 2.5.3).
        aria-label={`A− ${t('a11y.textSmaller')}`}
        disabled={index <= 0}
        onClick={() => onChange({ ...state, textScale: TEXT_SCALES[Math.max(0, index - 1)] })}
      >
        A−
      </button>
      <span class="tool-status" aria-live="polite">
        {t('a11y.textSize', { percent: state.textScale })}
      </span>
      <button
        type="button"
        class="tool"
        aria-label={`A+ ${t('a11y.textLarger')}`}
        disabled={index >= TEXT_SCALES.length - 1}
        onClick={() => onChange({ ...state, textScale: TEXT_SCALES[Math.min(TEXT_SCALES.length - 1, index + 1)] })}
      >
        A+
      </button>
      <button
        type="button"
        class="tool"
        aria-pressed={state.highContrast}
        onClick={() => onChange({ ...state, highContrast: !state.highContrast })}
      >
        ◐ {t('a11y.contrast')}
      </button>
      {onReadAloud && (
        <button type="button" class="tool" onClick={onReadAloud}>
          🔊 {t('question.readAloud')}
        </button>
      )}
    </div>
  );
}
