import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { StaffT } from './staff-i18n';
import type { KioskSettings } from '../../shared/settings';
import type { SurveyDefinition } from '../../shared/schemas';
import { loadSettings, saveSettings } from '../storage';
import { CITIZEN_NS } from '../i18n';
import { localize } from '../../shared/l10n';
import { FieldNotes, PanelHeading, describedBy } from './common';
import {
  SETUP_LANGUAGES,
  chosenDefinition,
  optionalSections,
  placeShown,
  toSetupValues,
  validateSetup,
  type SetupErrors,
  type SetupField,
  type SetupValues,
} from './setup-form';

export interface SetupPanelProps {
  t: StaffT;
  language: string;
  settings: KioskSettings;
  definitions: readonly SurveyDefinition[];
  /** The definition the kiosk asks now; the form opens on it when the saved one is not bundled. */
  activeDefinition: SurveyDefinition;
  firstRun: boolean;
  onSaved: (settings: KioskSettings) => void;
}

/** The one-line text fields (the others are choices, with their own markup). */
type TextField = 'deviceLabel' | 'endpointUrl' | 'newDeviceToken' | 'idleTimeoutSec' | 'thankYouSec' | 'minIntervalSec';

/**
 * The kiosk's settings, validated by the settings schema with a plain message next to each field.
 * Saving writes only the settings: stored responses keep their own definition id and version.
 */
export function SetupPanel({ t, language, settings, definitions, activeDefinition, firstRun, onSaved }: SetupPanelProps) {
  const [values, setValues] = useState<SetupValues>(() => toSetupValues(settings, definitions, activeDefinition));
  const [errors, setErrors] = useState<SetupErrors>({});
  const [status, setStatus] = useState<'idle' | 'saving' | 'saved' | 'invalid' | 'failed'>('idle');
  const [savedToken, setSavedToken] = useState(settings.deviceToken);
  const formRef = useRef<HTMLFormElement>(null);

  // After a refused save, take the clerk to the first field to correct.
  useEffect(() => {
    if (status === 'invalid') formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);

  const ids = useMemo(() => [...new Set(definitions.map((d) => d.id))], [definitions]);
  const versions = definitions.filter((d) => d.id === values.definitionId).sort((a, b) => b.version - a.version);
  const definition = chosenDefinition(definitions, values.definitionId, values.definitionVersion);
  const sections = optionalSections(definition);

  const set = <K extends keyof SetupValues>(key: K, value: SetupValues[K]) => {
    setValues((previous) => ({ ...previous, [key]: value }));
    setStatus('idle');
  };
  const text = (key: keyof SetupValues) => (event: Event) => set(key, (event.currentTarget as HTMLInputElement).value as never);
  const message = (field: SetupField) =>
    errors[field] ? t(errors[field]!, { field: field === 'form' ? '' : t(`setup.fields.${field}.label`) }) : undefined;

  const submit = async (event: Event) => {
    event.preventDefault();
    if (status === 'saving') return;
    // The place may have moved since the panel opened (a sync answer): keep the collector's, never the panel's copy.
    const latest = await loadSettings();
    const { agencyName, agencyCode, counterName, counterCode } = latest;
    const result = validateSetup(values, { ...settings, agencyName, agencyCode, counterName, counterCode }, definitions);
    if (!result.ok) {
      setErrors(result.errors);
      setStatus('invalid');
      return;
    }
    setErrors({});
    setStatus('saving');
    try {
      await saveSettings(result.settings);
      setSavedToken(result.settings.deviceToken);
      setValues((previous) => ({ ...previous, newDeviceToken: '' }));
      setStatus('saved');
      onSaved(result.settings);
    } catch {
      setStatus('failed');
    }
  };

  /** A one-line text box with its label, hint and error. */
  const input = (field: TextField, options: { type?: string; hint?: boolean; inputMode?: 'numeric' | 'decimal' | 'url'; autoComplete?: string } = {}) => {
    const id = `staff-${field}`;
    const hint = options.hint === false ? undefined : t(`setup.fields.${field}.hint`);
    return (
      <div class="staff-field">
        <label class="staff-label" for={id}>
          {t(`setup.fields.${field}.label`)}
        </label>
        <input
          id={id}
          name={field}
          class="staff-input"
          type={options.type ?? 'text'}
          inputMode={options.inputMode}
          autoComplete={options.autoComplete ?? 'off'}
          spellcheck={false}
          value={values[field]}
          aria-invalid={errors[field] ? 'true' : undefined}
          aria-describedby={describedBy(id, !!hint, !!errors[field])}
          onInput={text(field)}
        />
        <FieldNotes id={id} hint={hint} error={message(field)} />
      </div>
    );
  };

  const tokenEnd = savedToken.slice(-4);
  const place = placeShown(settings);

  return (
    <form class="staff-panel staff-setup" ref={formRef} onSubmit={(event) => void submit(event)} noValidate>
      <PanelHeading>{t('setup.heading')}</PanelHeading>
      <p class="staff-intro">{t(firstRun ? 'setup.firstRunIntro' : 'setup.intro')}</p>

      <fieldset class="staff-group">
        <legend>{t('setup.place')}</legend>
        <p class="staff-hint" id="staff-place-note">
          {t('setup.placeShown.placeFromCollector')}
        </p>
        {place.known ? (
          <dl class="staff-facts" aria-describedby="staff-place-note" data-testid="setup-place">
            <div class="staff-fact">
              <dt>{t('setup.placeShown.agency')}</dt>
              <dd>
                {place.agencyName || t('setup.placeShown.noName')} <code>{place.agencyCode}</code>
              </dd>
            </div>
            <div class="staff-fact">
              <dt>{t('setup.placeShown.counter')}</dt>
              <dd>
                {place.counterName || t('setup.placeShown.noName')} <code>{place.counterCode}</code>
              </dd>
            </div>
          </dl>
        ) : (
          <p class="staff-warning" data-testid="setup-place">
            {t('setup.placeShown.placeUnknown')}
          </p>
        )}
        {input('deviceLabel')}
      </fieldset>

      <fieldset class="staff-group">
        <legend>{t('setup.connection')}</legend>
        {input('endpointUrl', { type: 'url', inputMode: 'url' })}
        <div class="staff-field">
          <label class="staff-label" for="staff-newDeviceToken">
            {t('setup.fields.newDeviceToken.label')}
          </label>
          <p id="staff-newDeviceToken-saved" class={savedToken ? 'staff-hint' : 'staff-warning'}>
            {savedToken ? t('setup.tokenSaved', { last: tokenEnd }) : t('setup.tokenMissing')}
          </p>
          <input
            id="staff-newDeviceToken"
            name="newDeviceToken"
            class="staff-input"
            type="password"
            autoComplete="off"
            spellcheck={false}
            value={values.newDeviceToken}
            aria-invalid={errors.newDeviceToken ? 'true' : undefined}
            aria-describedby={['staff-newDeviceToken-saved', describedBy('staff-newDeviceToken', true, !!errors.newDeviceToken)].filter(Boolean).join(' ')}
            onInput={text('newDeviceToken')}
          />
          <FieldNotes id="staff-newDeviceToken" hint={t('setup.fields.newDeviceToken.hint')} error={message('newDeviceToken')} />
        </div>
      </fieldset>

      <fieldset class="staff-group">
        <legend>{t('setup.survey')}</legend>
        <div class="staff-field">
          <label class="staff-label" for="staff-definition">
            {t('setup.fields.definition.label')}
          </label>
          <select
            id="staff-definition"
            class="staff-input"
            value={values.definitionId}
            aria-invalid={errors.definition ? 'true' : undefined}
            aria-describedby={describedBy('staff-definition', false, !!errors.definition)}
            onChange={(event) => {
              const id = (event.currentTarget as HTMLSelectElement).value;
              const next = chosenDefinition(definitions, id, '');
              setValues((previous) => ({
                ...previous,
                definitionId: id,
                definitionVersion: '',
                enabledSections: optionalSections(next).map((s) => s.id),
              }));
              setStatus('idle');
            }}
          >
            {ids.map((id) => {
              const newest = chosenDefinition(definitions, id, '');
              return (
                <option key={id} value={id}>
                  {newest ? `${localize(newest.title, language)} (${id})` : id}
                </option>
              );
            })}
          </select>
          <FieldNotes id="staff-definition" error={message('definition')} />
        </div>
        <div class="staff-field">
          <label class="staff-label" for="staff-definitionVersion">
            {t('setup.fields.definitionVersion.label')}
          </label>
          <select
            id="staff-definitionVersion"
            class="staff-input"
            value={values.definitionVersion}
            aria-describedby="staff-definitionVersion-hint"
            onChange={(event) => set('definitionVersion', (event.currentTarget as HTMLSelectElement).value)}
          >
            <option value="">{t('setup.newest', { version: versions[0]?.version ?? '?' })}</option>
            {versions.map((d) => (
              <option key={d.version} value={String(d.version)}>
                {t('setup.version', { version: d.version })}
              </option>
            ))}
          </select>
          <p id="staff-definitionVersion-hint" class="staff-hint">
            {t('setup.definitionNote')}
          </p>
        </div>

        <fieldset class="staff-field staff-choices" aria-describedby={describedBy('staff-languages', true, !!errors.languages)}>
          <legend class="staff-label">{t('setup.fields.languages.label')}</legend>
          {SETUP_LANGUAGES.map((code) => (
            <label key={code} class="staff-choice">
              <input
                type="checkbox"
                name="languages"
                value={code}
                checked={values.languages.includes(code)}
                aria-invalid={errors.languages ? 'true' : undefined}
                onChange={(event) => {
                  const on = (event.currentTarget as HTMLInputElement).checked;
                  set('languages', SETUP_LANGUAGES.filter((l) => (l === code ? on : values.languages.includes(l))));
                }}
              />
              <span>{t(`language.${code}`, { ns: CITIZEN_NS })}</span>
            </label>
          ))}
          <FieldNotes id="staff-languages" hint={t('setup.fields.languages.hint')} error={message('languages')} />
        </fieldset>

        <fieldset class="staff-field staff-choices" aria-describedby={describedBy('staff-sections', true, !!errors.sections)}>
          <legend class="staff-label">{t('setup.fields.sections.label')}</legend>
          {sections.length === 0 && <p class="staff-hint">{t('setup.noSections')}</p>}
          {sections.map((section) => (
            <label key={section.id} class="staff-choice">
              <input
                type="checkbox"
                name="sections"
                value={section.id}
                checked={values.enabledSections.includes(section.id)}
                onChange={(event) => {
                  const on = (event.currentTarget as HTMLInputElement).checked;
                  set('enabledSections', on ? [...values.enabledSections, section.id] : values.enabledSections.filter((id) => id !== section.id));
                }}
              />
              <span>{definition ? localize(section.title, language) : section.id}</span>
            </label>
          ))}
          <FieldNotes id="staff-sections" hint={sections.length ? t('setup.fields.sections.hint') : undefined} error={message('sections')} />
        </fieldset>
      </fieldset>

      <fieldset class="staff-group">
        <legend>{t('setup.timing')}</legend>
        {input('idleTimeoutSec', { inputMode: 'numeric' })}
        {input('thankYouSec', { inputMode: 'numeric' })}
        <fieldset class="staff-field staff-choices" aria-describedby={describedBy('staff-abandonedResponse', false, !!errors.abandonedResponse)}>
          <legend class="staff-label">{t('setup.fields.abandonedResponse.label')}</legend>
          {(['discard', 'keep-partial'] as const).map((policy) => (
            <label key={policy} class="staff-choice">
              <input
                type="radio"
                name="abandonedResponse"
                value={policy}
                checked={values.abandonedResponse === policy}
                onChange={() => set('abandonedResponse', policy)}
              />
              <span>{t(policy === 'discard' ? 'setup.discard' : 'setup.keepPartial')}</span>
            </label>
          ))}
          <FieldNotes id="staff-abandonedResponse" error={message('abandonedResponse')} />
        </fieldset>
        {input('minIntervalSec', { inputMode: 'numeric' })}
      </fieldset>

      {errors.form && (
        <p class="staff-error" role="alert">
          {message('form')}
        </p>
      )}
      {status === 'invalid' && (
        <p class="staff-error" role="alert">
          {t('setup.invalid')}
        </p>
      )}
      {status === 'failed' && (
        <p class="staff-error" role="alert">
          {t('setup.saveFailed')}
        </p>
      )}
      {status === 'saved' && (
        <p class="staff-ok" role="status">
          {t('setup.saved')}
        </p>
      )}
      <button type="submit" class="staff-button staff-primary" disabled={status === 'saving'}>
        {status === 'saving' ? t('setup.saving') : t('setup.save')}
      </button>
    </form>
  );
}
