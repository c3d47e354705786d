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

/** The target form as typed: the year, the unit ('' for the province) and one text per figure. */
export interface TargetForm {
  year: string;
  unit: string;
  figures: Record<TargetFigure, string>;
}

/** The form's problems in words, by field. */
export type TargetFormErrors = Partial<Record<TargetFigure | 'year' | 'unit', string>>;

/** The targets page for one year. */
export function TargetsPage(props: { ctx: PageContext; tree: UnitTree; targets: Targets; year: number; form: TargetForm; errors?: TargetFormErrors; notice?: string }) {
  const { ctx, tree, targets, year, form } = props;
  const { t, lang } = ctx;
  const errors = props.errors ?? {};
  const rows: Array<{ code: string | null; name: string; depth: number }> = [
    { code: null, name: t('targets.province'), depth: 0 },
    ...tree.flatten().map((n) => ({ code: n.unit.code, name: n.unit.name, depth: n.depth + 1 })),
  ];
  return (
    <Page ctx={ctx} title={t('targets.title')} active="targets">
      <p class="lead">{t('targets.intro')}</p>
      {props.notice ? (
        <p class="note" role="status">
          {props.notice}
        </p>
      ) : null}
      <form method="get" action={TARGETS_PATH} class="filters">
        <label>
          {t('targets.year')}
          <input name="year" type="number" min={TARGET_YEAR_MIN} max={TARGET_YEAR_MAX} value={String(year)} />
        </label>
        <div class="actions">
          <button type="submit" class="secondary">
            {t('targets.showYear')}
          </button>
        </div>
      </form>
      <h2>{t('targets.tableHeading', { year })}</h2>
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
                      {own ? null : <span class="hint"> {t('targets.inherited', { from: value.setOn === null ? t('targets.province') : tree.displayName(value.setOn) })}</span>}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
      <h2>{t('targets.setHeading')}</h2>
      <p class="note">{t('targets.setIntro')}</p>
      {Object.keys(errors).length > 0 ? (
        <p class="error" role="alert">
          {t('targets.invalid')}
        </p>
      ) : null}
      <form class="stack" method="post" action={TARGETS_PATH}>
        <label>
          {t('targets.year')}
          <input name="year" type="number" min={TARGET_YEAR_MIN} max={TARGET_YEAR_MAX} value={form.year} required />
          {errors.year ? <span class="error">{errors.year}</span> : null}
        </label>
        <label>
          {t('targets.unit')}
          <select name="unit">
            {rows.map((row) => (
              <option value={row.code ?? ''} selected={form.unit === (row.code ?? '')}>
                {`${'\u00a0\u00a0'.repeat(row.depth)}${row.name}`}
              </option>
            ))}
          </select>
          {errors.unit ? <span class="error">{errors.unit}</span> : null}
        </label>
        {TARGET_FIGURES.map((f) => (
          <label>
            {t(`targets.figures.${f}`)}
            <input name={f} value={form.figures[f]} inputMode="decimal" maxlength={8} placeholder="95" aria-invalid={errors[f] ? 'true' : undefined} />
            {errors[f] ? <span class="error">{errors[f]}</span> : null}
          </label>
        ))}
        <div class="actions">
          <button type="submit">{t('targets.save')}</button>
        </div>
      </form>
    </Page>
  );
}
