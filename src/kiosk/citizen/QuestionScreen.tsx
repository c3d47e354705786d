import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { TFunction } from '../i18n';
import type { Question, Section, SurveyDefinition, AnswerValue } from '../../shared/schemas';
import { canLeaveQuestion, isAnswered, type PathProgress } from '../../shared/survey';
import { localize } from '../../shared/l10n';
import { ActionBar } from './ActionBar';
import { ScaleFace, type ScaleCode } from './Face';

/** Pause after a tap so the citizen sees the choice light up before the next question. */
export const ADVANCE_DELAY_MS = 300;
/**
 * Taps on a freshly shown question are ignored this long: the second tap of a double tap would
 * otherwise land on the next question's button in the same place (surveyjs#2616).
 */
export const INPUT_GUARD_MS = 350;

interface Props {
  t: TFunction;
  definition: SurveyDefinition;
  section: Section;
  question: Question;
  value: AnswerValue | undefined;
  language: string;
  /** Where this screen is in its part of the path: "Câu 5 / 20" in the core, extras counted apart. */
  progress?: PathProgress;
  /** @deprecated the core-only count from before parts; used only while a caller still passes it. */
  position?: number;
  /** @deprecated see `position`. */
  total?: number;
  canGoBack: boolean;
  /** Given on extra questions: sends the response now, without the remaining extras. */
  onSendNow?: () => void;
  /** Records an answer; `advance` asks to move on once the choice has been shown. */
  onAnswer: (value: AnswerValue | undefined, advance: boolean) => void;
  onNext: () => void;
  onBack: () => void;
}

/** One question per screen, with its component name, progress, large answers, back and next. */
export function QuestionScreen(props: Props) {
  const { t, definition, section, question, value, language, canGoBack } = props;
  const progress = props.progress ?? { part: 'core', index: props.position ?? 1, total: props.total ?? 1 };
  const heading = useRef<HTMLHeadingElement>(null);
  const shownAt = useRef(Date.now());
  const advancing = useRef(false);
  const [showRequired, setShowRequired] = useState(false);
  // Exposed as data-accepting so styles (and browser tests) can tell when taps start to count.
  const [accepting, setAccepting] = useState(false);

  // Before the first paint, so the citizen never sees the previous screen's scroll position; the
  // focus must not scroll either (a long question would otherwise open scrolled to its heading's end).
  useLayoutEffect(() => {
    window.scrollTo(0, 0);
    heading.current?.focus({ preventScroll: true });
  }, []);

  useEffect(() => {
    const timer = setTimeout(() => setAccepting(true), INPUT_GUARD_MS);
    return () => clearTimeout(timer);
  }, []);

  /** Accepts a choice unless it is the echo of a double tap or a move is already under way. */
  const choose = (next: AnswerValue | undefined, advance: boolean) => {
    if (advancing.current || Date.now() - shownAt.current < INPUT_GUARD_MS) return;
    if (advance) advancing.current = true;
    props.onAnswer(next, advance);
  };

  const goNext = () => {
    if (advancing.current) return;
    if (!canLeaveQuestion(question, value)) {
      setShowRequired(true);
      return;
    }
    advancing.current = true;
    props.onNext();
  };

  useEffect(() => {
    if (question.kind !== 'satisfaction') return;
    const onKey = (event: KeyboardEvent) => {
      if (event.target instanceof HTMLTextAreaElement || event.repeat) return;
      const code = Number(event.key);
      if (Number.isInteger(code) && code >= 1 && code <= 5) choose(code, true);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  const headingId = `q-${question.id}`;
  const helpId = `q-${question.id}-help`;
  const answered = isAnswered(question, value);
  const blocked = !answered && question.required;
  const reasonId = `q-${question.id}-reason`;
  const progressVars = { position: progress.index, total: progress.total };
  const progressText = progress.part === 'extra' ? t('question.progressExtra', progressVars) : t('question.progress', progressVars);
  const partLabel = section.component ? `${t('question.part', { number: section.component })} · ` : '';

  return (
    <main class="screen question" aria-labelledby={headingId} data-accepting={accepting}>
      <header class="question-header">
        <p class="component">
          {partLabel}
          {localize(section.title, language)}
        </p>
        <div
          class="progress"
          role="progressbar"
          aria-label={t('question.progressName')}
          aria-valuemin={1}
          aria-valuemax={progress.total}
          aria-valuenow={progress.index}
          aria-valuetext={progressText}
        >
          <div class="progress-fill" style={{ width: `${(100 * progress.index) / progress.total}%` }} />
        </div>
        <p class="progress-text" aria-hidden="true">
          {progressText}
        </p>
      </header>

      <h1 id={headingId} class="question-text" tabIndex={-1} ref={heading}>
        {localize(question.text, language)}
      </h1>
      {question.help && (
        <p id={helpId} class="help">
          {localize(question.help, language)}
        </p>
      )}

      {question.kind === 'satisfaction' && (
        <div class="answers satisfaction" role="radiogroup" aria-labelledby={headingId}>
          {definition.scales[question.scale].options.map((option) => (
            <button
              type="button"
              role="radio"
              key={option.code}
              class={`answer level-${option.code}`}
              aria-checked={value === option.code}
              onClick={() => choose(option.code, true)}
              onContextMenu={(event) => event.preventDefault()}
            >
              {/* The number is part of the name: it is read out with the label, as it is shown. The
                  face and the colour band only repeat it for a citizen who reads poorly (WCAG 1.4.1). */}
              <span class="code">{option.code}</span>
              {option.code >= 1 && option.code <= 5 && <ScaleFace code={option.code as ScaleCode} />}
              <ScaleLabel text={localize(option.label, language)} />
            </button>
          ))}
        </div>
      )}

      {question.kind === 'single' && (
        <div class="answers choice" role="radiogroup" aria-labelledby={headingId}>
          {question.options.map((option) => (
            <button
              type="button"
              role="radio"
              key={option.code}
              class="answer"
              aria-checked={value === option.code}
              onClick={() => choose(option.code, true)}
              onContextMenu={(event) => event.preventDefault()}
            >
              <span class="label">{localize(option.label, language)}</span>
            </button>
          ))}
        </div>
      )}

      {question.kind === 'multiple' && (
        <div class="answers choice" role="group" aria-labelledby={headingId} aria-describedby={`${headingId}-many`}>
          <p id={`${headingId}-many`} class="hint">
            {question.maxSelected ? t('question.chooseAtMost', { count: question.maxSelected }) : t('question.chooseMany')}
          </p>
          {question.options.map((option) => {
            const selected = Array.isArray(value) && value.includes(option.code);
            const current = Array.isArray(value) ? value : [];
            const full = question.maxSelected !== undefined && current.length >= question.maxSelected;
            return (
              <button
                type="button"
                role="checkbox"
                key={option.code}
                class="answer"
                aria-checked={selected}
                disabled={!selected && full}
                onClick={() => {
                  const next = selected ? current.filter((code) => code !== option.code) : [...current, option.code];
                  // Unticking the last option leaves the question unanswered, never an empty list.
                  choose(next.length > 0 ? next : undefined, false);
                }}
                onContextMenu={(event) => event.preventDefault()}
              >
                <span class="check" aria-hidden="true">
                  {selected ? '☑' : '☐'}
                </span>
                <span class="label">{localize(option.label, language)}</span>
              </button>
            );
          })}
        </div>
      )}

      {question.kind === 'text' && (
        <div class="answers text">
          <textarea
            aria-labelledby={headingId}
            aria-describedby={`${headingId}-count`}
            maxLength={question.maxLength}
            rows={5}
            // Uncontrolled: this screen remounts for every question, and a controlled textarea
            // was reset by Preact before the answer reached state (typing was lost in Chromium).
            defaultValue={typeof value === 'string' ? value : ''}
            onInput={(event) => {
              // NFC, as the collector compares and stores text: the same words typed on another keyboard are the same answer.
              const text = (event.currentTarget as HTMLTextAreaElement).value.normalize('NFC').slice(0, question.maxLength);
              props.onAnswer(text.trim() ? text : undefined, false);
            }}
          />
          <p id={`${headingId}-count`} class="hint" aria-live="polite">
            {t('question.charactersLeft', { count: question.maxLength - (typeof value === 'string' ? value.length : 0) })}
          </p>
        </div>
      )}

      <ActionBar>
        <button type="button" class="secondary back" disabled={!canGoBack} onClick={() => !advancing.current && props.onBack()}>
          ← {t('question.back')}
        </button>
        {props.onSendNow && (
          <button type="button" class="secondary send-now" onClick={() => !advancing.current && props.onSendNow?.()}>
            {t('question.sendNow')}
          </button>
        )}
        {blocked && (
          // Where the reason for the unavailable Next always is; after a tap on it, the full sentence
          // takes its place as an alert, so a screen reader hears why nothing happened.
          <p id={reasonId} class={showRequired ? 'forward-reason required-message' : 'forward-reason'} role={showRequired ? 'alert' : undefined}>
            {showRequired ? t('question.required') : t('question.requiredReason')}
          </p>
        )}
        {/* Three looks: primary once answered; a plain, clearly enabled "skip" on an optional item
            (never the eye-catching choice, so nobody skips by tapping the obvious button); and on an
            unanswered required item a visibly unavailable Next, still focusable so its reason is read. */}
        <button
          type="button"
          class={answered ? 'primary next' : blocked ? 'secondary next unavailable' : 'secondary next skip'}
          aria-disabled={blocked ? 'true' : undefined}
          aria-describedby={blocked ? reasonId : undefined}
          aria-label={answered || blocked ? undefined : t('question.skipName')}
          onClick={goNext}
        >
          {answered || blocked ? t('question.next') : t('question.skip')} →
        </button>
      </ActionBar>
    </main>
  );
}

/**
 * A scale label whose last two words never part (Vietnamese "hài lòng" is one word of two syllables:
 * "Rất không / hài lòng", never "Rất không hài / lòng"); two-word labels may still wrap, so a long
 * English "Very dissatisfied" fits a narrow tile.
 */
function ScaleLabel({ text }: { text: string }) {
  const words = text.split(' ');
  if (words.length < 3) return <span class="label">{text}</span>;
  return (
    <span class="label">
      {words.slice(0, -2).join(' ')} <span class="keep">{words.slice(-2).join(' ')}</span>
    </span>
  );
}
