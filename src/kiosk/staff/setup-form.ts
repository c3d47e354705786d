/*
 * The setup form's values (as typed, seconds in the UI) and their conversion to KioskSettings,
 * validated by the one settings schema; each zod issue becomes a plain message next to its field.
 */
import { settingsSchema, type KioskSettings, type SurveyDefinition } from '../../shared/schemas';

/** What the form holds: strings as typed, so a half-typed number is never lost. */
export interface SetupValues {
  // No agency or counter: the place comes from the collector (provisioning link, sync answers) and is shown read-only.
  deviceLabel: string;
  endpointUrl: string;
  /** A new token; empty keeps the saved one (the saved token is never shown back). */
  newDeviceToken: string;
  definitionId: string;
  /** "" for "always the newest version", else a version number. */
  definitionVersion: string;
  languages: string[];
  idleTimeoutSec: string;
  thankYouSec: string;
  abandonedResponse: KioskSettings['abandonedResponse'];
  /** Optional sections of the chosen definition left on. */
  enabledSections: string[];
  minIntervalSec: string;
}

/** Fields that carry their own message. */
export type SetupField =
  | 'deviceLabel'
  | 'endpointUrl'
  | 'newDeviceToken'
  | 'definition'
  | 'languages'
  | 'idleTimeoutSec'
  | 'thankYouSec'
  | 'abandonedResponse'
  | 'sections'
  | 'minIntervalSec'
  | 'form';

/** The i18n key (namespace kiosk-staff) of a field's message. */
export type SetupErrorKey = `setup.errors.${SetupField | 'required'}`;

/** An i18n key per field in error. */
export type SetupErrors = Partial<Record<SetupField, SetupErrorKey>>;

/** The placeholder code of a kiosk whose place the collector has not told yet. */
const UNSET = 'UNSET';

/** The kiosk's place as the setup shows it (read-only); `known` is false until the collector has told it. */
export interface PlaceShown {
  agencyName: string;
  agencyCode: string;
  counterName: string;
  counterCode: string;
  known: boolean;
}

/** The place the setup shows: from the collector's registration of the device, never typed on the tablet. */
export function placeShown(settings: KioskSettings): PlaceShown {
  const code = (text: string) => (text === UNSET ? '' : text);
  const agencyCode = code(settings.agencyCode);
  const counterCode = code(settings.counterCode);
  return { agencyName: settings.agencyName, agencyCode, counterName: settings.counterName, counterCode, known: agencyCode !== '' && counterCode !== '' };
}

/** Languages in the order the welcome screen offers them: Vietnamese first. */
export const SETUP_LANGUAGES = ['vi', 'en'] as const;

/** Optional sections of a definition, the ones staff may switch off. */
export function optionalSections(definition: SurveyDefinition | undefined): SurveyDefinition['sections'] {
  return definition?.sections.filter((section) => section.optional) ?? [];
}

/** The definition a form value points at: a pinned version, or the newest of the id. */
export function chosenDefinition(definitions: readonly SurveyDefinition[], id: string, version: string): SurveyDefinition | undefined {
  const same = definitions.filter((d) => d.id === id).sort((a, b) => b.version - a.version);
  return version === '' ? same[0] : same.find((d) => String(d.version) === version);
}

const seconds = (ms: number) => String(Math.round(ms / 100) / 10);

/**
 * The form as it opens for the saved settings. When the saved questionnaire is not bundled (the
 * default id on a fresh kiosk, or one retired by an update) it opens on `fallback`, the definition
 * the kiosk is actually asking.
 */
export function toSetupValues(settings: KioskSettings, definitions: readonly SurveyDefinition[], fallback?: SurveyDefinition): SetupValues {
  const savedVersion = settings.definitionVersion === null ? '' : String(settings.definitionVersion);
  const saved = chosenDefinition(definitions, settings.definitionId, savedVersion);
  const definition = saved ?? fallback;
  return {
    deviceLabel: settings.deviceLabel,
    endpointUrl: settings.endpointUrl,
    newDeviceToken: '',
    definitionId: saved ? settings.definitionId : (fallback?.id ?? settings.definitionId),
    definitionVersion: saved ? savedVersion : '',
    languages: SETUP_LANGUAGES.filter((l) => settings.languages.includes(l)),
    idleTimeoutSec: seconds(settings.idleTimeoutMs),
    thankYouSec: seconds(settings.thankYouMs),
    abandonedResponse: settings.abandonedResponse,
    enabledSections: optionalSections(definition)
      .map((s) => s.id)
      .filter((id) => !settings.disabledSections.includes(id)),
    minIntervalSec: seconds(settings.minIntervalMs),
  };
}

/** Seconds as typed ("90", "7,5") to whole milliseconds; anything else to NaN for zod to reject. */
function secondsToMs(text: string): number {
  const trimmed = text.trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return Number.NaN;
  return Math.round(Number(trimmed) * 1000);
}

/** Settings field → form field, for placing zod's issues. */
const FIELD_OF: Partial<Record<keyof KioskSettings, SetupField>> = {
  deviceLabel: 'deviceLabel',
  endpointUrl: 'endpointUrl',
  deviceToken: 'newDeviceToken',
  definitionId: 'definition',
  definitionVersion: 'definition',
  languages: 'languages',
  idleTimeoutMs: 'idleTimeoutSec',
  thankYouMs: 'thankYouSec',
  abandonedResponse: 'abandonedResponse',
  disabledSections: 'sections',
  minIntervalMs: 'minIntervalSec',
};

/**
 * The settings the form stands for, validated. Fields the form does not show keep their saved
 * value (the place among them: it is the collector's, so a code saved under an older rule never
 * blocks saving another field); the device token is kept unless a new one was typed. Returns the parsed (trimmed)
 * settings, or one message key per field in error.
 */
export function validateSetup(
  values: SetupValues,
  current: KioskSettings,
  definitions: readonly SurveyDefinition[],
): { ok: true; settings: KioskSettings } | { ok: false; errors: SetupErrors } {
  const definition = chosenDefinition(definitions, values.definitionId, values.definitionVersion);
  const optional = optionalSections(definition).map((s) => s.id);
  const candidate: Record<keyof KioskSettings, unknown> = {
    ...current,
    deviceLabel: values.deviceLabel,
    endpointUrl: values.endpointUrl.trim(),
    deviceToken: values.newDeviceToken.trim() === '' ? current.deviceToken : values.newDeviceToken.trim(),
    definitionId: values.definitionId,
    definitionVersion: values.definitionVersion === '' ? null : Number(values.definitionVersion),
    languages: SETUP_LANGUAGES.filter((l) => values.languages.includes(l)),
    idleTimeoutMs: secondsToMs(values.idleTimeoutSec),
    thankYouMs: secondsToMs(values.thankYouSec),
    abandonedResponse: values.abandonedResponse,
    disabledSections: optional.filter((id) => !values.enabledSections.includes(id)),
    minIntervalMs: secondsToMs(values.minIntervalSec),
  };
  const errors: SetupErrors = {};
  if (!definition) errors.definition = 'setup.errors.definition';
  const result = settingsSchema.safeParse(candidate);
  if (result.success && !errors.definition) return { ok: true, settings: result.data };
  for (const issue of result.success ? [] : result.error.issues) {
    const key = issue.path[0] as keyof KioskSettings;
    const field = FIELD_OF[key] ?? 'form';
    if (errors[field]) continue; // one message per field: the first problem found
    const blank = typeof candidate[key] === 'string' && (candidate[key] as string).trim() === '';
    errors[field] = blank && issue.code === 'too_small' ? 'setup.errors.required' : `setup.errors.${field}`;
  }
  return { ok: false, errors };
}
