import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { isAppLanguage, type TFunction } from '../i18n';
import type { SurveyDefinition } from '../../shared/schemas';
import { localize } from '../../shared/l10n';
import { ActionBar } from './ActionBar';

/** Idle time on the welcome screen before it starts inviting the next citizen. */
export const WELCOME_ATTRACT_MS = 20_000;

interface Props {
  t: TFunction;
  definition: SurveyDefinition;
  agencyName: string;
  /** The counter from setup ("Quầy số 3"); optional while a caller does not pass it yet. */
  counterName?: string;
  /** The length promised, computed from the definition: questions on the default path and minutes. */
  promise?: { questions: number; minutes: number };
  languages: string[];
  language: string;
  onLanguage: (language: string) => void;
  onStart: () => void;
  /** Injectable for tests; defaults to WELCOME_ATTRACT_MS. */
  attractAfterMs?: number;
}

/**
 * The first screen: who asks (agency and counter, large), what it costs (the computed promise), one
 * large start button and, clearly secondary, the language toggle. Left alone for a while it turns
 * to an attract state (data-attract) that only recolours and animates, never moves layout.
 */
export function Welcome(props: Props) {
  const { t, definition, agencyName, counterName, promise, languages, language, onLanguage, onStart } = props;
  const heading = useRef<HTMLHeadingElement>(null);
  const [attract, setAttract] = useState(false);
  // The heading takes focus so a screen reader starts here; kiosk.css never draws a ring on
  // headings (not a control), so a touch user sees no frame on boot while Tab still shows one on
  // every control.
  useLayoutEffect(() => {
    window.scrollTo(0, 0);
    heading.current?.focus({ preventScroll: true });
  }, []);

  useEffect(() => {
    const delay = props.attractAfterMs ?? WELCOME_ATTRACT_MS;
    let timer = setTimeout(() => setAttract(true), delay);
    const wake = () => {
      clearTimeout(timer);
      setAttract(false);
      timer = setTimeout(() => setAttract(true), delay);
    };
    document.addEventListener('pointerdown', wake);
    document.addEventListener('keydown', wake);
    return () => {
      clearTimeout(timer);
      document.removeEventListener('pointerdown', wake);
      document.removeEventListener('keydown', wake);
    };
  }, [props.attractAfterMs]);

  return (
    <main class="screen welcome" aria-labelledby="welcome-heading" data-attract={attract}>
      {languages.length > 1 && (
        <div class="languages" role="group" aria-label={t('welcome.chooseLanguage')}>
          {languages.map((code) => (
            <button type="button" key={code} lang={code} class="language" aria-pressed={code === language} onClick={() => onLanguage(code)}>
              {isAppLanguage(code) ? t(`language.${code}`) : code}
            </button>
          ))}
        </div>
      )}
      {(agencyName || counterName) && (
        <div class="place">
          {agencyName && <p class="agency">{agencyName}</p>}
          {counterName && <p class="counter">{counterName}</p>}
        </div>
      )}
      <h1 id="welcome-heading" tabIndex={-1} ref={heading}>
        {t('welcome.heading')}
      </h1>
      <p class="survey-title">{localize(definition.title, language)}</p>
      <p class="intro">{t('welcome.intro')}</p>
      {promise && <p class="promise">{t('welcome.promise', promise)}</p>}
      {/* In the bottom bar like every screen's forward button: on screen at any text size. */}
      <ActionBar>
        <button type="button" class="primary start" onClick={onStart}>
          {t('welcome.start')}
        </button>
      </ActionBar>
    </main>
  );
}
