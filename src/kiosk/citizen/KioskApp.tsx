import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { translator } from '../i18n';
import type { KioskSettings } from '../../shared/settings';
import type { SurveyDefinition, AnswerValue, Answers } from '../../shared/schemas';
import {
  estimatePath,
  extrasAhead,
  findQuestion,
  firstQuestionId,
  leavesCore,
  nextQuestionId,
  pathProgress,
  previousQuestionId,
  pruneAnswers,
  validateAnswers,
  type EngineOptions,
} from '../../shared/survey';
import type { FunnelEvent, NewResponse, SessionTiming } from '../storage';
import { Checkpoint } from './Checkpoint';
import { A11yToolbar, DEFAULT_A11Y, type A11yState } from './A11yToolbar';
import { ErrorBoundary } from './ErrorBoundary';
import { IdleWarning, type IdleOutcome } from './IdleWarning';
import { localize } from '../../shared/l10n';
import { Notice } from './Notice';
import { QuestionScreen, ADVANCE_DELAY_MS } from './QuestionScreen';
import { Review } from './Review';
import { Welcome } from './Welcome';
import { speak, stopSpeaking, useVoiceAvailable } from './speech';
import { useIdleReset } from './use-idle-reset';
import { useWakeLock } from './use-wake-lock';
import { useLanguage } from './use-language';

/** Where in the survey the citizen is: a question, the checkpoint after the core, or the review. */
type Step = { kind: 'question'; questionId: string } | { kind: 'checkpoint' } | { kind: 'review' };

/** Everything about one citizen's visit; replaced whole on reset so nothing carries over. */
interface Session {
  /** The response's UUID, fixed from the moment the survey starts. */
  id: string;
  language: string;
  startedAt: Date;
  /** performance.now() at the start: the flags measure the session on this clock, which a clock change cannot move. */
  startedMonoMs: number;
  answers: Answers;
  step: Step;
  /**
   * Set once the citizen moved on from the last scored (core) question, answered or skipped: from
   * then on the response counts, and an idle timeout stores it as complete instead of losing it.
   */
  coreDone: boolean;
  /** The core question the citizen left the core from: the checkpoint's Back and "answer more" start there. */
  coreExitId: string | null;
  /** The furthest question reached, in definition order: where an abandoned survey stopped. */
  furthestId: string | null;
  /** Set while an answer is edited from the review: moving on goes straight back there. */
  returnTo: 'review' | null;
  /** Where the review's Back leads: the checkpoint, or the question the review followed. */
  reviewBack: Step;
}

type Screen =
  | { kind: 'welcome' }
  | { kind: 'survey'; session: Session }
  | { kind: 'thanks' }
  | { kind: 'storage-error' }
  /** Storage refused the write, the response is held in memory and retried: thanked, never told "saved". */
  | { kind: 'storage-held' };

export interface KioskAppProps {
  definition: SurveyDefinition;
  settings: KioskSettings;
  appVersion: string;
  /**
   * Stores a finished or kept-partial response durably; rejects with a StorageFailure, which says
   * `held: true` when the response is kept in memory and retried (issue 9: storage full).
   */
  saveResponse: (response: NewResponse, timing: SessionTiming) => Promise<unknown>;
  /** Tells staff something went wrong (storage failure, screen error). */
  onStaffAlert: (kind: 'storage' | 'app', messageKey: string, detail: string) => void;
  /** Called after every stored response (the sync engine drains then). */
  onResponseStored?: () => void;
  /** Called each time the welcome screen shows between citizens (updates are applied there). */
  onWelcome?: () => void;
  /** Called when the welcome screen gives way to a citizen's survey (no update may reload the page then). */
  onBusy?: () => void;
  /** The monotonic clock the session is timed on (performance.now() by default). */
  monotonicNow?: () => number;
  /** Counts the survey funnel (started, completed, abandoned before the core): counts only, no answers. */
  onFunnel?: (event: FunnelEvent, definition: { id: string; version: number }) => void;
  now?: () => Date;
}

/** The citizen-facing kiosk: welcome → one question per screen → review → thank you → welcome. */
export function KioskApp(props: KioskAppProps) {
  const { definition, settings } = props;
  const now = props.now ?? (() => new Date());
  const monotonicNow = props.monotonicNow ?? (() => performance.now());
  const defaultLanguage = settings.languages.find((l) => definition.languages.includes(l)) ?? definition.languages[0];
  const [screen, setScreen] = useState<Screen>({ kind: 'welcome' });
  const [language, setLanguage] = useLanguage(definition, defaultLanguage, (code, error) => props.onStaffAlert('app', 'languageLoad.failed', `${code}: ${String(error)}`));
  const [a11y, setA11y] = useState<A11yState>(DEFAULT_A11Y);
  const [submitting, setSubmitting] = useState(false);
  const submittingRef = useRef(false);
  const engineOptions: EngineOptions = useMemo(() => ({ disabledSections: settings.disabledSections }), [settings.disabledSections]);
  const t = useMemo(() => translator(language), [language]);
  /** Definition order of every question id, to tell which of two questions lies further on. */
  const questionOrder = useMemo(
    () => new Map(definition.sections.flatMap((section) => section.questions.map((question) => question.id)).map((id, index) => [id, index])),
    [definition],
  );
  const promise = useMemo(() => {
    const core = estimatePath(definition, language, engineOptions).core;
    return { questions: core.questions, minutes: Math.ceil(core.seconds / 60) };
  }, [definition, language, engineOptions]);
  const funnel = (event: FunnelEvent) => props.onFunnel?.(event, { id: definition.id, version: definition.version });
  const voiceAvailable = useVoiceAvailable(language);
  useWakeLock();

  /** Back to a clean welcome screen: no answers, default language and reading aids. */
  const resetToWelcome = useCallback(() => {
    stopSpeaking();
    submittingRef.current = false;
    setSubmitting(false);
    setLanguage(defaultLanguage);
    setA11y(DEFAULT_A11Y);
    setScreen({ kind: 'welcome' });
  }, [defaultLanguage]);

  useEffect(() => {
    if (screen.kind === 'welcome') props.onWelcome?.();
    else props.onBusy?.();
  }, [screen.kind]);

  useEffect(() => {
    document.documentElement.lang = language;
    document.documentElement.style.fontSize = `${a11y.textScale}%`;
    document.documentElement.classList.toggle('high-contrast', a11y.highContrast);
  }, [language, a11y]);

  const session = screen.kind === 'survey' ? screen.session : null;

  const buildResponse = (current: Session, status: 'complete' | 'partial', endedBy?: 'citizen' | 'timeout'): NewResponse => {
    const completedAt = now();
    // Recorded so the report can tell "not asked here" from "asked, not answered" (issue 11); only optional sections of this definition count.
    const sectionsOff = settings.disabledSections.filter((id) => definition.sections.some((section) => section.optional && section.id === id));
    return {
      ...(endedBy ? { endedBy } : {}),
      ...(sectionsOff.length ? { sectionsOff } : {}),
      id: current.id,
      definitionId: definition.id,
      definitionVersion: definition.version,
      locale: current.language,
      status,
      startedAt: current.startedAt.toISOString(),
      completedAt: completedAt.toISOString(),
      durationMs: Math.max(0, completedAt.getTime() - current.startedAt.getTime()),
      agencyCode: settings.agencyCode,
      counterCode: settings.counterCode,
      deviceLabel: settings.deviceLabel,
      appVersion: props.appVersion,
      answers: pruneAnswers(definition, current.answers, engineOptions),
    };
  };

  /** Stored; held in memory because storage refused it (retried, not yet saved); or failed outright. */
  const store = async (response: NewResponse, current: Session): Promise<'stored' | 'held' | 'failed'> => {
    try {
      await props.saveResponse(response, { startedMonoMs: current.startedMonoMs, completedMonoMs: monotonicNow() });
      props.onResponseStored?.();
      return 'stored';
    } catch (error) {
      const { kind, held } = error as { kind?: string; held?: boolean };
      const key =
        held === true ? 'storageHeld.alert' : kind === 'quota' ? 'alerts.storageQuota' : kind === 'unavailable' ? 'alerts.storageUnavailable' : 'alerts.storageUnknown';
      props.onStaffAlert('storage', key, String(error));
      return held === true ? 'held' : 'failed';
    }
  };

  /** The first required question asked but unanswered (only an edit that opens one leaves such a gap). */
  const missingRequired = (answers: Answers): string | undefined =>
    validateAnswers(definition, answers, 'complete', engineOptions).find((problem) => problem.kind === 'required')?.questionId;

  /** Whether the response counts as complete: the core was passed and nothing required is open. */
  const counts = (current: Session) => current.coreDone && missingRequired(current.answers) === undefined;

  /** What an idle reset would do with this session's answers, for the warning and the reset alike. */
  const idleOutcome = (current: Session): IdleOutcome =>
    counts(current) ? 'send' : settings.abandonedResponse === 'keep-partial' && Object.keys(current.answers).length > 0 ? 'keep-partial' : 'discard';

  const onIdleExpire = useCallback(() => {
    const current = screen.kind === 'survey' ? screen.session : null;
    // A send under way owns the response; the idle timer is off then, this is the belt to its braces.
    if (submittingRef.current) return;
    if (current) {
      const outcome = idleOutcome(current);
      if (outcome === 'send') {
        // Built before the reset, stored after: the next citizen never waits for (or sees) this one.
        const response = buildResponse(current, 'complete', 'timeout');
        void store(response, current).then((stored) => stored !== 'failed' && funnel({ kind: 'completed', endedBy: 'timeout' }));
      } else {
        if (outcome === 'keep-partial') void store(buildResponse(current, 'partial'), current);
        if (current.furthestId !== null) funnel({ kind: 'abandoned', lastQuestionId: current.furthestId });
      }
    }
    resetToWelcome();
  }, [screen, settings.abandonedResponse, resetToWelcome]);

  const idle = useIdleReset({
    active: screen.kind === 'survey' && !submitting,
    timeoutMs: settings.idleTimeoutMs,
    warningMs: settings.idleWarningMs,
    onExpire: onIdleExpire,
  });

  const start = () => {
    const first = firstQuestionId(definition, {}, engineOptions);
    setScreen({
      kind: 'survey',
      session: {
        id: crypto.randomUUID(),
        language,
        startedAt: now(),
        startedMonoMs: monotonicNow(),
        answers: {},
        // A definition that asks nothing on this kiosk has nothing to wait for: straight to the review.
        step: first === null ? { kind: 'review' } : { kind: 'question', questionId: first },
        coreDone: first === null,
        coreExitId: null,
        furthestId: first,
        returnTo: null,
        reviewBack: { kind: 'checkpoint' },
      },
    });
    funnel({ kind: 'started' });
  };

  const updateSession = (change: (current: Session) => Session) =>
    setScreen((previous) => (previous.kind === 'survey' ? { kind: 'survey', session: change(previous.session) } : previous));

  /** The session showing this question, with the furthest point reached moved on if it lies further. */
  const showQuestion = (current: Session, questionId: string): Session => {
    const furthest = current.furthestId;
    const further = furthest === null || (questionOrder.get(questionId) ?? -1) > (questionOrder.get(furthest) ?? -1);
    return { ...current, step: { kind: 'question', questionId }, furthestId: further ? questionId : furthest };
  };

  const showReview = (current: Session, back: Step): Session => ({ ...current, step: { kind: 'review' }, returnTo: null, reviewBack: back });

  /**
   * The step after a question: back to the review after an edit (unless the edit opened a required
   * question), the checkpoint when the core is left, else the next question or the review at the end.
   * Ignores a move from a question no longer on screen (a stale advance timer).
   */
  const moveOn = (current: Session, fromId: string): Session => {
    if (current.step.kind !== 'question' || current.step.questionId !== fromId) return current;
    const { answers } = current;
    if (current.returnTo === 'review') {
      const missing = missingRequired(answers);
      return missing !== undefined && missing !== fromId ? showQuestion(current, missing) : showReview(current, current.reviewBack);
    }
    if (leavesCore(definition, answers, fromId, engineOptions)) {
      const done: Session = { ...current, coreDone: true, coreExitId: fromId };
      // Without extras (none in the definition, or all switched off) a choice would offer nothing:
      // the review follows, as at the end of any path, with Send always in view.
      return extrasAhead(definition, answers, current.language, engineOptions).questions > 0
        ? { ...done, step: { kind: 'checkpoint' } }
        : showReview(done, { kind: 'question', questionId: fromId });
    }
    const next = nextQuestionId(definition, answers, fromId, engineOptions);
    return next === null ? showReview(current, { kind: 'question', questionId: fromId }) : showQuestion(current, next);
  };

  const moveBack = (current: Session): Session => {
    const { step } = current;
    if (step.kind === 'checkpoint') return current.coreExitId === null ? current : showQuestion(current, current.coreExitId);
    if (step.kind === 'review') {
      const back = current.reviewBack;
      return back.kind === 'question' ? showQuestion(current, back.questionId) : { ...current, step: back };
    }
    // Back from an answer being edited leaves it as it was and returns to the review it came from.
    if (current.returnTo === 'review') return showReview(current, current.reviewBack);
    const previous = previousQuestionId(definition, current.answers, step.questionId, engineOptions);
    return previous === null ? current : showQuestion(current, previous);
  };

  const move = (change: (current: Session) => Session) => {
    stopSpeaking();
    updateSession(change);
  };

  const answer = (questionId: string, value: AnswerValue | undefined, advance: boolean) => {
    updateSession((current) => {
      const answers = { ...current.answers };
      if (value === undefined) delete answers[questionId];
      else answers[questionId] = value;
      return { ...current, answers: pruneAnswers(definition, answers, engineOptions) };
    });
    if (advance) setTimeout(() => updateSession((current) => moveOn(current, questionId)), ADVANCE_DELAY_MS);
  };

  const submit = async () => {
    if (!session || submittingRef.current) return; // a double tap on "send" must never store twice
    const missing = missingRequired(session.answers);
    if (missing !== undefined) {
      // Only an edit that opened a required question can leave one open: ask it, then come back.
      move((current) => ({ ...showQuestion(current, missing), returnTo: 'review' }));
      return;
    }
    submittingRef.current = true;
    setSubmitting(true);
    const stored = await store(buildResponse(session, 'complete', 'citizen'), session);
    if (stored !== 'failed') funnel({ kind: 'completed', endedBy: 'citizen' });
    stopSpeaking();
    // The answers go with the survey screen; language and reading aids stay for the thank-you.
    setScreen({ kind: stored === 'stored' ? 'thanks' : stored === 'held' ? 'storage-held' : 'storage-error' });
    submittingRef.current = false;
    setSubmitting(false);
  };

  const step = session?.step;
  const current = step?.kind === 'question' ? findQuestion(definition, step.questionId) : undefined;
  const progress = current ? pathProgress(definition, current.question.id, engineOptions) : undefined;
  const readAloud =
    voiceAvailable && current
      ? () =>
          speak(
            [
              localize(current.question.text, language),
              ...(current.question.kind === 'satisfaction'
                ? definition.scales[current.question.scale].options.map((o) => `${o.code}. ${localize(o.label, language)}`)
                : 'options' in current.question
                  ? current.question.options.map((o) => localize(o.label, language))
                  : []),
            ],
            language,
          )
      : undefined;

  return (
    <div class="kiosk" lang={language} onContextMenu={(event) => event.preventDefault()}>
      <A11yToolbar t={t} state={a11y} onChange={setA11y} onReadAloud={readAloud} />
      <ErrorBoundary
        onError={(error) => {
          props.onStaffAlert('app', 'alerts.screenError', String(error));
          resetToWelcome();
        }}
      >
        {screen.kind === 'welcome' && (
          <Welcome
            t={t}
            definition={definition}
            agencyName={settings.agencyName}
            counterName={settings.counterName}
            promise={promise}
            languages={settings.languages.filter((l) => definition.languages.includes(l))}
            language={language}
            onLanguage={setLanguage}
            onStart={start}
          />
        )}
        {session && current && progress && (
          <QuestionScreen
            key={`${session.id}:${current.question.id}`}
            t={t}
            definition={definition}
            section={current.section}
            question={current.question}
            value={session.answers[current.question.id]}
            language={language}
            progress={progress}
            canGoBack={session.returnTo === 'review' || previousQuestionId(definition, session.answers, current.question.id, engineOptions) !== null}
            onAnswer={(value, advance) => answer(current.question.id, value, advance)}
            onNext={() => move((s) => moveOn(s, current.question.id))}
            onBack={() => move(moveBack)}
            onSendNow={progress.part === 'extra' ? () => void submit() : undefined}
          />
        )}
        {session && step?.kind === 'checkpoint' && (
          <Checkpoint
            key={session.id}
            t={t}
            extras={extrasAhead(definition, session.answers, language, engineOptions)}
            submitting={submitting}
            onSend={() => void submit()}
            onMore={() =>
              move((s) => {
                const first = s.coreExitId === null ? null : nextQuestionId(definition, s.answers, s.coreExitId, engineOptions);
                return first === null ? showReview(s, { kind: 'checkpoint' }) : showQuestion(s, first);
              })
            }
            onReview={() => move((s) => showReview(s, { kind: 'checkpoint' }))}
            onBack={() => move(moveBack)}
          />
        )}
        {session && step?.kind === 'review' && (
          <Review
            key={session.id}
            t={t}
            definition={definition}
            answers={session.answers}
            language={language}
            engineOptions={engineOptions}
            submitting={submitting}
            onEdit={(questionId) => move((s) => ({ ...showQuestion(s, questionId), returnTo: 'review' }))}
            onSubmit={() => void submit()}
            onBack={() => move(moveBack)}
          />
        )}
        {(screen.kind === 'thanks' || screen.kind === 'storage-error' || screen.kind === 'storage-held') && (
          <Notice t={t} kind={screen.kind} returnAfterMs={settings.thankYouMs} onDone={resetToWelcome} />
        )}
      </ErrorBoundary>
      {idle.secondsLeft !== null && screen.kind === 'survey' && (
        <IdleWarning t={t} secondsLeft={idle.secondsLeft} outcome={idleOutcome(screen.session)} onStillHere={idle.stillHere} />
      )}
    </div>
  );
}
