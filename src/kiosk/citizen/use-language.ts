import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { SurveyDefinition } from '../../shared/schemas';
import { languageLoaded, loadLanguage } from './definitions';

/**
 * The citizen's language. A language other than Vietnamese loads on first use (its chunk is
 * precached, so offline too); the screen switches only once its words and the questionnaire's texts
 * are in, so a citizen never sees keys or a half-translated screen. If the load fails, the screen
 * stays in the language it shows and `onFailure` tells staff. The last choice wins: a tap on
 * Vietnamese while English is still loading keeps Vietnamese.
 */
export function useLanguage(definition: SurveyDefinition, defaultLanguage: string, onFailure: (language: string, error: unknown) => void): [string, (language: string) => void] {
  const [language, setLanguage] = useState(() => (languageLoaded(definition, defaultLanguage) ? defaultLanguage : 'vi'));
  const wanted = useRef(language);
  const failure = useRef(onFailure);
  failure.current = onFailure;
  const choose = useCallback(
    (next: string) => {
      wanted.current = next;
      if (languageLoaded(definition, next)) return setLanguage(next);
      loadLanguage(definition, next).then(
        () => wanted.current === next && setLanguage(next),
        (error: unknown) => failure.current(next, error),
      );
    },
    [definition],
  );
  // A kiosk set to open in a language that is not loaded yet (English first) switches as soon as it is.
  useEffect(() => choose(defaultLanguage), [choose, defaultLanguage]);
  return [language, choose];
}
