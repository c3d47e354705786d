import { useEffect, useState } from 'preact/hooks';

/** A device voice for the language, if the device has one (many tablets lack a Vietnamese voice). */
export function findVoice(language: string): SpeechSynthesisVoice | undefined {
  const synth = globalThis.speechSynthesis;
  if (!synth) return undefined;
  return synth.getVoices().find((voice) => voice.lang.toLowerCase().startsWith(language.toLowerCase()));
}

/** Tracks whether a voice exists for the language; voices load asynchronously in Chromium. */
export function useVoiceAvailable(language: string): boolean {
  const [available, setAvailable] = useState(() => Boolean(findVoice(language)));
  useEffect(() => {
    const synth = globalThis.speechSynthesis;
    if (!synth) return;
    const update = () => setAvailable(Boolean(findVoice(language)));
    update();
    synth.addEventListener?.('voiceschanged', update);
    return () => synth.removeEventListener?.('voiceschanged', update);
  }, [language]);
  return available;
}

/** Reads the texts aloud in the language's voice, interrupting anything already being read. */
export function speak(texts: string[], language: string): void {
  const synth = globalThis.speechSynthesis;
  const voice = findVoice(language);
  if (!synth || !voice) return;
  synth.cancel();
  for (const text of texts) {
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.voice = voice;
    utterance.lang = voice.lang;
    utterance.rate = 0.9; // a little slower: many respondents are elderly
    synth.speak(utterance);
  }
}

/** Stops reading; called on every screen change so the next citizen hears nothing of the last. */
export function stopSpeaking(): void {
  globalThis.speechSynthesis?.cancel();
}
