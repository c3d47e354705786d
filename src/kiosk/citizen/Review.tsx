import { useLayoutEffect, useRef } from 'preact/hooks';
import type { TFunction } from '../i18n';
import type { SurveyDefinition, Answers, AnswerValue } from '../../shared/schemas';
import { answerLabel, findQuestion, reviewGroups, type EngineOptions, type ReviewGroup } from '../../shared/survey';
import { localize } from '../../shared/l10n';
import { ActionBar } from './ActionBar';
import { ScaleFace, type ScaleCode } from './Face';
import { useInputGuard } from './use-input-guard';

interface Props {
  t: TFunction;
  definition: SurveyDefinition;
  answers: Answers;
  language: string;
  engineOptions: EngineOptions;
  submitting: boolean;
  onEdit: (questionId: string) => void;
  onSubmit: () => void;
  onBack: () => void;
}

const isScaleCode = (value: AnswerValue | undefined): value is ScaleCode =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5;

/**
 * The review a citizen asks for: the scored items grouped by component, each answer with its face
 * and official label; the optional extras folded away in one group. Send sits in the action bar, so
 * it is on screen however long the list (the old review had it only at the bottom, screens below).
 */
export function Review({ t, definition, answers, language, engineOptions, submitting, onEdit, onSubmit, onBack }: Props) {
  const heading = useRef<HTMLHeadingElement>(null);
  // Rows and Send appear under the finger that opened the review: the echo of a double tap must
  // neither open an edit nor send.
  const { accepting, guard } = useInputGuard();
  useLayoutEffect(() => {
    window.scrollTo(0, 0);
    heading.current?.focus({ preventScroll: true });
  }, []);
  const groups = reviewGroups(definition, answers, engineOptions);
  const core = groups.filter((group) => group.part === 'core');
  const extras = groups.filter((group) => group.part === 'extra');
  const extraCount = extras.reduce((sum, group) => sum + group.questions.length, 0);

  const renderGroup = (group: ReviewGroup) => {
    const section = definition.sections.find((s) => s.id === group.sectionId);
    const title = section ? localize(section.title, language) : group.sectionId;
    const headingId = `review-${group.sectionId}`;
    return (
      <section key={group.sectionId} class="review-group" aria-labelledby={headingId}>
        <h2 id={headingId}>{group.component ? `${t('question.part', { number: group.component })} · ${title}` : title}</h2>
        <ul class="review-list">
          {group.questions.map(({ questionId, value }) => {
            const question = findQuestion(definition, questionId)?.question;
            if (!question) return null;
            const label = localize(question.kind === 'satisfaction' && question.shortLabel ? question.shortLabel : question.text, language);
            // Every core question was passed on the way here, so no answer there means "skipped";
            // an extra may never have been shown at all.
            const shown =
              value === undefined ? t(group.part === 'core' ? 'review.skipped' : 'review.notAnswered') : answerLabel(definition, questionId, value, language);
            return (
              <li key={questionId}>
                <button
                  type="button"
                  class={`review-item${value === undefined ? ' unanswered' : ''}`}
                  onClick={guard(() => onEdit(questionId))}
                >
                  <span class="review-question">{label}</span>
                  <span class="review-answer">
                    {question.kind === 'satisfaction' && isScaleCode(value) && <ScaleFace code={value} class={`level-${value}`} />}
                    <span class="review-answer-text">{shown}</span>
                  </span>
                  {/* Visible, so the button's name is what it shows (WCAG 2.5.3) and it reads as tappable. */}
                  <span class="review-edit">{t('review.edit')}</span>
                </button>
              </li>
            );
          })}
        </ul>
      </section>
    );
  };

  return (
    <main class="screen review" aria-labelledby="review-heading" data-accepting={accepting}>
      <h1 id="review-heading" tabIndex={-1} ref={heading}>
        {t('review.heading')}
      </h1>
      <p class="intro">{t('review.intro')}</p>
      {core.map(renderGroup)}
      {extras.length > 0 && (
        <details class="review-extras">
          <summary>{t('review.extras', { count: extraCount })}</summary>
          {extras.map(renderGroup)}
        </details>
      )}
      <ActionBar>
        <button type="button" class="secondary back" disabled={submitting} onClick={guard(onBack)}>
          ← {t('review.back')}
        </button>
        <button type="button" class="primary submit" disabled={submitting} aria-busy={submitting} onClick={guard(onSubmit)}>
          {submitting ? t('review.submitting') : t('review.submit')}
        </button>
      </ActionBar>
    </main>
  );
}
