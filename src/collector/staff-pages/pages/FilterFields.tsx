/** @jsxRuntime automatic @jsxImportSource preact */
import { localize } from '../../../shared/l10n';
import type { SurveyDefinition } from '../../../shared/survey';
import type { PlaceCount } from '../../stores';
import { ALL_VERSIONS, EXCLUDE_ALL, REPORT_FLAGS, SERVICE_FIELD_QUESTION } from '../filters';
import type { PageContext } from './context';

/** What the filter fields of the export and the report offer. */
export interface FilterFormOptions {
  definitions: readonly SurveyDefinition[];
  places: readonly PlaceCount[];
  values: Record<string, string>;
  /** The export may take every questionnaire at once; the report scores one. */
  allowAnyDefinition: boolean;
  /** Definition whose service-field options are offered. */
  fieldDefinition: SurveyDefinition | undefined;
}

function Select({ name, label, current, options }: { name: string; label: string; current: string | undefined; options: Array<{ value: string; text: string }> }) {
  return (
    <label>
      {label}
      <select name={name}>
        {options.map((o) => (
          <option value={o.value} selected={o.value === (current ?? '')}>
            {o.text}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The filter fields: questionnaire, version, agency, counter, service field and period. */
export function FilterFields({ ctx, options }: { ctx: PageContext; options: FilterFormOptions }) {
  const { t, lang } = ctx;
  const v = options.values;
  const ids = [...new Set(options.definitions.map((d) => d.id))];
  const versions = [...new Set(options.definitions.map((d) => d.version))].sort((a, b) => a - b);
  const agencies = [...new Set(options.places.map((p) => p.agencyCode))].sort();
  const counters = [...new Set(options.places.map((p) => p.counterCode))].sort();
  // A place reads by its name where a device has one ("Quầy 2 (QUAY-2)"), by its code otherwise.
  const agencyNames = new Map(options.places.filter((p) => p.agencyName).map((p) => [p.agencyCode, p.agencyName!]));
  const counterNames = new Map(options.places.filter((p) => p.counterName).map((p) => [p.counterCode, p.counterName!]));
  const named = (name: string | undefined, code: string) => (name ? `${name} (${code})` : code);
  // Values typed into a URL are kept in the form even when no response has them yet.
  if (v.agency && !agencies.includes(v.agency)) agencies.push(v.agency);
  if (v.counter && !counters.includes(v.counter)) counters.push(v.counter);
  const fieldQuestion = options.fieldDefinition?.sections.flatMap((s) => s.questions).find((q) => q.id === SERVICE_FIELD_QUESTION);
  const all = { value: '', text: t('layout.all') };
  return (
    <>
      <Select
        name="definition"
        label={t('filters.definition')}
        current={v.definition}
        options={[
          ...(options.allowAnyDefinition ? [all] : []),
          ...ids.map((id) => {
            const title = localize(options.definitions.find((d) => d.id === id)?.title, lang);
            return { value: id, text: `${id} – ${title.length > 60 ? `${title.slice(0, 59)}…` : title}` };
          }),
        ]}
      />
      <Select
        name="version"
        label={t('filters.version')}
        current={v.version}
        options={[
          // The export takes every version when none is chosen; the report then takes the newest with responses.
          ...(options.allowAnyDefinition
            ? [{ value: '', text: t('filters.anyVersion') }]
            : [
                { value: '', text: t('report.versions.newest') },
                { value: ALL_VERSIONS, text: t('report.versions.all') },
              ]),
          ...versions.map((n) => ({ value: String(n), text: t('filters.versionLabel', { v: n }) })),
        ]}
      />
      <Select name="agency" label={t('filters.agency')} current={v.agency} options={[all, ...agencies.map((a) => ({ value: a, text: named(agencyNames.get(a), a) }))]} />
      <Select name="counter" label={t('filters.counter')} current={v.counter} options={[all, ...counters.map((c) => ({ value: c, text: named(counterNames.get(c), c) }))]} />
      {fieldQuestion && fieldQuestion.kind === 'single' ? (
        <Select
          name="field"
          label={t('filters.field')}
          current={v.field}
          options={[all, ...fieldQuestion.options.map((o) => ({ value: o.code, text: localize(o.label, lang) }))]}
        />
      ) : null}
      <DateRangeFields ctx={ctx} from={v.from} to={v.to} />
      <ExcludeField ctx={ctx} current={v.exclude} hint={options.allowAnyDefinition ? t('export.collectorNote') : undefined} />
    </>
  );
}

/** The flags offered to leave out: none, all, or one; a list typed into the URL is kept as it is. */
function ExcludeField({ ctx, current, hint }: { ctx: PageContext; current: string | undefined; hint: string | undefined }) {
  const { t } = ctx;
  const choices = [
    { value: '', text: t('report.flags.excludeNone') },
    { value: EXCLUDE_ALL, text: t('report.flags.excludeAll') },
    ...REPORT_FLAGS.map((flag) => ({ value: flag, text: t(`report.flags.${flag}`) })),
  ];
  if (current && !choices.some((c) => c.value === current)) choices.push({ value: current, text: t('report.flags.excludeListed', { flags: current }) });
  return (
    <label>
      {t('report.flags.exclude')}
      <select name="exclude">
        {choices.map((o) => (
          <option value={o.value} selected={o.value === (current ?? '')}>
            {o.text}
          </option>
        ))}
      </select>
      {hint ? <span class="hint">{hint}</span> : null}
    </label>
  );
}

/** The problems of a query string, in words, or nothing. */
/** The period of a filter form: two Vietnam calendar days, both included (the `from` and `to` fields). */
export function DateRangeFields({ ctx, from, to }: { ctx: PageContext; from: string | undefined; to: string | undefined }) {
  const { t } = ctx;
  return (
    <>
      <label>
        {t('filters.from')}
        <input type="date" name="from" value={from ?? ''} />
      </label>
      <label>
        {t('filters.to')}
        <input type="date" name="to" value={to ?? ''} />
        <span class="hint">{t('filters.datesHint')}</span>
      </label>
    </>
  );
}

export function ProblemsBox({ ctx, problems }: { ctx: PageContext; problems: readonly string[] }) {
  if (problems.length === 0) return null;
  return (
    <div class="error" role="alert">
      <p>{ctx.t('errors.badFilter')}</p>
      <ul>
        {problems.map((p) => (
          <li>{p}</li>
        ))}
      </ul>
    </div>
  );
}
