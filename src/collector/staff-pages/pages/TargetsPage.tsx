/** @jsxRuntime automatic @jsxImportSource preact */
/*
 * The targets page: for one year, the target of the province and of every unit, figure by figure, as it
 * applies after inheritance (a figure taken from an ancestor or the province says where from), and the
 * form that sets one unit's (or the province's) target.
 */
import { formatPercentage } from '../../../shared/l10n';
import { TARGET_FIGURES, type TargetFigure } from '../../stores';
import { TARGET_YEAR_MAX, TARGET_YEAR_MIN, type Targets, type UnitTree } from '../units';
import type { PageContext } from './context';
import { Page } from './Layout';

/** Where the targets page lives. */
export const TARGETS_PATH = '/admin/targets';

/** Which unit and year to open, as asked for in the query: the year and the unit code ('' for the province). */
export interface TargetChoice {
  year: string;
  unit: string;
}

/** The choice's problems in words, by query parameter. */
export type TargetChoiceErrors = Partial<Record<'year' | 'unit', string>>;

/**
 * The target form: the target it edits (a checked year and unit, '' for the province; null when what was
 * posted names none, so nothing can be saved from it) and one text per figure.
 */
export interface TargetForm {
  target: { year: number; unit: string } | null;
  figures: Record<TargetFigure, string>;
}

/** The form's problems in words, by figure. */
export type TargetFormErrors = Partial<Record<TargetFigure, string>>;

/**
 * The targets page for one year. Choosing the unit and year is a GET form of its own, so the figure
 * inputs always hold the stored figures of the unit the save form names: a unit picked in the save
 * form itself would keep the first unit's figures (nothing reloads a server-rendered form) and save
 * them under the other unit.
 */
export function TargetsPage(props: {
  ctx: PageContext;
  tree: UnitTree;
  targets: Targets;
  year: number;
  choice: TargetChoice;
  choiceErrors?: TargetChoiceErrors;
  form: TargetForm | null;
  errors?: TargetFormErrors;
  /** The form's target has just been saved: say so, naming it. */
  saved?: boolean;
}) {
  const { ctx, tree, targets, year, choice, form } = props;
  const { t, lang } = ctx;
  const choiceErrors = props.choiceErrors ?? {};
  const errors = props.errors ?? {};
  const rows: Array<{ code: string | null; name: string; depth: number }> = [
    { code: null, name: t('targets.province'), depth: 0 },
    ...tree.flatten().map((n) => ({ code: n.unit.code, name: n.unit.name, depth: n.depth + 1 })),
  ];
  const target = form?.target ?? null;
  return (
    <Page ctx={ctx} title={t('targets.title')} active="targets">
      <p class="lead">{t('targets.intro')}</p>
      {props.saved && target ? (
        <p class="note" role="status">
          {t('targets.savedNotice', { unit: targetName(ctx, tree, target.unit), year: target.year })}
        </p>
      ) : null}
      {Object.keys(choiceErrors).length > 0 ? (
        <p class="error" role="alert">
          {t('targets.cannotOpen')}
        </p>
      ) : null}
      <form method="get" action={TARGETS_PATH} class="filters" aria-label={t('targets.choose')}>
        <label>
          {t('targets.year')}
          <input
            name="year"
            type="number"
            min={TARGET_YEAR_MIN}
            max={TARGET_YEAR_MAX}
            value={choice.year}
            required
            aria-invalid={choiceErrors.year ? 'true' : undefined}
          />
          {choiceErrors.year ? <span class="error">{choiceErrors.year}</span> : null}
        </label>
        <label>
          {t('targets.unit')}
          <select name="unit" aria-invalid={choiceErrors.unit ? 'true' : undefined}>
            {rows.map((row) => (
              <option value={row.code ?? ''} selected={choice.unit === (row.code ?? '')}>
                {`${'\u00a0\u00a0'.repeat(row.depth)}${row.name}`}
              </option>
            ))}
          </select>
          {choiceErrors.unit ? <span class="error">{choiceErrors.unit}</span> : null}
        </label>
        <div class="actions">
          <button type="submit" class="secondary">
            {t('targets.open')}
          </button>
        </div>
      </form>
      {form ? (
        <section>
          <h2 id="target-form-heading">
            {target ? t('targets.editHeading', { unit: targetName(ctx, tree, target.unit), year: target.year }) : t('targets.setHeading')}
          </h2>
          <p class="note">{t('targets.setIntro')}</p>
          {Object.keys(errors).length > 0 || !target ? (
            <p class="error" role="alert">
              {t('targets.invalid')}
            </p>
          ) : null}
          <form class="stack" method="post" action={TARGETS_PATH} aria-labelledby="target-form-heading">
            {/* What the form was opened for travels with it, so a save can only land on the unit and year its heading names. */}
            {target ? (
              <>
                <input type="hidden" name="year" value={String(target.year)} />
                <input type="hidden" name="unit" value={target.unit} />
              </>
            ) : null}
            {TARGET_FIGURES.map((f) => (
              <label>
                {t(`targets.figures.${f}`)}
                <input
                  name={f}
                  value={form.figures[f]}
                  inputMode="decimal"
                  maxlength={8}
                  placeholder="95"
                  aria-invalid={errors[f] ? 'true' : undefined}
                />
                {errors[f] ? <span class="error">{errors[f]}</span> : null}
              </label>
            ))}
            <div class="actions">
              {target ? <button type="submit">{t('targets.save')}</button> : <p class="hint">{t('targets.chooseFirst')}</p>}
            </div>
          </form>
        </section>
      ) : null}
      <h2>{t('targets.tableHeading', { year })}</h2>
      {/* Seven columns do not fit a portrait tablet at large text: the table scrolls on its own, the page does not. */}
      <div class="table-wrap" tabIndex={0} role="region" aria-label={t('targets.tableHeading', { year })}>
        <table>
          <thead>
            <tr>
              <th>{t('targets.unit')}</th>
              {TARGET_FIGURES.map((f) => (
                <th class="num">{t(`targets.figures.${f}`)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const applied = targets.targetFor(row.code, year);
              return (
                <tr>
                  <td style={`padding-left:${0.5 + row.depth * 1.5}rem`}>{row.name}</td>
                  {TARGET_FIGURES.map((f) => {
                    const value = applied[f];
                    if (!value) return <td class="num hint">—</td>;
                    const own = value.setOn === row.code;
                    return (
                      <td class="num">
                        {own ? <strong>{formatPercentage(lang, value.value)}</strong> : formatPercentage(lang, value.value)}
                        {own ? null : (
                          <span class="hint">
                            {' '}
                            {t('targets.inherited', { from: value.setOn === null ? t('targets.province') : tree.displayName(value.setOn) })}
                          </span>
                        )}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Page>
  );
}

/** Whose targets a form or notice speaks of, as it reads in a sentence: a unit's name, or the whole province. */
function targetName(ctx: PageContext, tree: UnitTree, unit: string): string {
  return unit === '' ? ctx.t('targets.provinceInSentence') : tree.displayName(unit);
}
