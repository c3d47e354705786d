import { useEffect, useRef } from 'preact/hooks';
import type { TFunction } from '../i18n';
import type { SurveyDefinition, Answers } from '../../shared/schemas';
import { answerLabel, visibleQuestions, type EngineOptions } from '../../shared/survey';
import { localize } from '../../shared/l10n';

interface Props {
  t: TFunction;
  definition: SurveyDefinition;
  answers: Answers;
  language: string;
  engineOptions: EngineOptions;
  submitting: boolean;
  onEdit: (questionId: string) => void;
  onSubmit: () => void;
}

/** A short review of every question asked, with a way back to each, then the one submit button. */
export function Review({ t, definition, answers, language, engineOptions, submitting, onEdit, onSubmit }: Props) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const asked = visibleQuestions(definition, answers, engineOptions);
  return (
    <main class="screen review" aria-labelledby="review-heading">
      <h1 id="review-heading" tabIndex={-1} ref={heading}>
        {t('review.heading')}
      </h1>
      <p class="intro">{t('review.intro')}</p>
      <ol class="review-list">
        {asked.map(({ question }) => {
          const value = answers[question.id];
          const label = localize(question.kind === 'satisfaction' && question.shortLabel ? question.shortLabel : question.text, language);
          return (
            <li key={question.id}>
              <span class="review-question">{label}</span>
              <span class="review-answer">
                {value === undefined ? t('review.notAnswered') : answerLabel(definition, question.id, value, language)}
              </span>
              <button
                type="button"
                class="secondary edit"
                aria-label={`${t('review.edit')}: ${label}`}
                onClick={() => onEdit(question.id)}
              >
                {t('review.edit')}
              </button>
            </li>
          );
        })}
      </ol>
      <button type="button" class="primary submit" disabled={submitting} aria-busy={submitting} onClick={onSubmit}>
        {submitting ? t('review.submitting') : t('review.submit')}
      </button>
    </main>
  );
}
