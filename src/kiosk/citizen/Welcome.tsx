import { useEffect, useRef } from 'preact/hooks';
import { isAppLanguage, type TFunction } from '../i18n';
import type { SurveyDefinition } from '../../shared/schemas';
import { localize } from '../../shared/l10n';

interface Props {
  t: TFunction;
  definition: SurveyDefinition;
  agencyName: string;
  languages: string[];
  language: string;
  onLanguage: (language: string) => void;
  onStart: () => void;
}

/** The first screen: language choice (Vietnamese first) and one large start button. */
export function Welcome({ t, definition, agencyName, languages, language, onLanguage, onStart }: Props) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <main class="screen welcome" aria-labelledby="welcome-heading">
      {agencyName && <p class="agency">{agencyName}</p>}
      <h1 id="welcome-heading" tabIndex={-1} ref={heading}>
        {t('welcome.heading')}
      </h1>
      <p class="survey-title">{localize(definition.title, language)}</p>
      <p class="intro">{t('welcome.intro')}</p>
      {languages.length > 1 && (
        <div class="languages" role="group" aria-label={t('welcome.chooseLanguage')}>
          {languages.map((code) => (
            <button
              type="button"
              key={code}
              lang={code}
              class="language"
              aria-pressed={code === language}
              onClick={() => onLanguage(code)}
            >
              {isAppLanguage(code) ? t(`language.${code}`) : code}
            </button>
          ))}
        </div>
      )}
      <button type="button" class="primary start" onClick={onStart}>
        {t('welcome.start')}
      </button>
      <p class="hint">{t('welcome.minutes')}</p>
    </main>
  );
}
