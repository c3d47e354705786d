import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { translator } from '../i18n';
import type { KioskSettings } from '../../shared/settings';
import type { SurveyDefinition, AnswerValue, Answers } from '../../shared/schemas';
import {
  findQuestion,
  firstQuestionId,
  nextQuestionId,
  previousQuestionId,
  progressOf,
  pruneAnswers,
  type EngineOptions,
} from '../../shared/survey';
import type { NewResponse } from '../storage';
import { A11yToolbar, DEFAULT_A11Y, type A11yState } from './A11yToolbar';
import { ErrorBoundary } from './ErrorBoundary';
import { IdleWarning } from './IdleWarning';
import { localize } from '../../shared/l10n';
import { Notice } from './Notice';
import { QuestionScreen, ADVANCE_DELAY_MS } from './QuestionScreen';
import { Review } from './Review';
import { Welcome } from './Welcome';
import { speak, stopSpeaking, useVoiceAvailable } from './speech';
import { useIdleReset } from './use-idle-reset';
import { useWakeLock } from './use-wake-lock';

/** Everything about one citizen's visit; replaced whole on reset so nothing carries over. */
interface Session {
  /** The response's UUID, fixed from the moment the survey starts. */
  id: string;
  language: string;
  startedAt: Date;
  answers: Answers;
  /** The question on screen, or null for the review. */
  currentId: string | null;
}

type Screen =
  | { kind: 'welcome' }
  | { kind: 'survey'; session: Session }
  | { kind: 'thanks' }
  | { kind: 'storage-error' };

export interface KioskAppProps {
  definition: SurveyDefinition;
  settings: KioskSettings;
  appVersion: string;
  /** Stores a finished or kept-partial response durably; rejects with a StorageFailure. */
  saveResponse: (response: NewResponse) => Promise<unknown>;
  /** Tells staff something went wrong (storage failure, screen error). */
  onStaffAlert: (kind: 'storage' | 'app', messageKey: string, detail: string) => void;
  /** Called after every stored response (the sync engine drains then). */
  onResponseStored?: () => void;
  /** Called each time the welcome screen shows between citizens (updates are applied there). */
  onWelcome?: () => void;
  now?: () => Date;
}

/** The citizen-facing kiosk: welcome → one question per screen → review → thank you → welcome. */
export function KioskApp(props: KioskAppProps) {
  const { definition, settings } = props;
  const now = props.now ?? (() => new Date());
  const defaultLanguage = settings.languages.find((l) => definition.languages.includes(l)) ?? definition.languages[0];
  const [screen, setScreen] = useState<Screen>({ kind: 'welcome' });
  const [language, setLanguage] = useState(defaultLanguage);
  const [a11y, setA11y] = useState<A11yState>(DEFAULT_A11Y);
  const [submitting, setSubmitting] = useState(false);
  const submittingRef = useRef(false);
  const engineOptions: EngineOptions = useMemo(() => ({ disabledSections: settings.disabledSections }), [settings.disabledSections]);
  const t = useMemo(() => translator(language), [language]);
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
  }, [screen.kind]);

  useEffect(() => {
    document.documentElement.lang = language;
    document.documentElement.style.fontSize = `${a11y.textScale}%`;
    document.documentElement.classList.toggle('high-contrast', a11y.highContrast);
  }, [language, a11y]);

  const session = screen.kind === 'survey' ? screen.session : null;

  const buildResponse = (current: Session, status: 'complete' | 'partial'): NewResponse => {
    const completedAt = now();
    return {
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

  const store = async (response: NewResponse): Promise<boolean> => {
    try {
      await props.saveResponse(response);
      props.onResponseStored?.();
      return true;
    } catch (error) {
      const kind = (error as { kind?: string }).kind;
      const key = kind === 'quota' ? 'alerts.storageQuota' : kind === 'unavailable' ? 'alerts.storageUnavailable' : 'alerts.storageUnknown';
      props.onStaffAlert('storage', key, String(error));
      return false;
    }
  };

  const onIdleExpire = useCallback(() => {
    const current = screen.kind === 'survey' ? screen.session : null;
    if (current && settings.abandonedResponse === 'keep-partial' && Object.keys(current.answers).length > 0) {
      void store(buildResponse(current, 'partial'));
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
      session: { id: crypto.randomUUID(), language, startedAt: now(), answers: {}, currentId: first },
    });
  };

  const updateSession = (change: (current: Session) => Session) =>
    setScreen((previous) => (previous.kind === 'survey' ? { kind: 'survey', session: change(previous.session) } : previous));

  const goTo = (questionId: string | null) => {
    stopSpeaking();
    updateSession((current) => ({ ...current, currentId: questionId }));
  };

  const answer = (questionId: string, value: AnswerValue | undefined, advance: boolean) => {
    updateSession((current) => {
      const answers = { ...current.answers };
      if (value === undefined) delete answers[questionId];
      else answers[questionId] = value;
      return { ...current, answers: pruneAnswers(definition, answers, engineOptions) };
    });
    if (advance) {
      setTimeout(() => {
        updateSession((current) =>
          current.currentId === questionId
            ? { ...current, currentId: nextQuestionId(definition, current.answers, questionId, engineOptions) }
            : current,
        );
      }, ADVANCE_DELAY_MS);
    }
  };

  const submit = async () => {
    if (!session || submittingRef.current) return; // a double tap on "send" must never store twice
    submittingRef.current = true;
    setSubmitting(true);
    const stored = await store(buildResponse(session, 'complete'));
    stopSpeaking();
    // The answers go with the survey screen; language and reading aids stay for the thank-you.
    setScreen({ kind: stored ? 'thanks' : 'storage-error' });
    submittingRef.current = false;
    setSubmitting(false);
  };

  const current = session?.currentId ? findQuestion(definition, session.currentId) : undefined;
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
            languages={settings.languages.filter((l) => definition.languages.includes(l))}
            language={language}
            onLanguage={setLanguage}
            onStart={start}
          />
        )}
        {session && current && (
          <QuestionScreen
            key={`${session.id}:${current.question.id}`}
            t={t}
            definition={definition}
            section={current.section}
            question={current.question}
            value={session.answers[current.question.id]}
            language={language}
            {...progressOf(definition, session.answers, current.question.id, engineOptions)}
            canGoBack={previousQuestionId(definition, session.answers, current.question.id, engineOptions) !== null}
            onAnswer={(value, advance) => answer(current.question.id, value, advance)}
            onNext={() => goTo(nextQuestionId(definition, session.answers, current.question.id, engineOptions))}
            onBack={() => goTo(previousQuestionId(definition, session.answers, current.question.id, engineOptions))}
          />
        )}
        {session && !current && (
          <Review
            key={session.id}
            t={t}
            definition={definition}
            answers={session.answers}
            language={language}
            engineOptions={engineOptions}
            submitting={submitting}
            onEdit={goTo}
            onSubmit={() => void submit()}
          />
        )}
        {(screen.kind === 'thanks' || screen.kind === 'storage-error') && (
          <Notice t={t} kind={screen.kind} returnAfterMs={settings.thankYouMs} onDone={resetToWelcome} />
        )}
      </ErrorBoundary>
      {idle.secondsLeft !== null && screen.kind === 'survey' && (
        <IdleWarning t={t} secondsLeft={idle.secondsLeft} keepsPartial={settings.abandonedResponse === 'keep-partial'} onStillHere={idle.stillHere} />
      )}
    </div>
  );
}
