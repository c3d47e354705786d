import { useLayoutEffect, useRef } from 'preact/hooks';
import type { TFunction } from '../i18n';
import { ActionBar } from './ActionBar';
import { useInputGuard } from './use-input-guard';

interface Props {
  t: TFunction;
  /** What the optional extras still ask (never zero here: without extras there is no checkpoint). */
  extras: { questions: number; minutes: number };
  submitting: boolean;
  onSend: () => void;
  onMore: () => void;
  onReview: () => void;
  onBack: () => void;
}

/**
 * The choice after the last scored question: send now (the big, obvious action), answer the optional
 * extras (saying how many and how long, and that they are optional), or look the answers over.
 */
export function Checkpoint({ t, extras, submitting, onSend, onMore, onReview, onBack }: Props) {
  const heading = useRef<HTMLHeadingElement>(null);
  // The checkpoint's Send sits where the last question's Next/Skip was: without the guard, a double
  // tap on "skip" would send the response.
  const { accepting, guard } = useInputGuard();
  useLayoutEffect(() => {
    // A new screen opens at its top with focus on its heading, whatever the last one scrolled to.
    window.scrollTo(0, 0);
    heading.current?.focus({ preventScroll: true });
  }, []);
  return (
    <main class="screen checkpoint" aria-labelledby="checkpoint-heading" data-accepting={accepting}>
      <p class="checkpoint-icon" aria-hidden="true">
        ✓
      </p>
      <h1 id="checkpoint-heading" tabIndex={-1} ref={heading}>
        {t('checkpoint.heading')}
      </h1>
      <p class="intro">{t('checkpoint.intro')}</p>
      <div class="checkpoint-choices">
        <button type="button" class="secondary more" onClick={guard(onMore)}>
          {t('checkpoint.more', { count: extras.questions, minutes: extras.minutes })}
        </button>
        <button type="button" class="secondary review-link" onClick={guard(onReview)}>
          {t('checkpoint.review')}
        </button>
      </div>
      <ActionBar>
        <button type="button" class="secondary back" onClick={guard(onBack)}>
          ← {t('question.back')}
        </button>
        <button type="button" class="primary send" disabled={submitting} aria-busy={submitting} onClick={guard(onSend)}>
          {submitting ? t('review.submitting') : t('checkpoint.send')}
        </button>
      </ActionBar>
    </main>
  );
}
