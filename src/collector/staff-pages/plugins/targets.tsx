/** @jsxRuntime automatic @jsxImportSource preact */
/** The targets resource: the page of one year's targets as they apply to each unit, and the form that sets one. Audited. */
import type { FastifyPluginAsync } from 'fastify';
import { vietnamDay } from '../../../shared/l10n';
import { TARGET_FIGURES, type TargetFigure } from '../../stores';
import {
  TargetsPage,
  TARGETS_PATH,
  type TargetChoice,
  type TargetChoiceErrors,
  type TargetForm,
  type TargetFormErrors,
  type PageContext,
} from '../pages';
import { loadTargets, parseTargetPercent, TARGET_YEAR_MAX, TARGET_YEAR_MIN, unitTree, type Targets, type UnitTree } from '../units';
import type { StaffPluginOptions } from './staff-context';

/** A year typed or asked for, when it is a whole year in range. */
function readYear(text: unknown): number | undefined {
  if (typeof text !== 'string' || !/^\d{4}$/.test(text.trim())) return undefined;
  const year = Number(text.trim());
  return year >= TARGET_YEAR_MIN && year <= TARGET_YEAR_MAX ? year : undefined;
}

const emptyFigures = (): Record<TargetFigure, string> =>
  Object.fromEntries(TARGET_FIGURES.map((f) => [f, ''])) as Record<TargetFigure, string>;

/**
 * The unit and year a query or a posted form names, checked: the year in range, the unit ('' for the
 * province) in the tree. A missing year is this year in Vietnam; a malformed one, or a unit the tree
 * lacks, is a problem named on the field it came from.
 */
function readChoice(t: PageContext['t'], tree: UnitTree, choice: TargetChoice, today: string) {
  const errors: TargetChoiceErrors = {};
  const year = readYear(choice.year);
  if (year === undefined) errors.year = t('targets.badYear', { min: TARGET_YEAR_MIN, max: TARGET_YEAR_MAX });
  if (choice.unit !== '' && !tree.unit(choice.unit)) errors.unit = t('targets.unknownUnit', { code: choice.unit });
  // The year's table still shows for a bad unit; for a bad year, this year's.
  const shownYear = year ?? Number(today.slice(0, 4));
  const target = year !== undefined && !errors.unit ? { year, unit: choice.unit } : null;
  return { errors, shownYear, target };
}

/** The stored figures of a unit (or the province) for a year, as the form's texts: what an edit starts from. */
function storedFigures(targets: Targets, target: { year: number; unit: string }): Record<TargetFigure, string> {
  const own = targets.own(target.unit === '' ? null : target.unit, target.year);
  const figures = emptyFigures();
  for (const f of TARGET_FIGURES) if (own?.figures[f] !== undefined) figures[f] = String(own.figures[f]);
  return figures;
}

/** The targets pages, registered under /admin: GET ?year=&unit= opens one unit's (or the province's) targets of a year. */
export const targetsPages: FastifyPluginAsync<StaffPluginOptions> = async (pages, { side }) => {
  const { store } = side;

  pages.get('/targets', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const query = request.query as Record<string, unknown>;
    const today = vietnamDay(side.now());
    // An absent year opens this year and an absent unit the province; a present one (even empty) must be a
    // good one. A repeated parameter is shown as sent, so it is refused by name rather than half-read.
    const asSent = (value: unknown) => (Array.isArray(value) ? value.join(',') : String(value)).slice(0, 100);
    const choice: TargetChoice = {
      year: query.year === undefined ? today.slice(0, 4) : asSent(query.year),
      unit: query.unit === undefined ? '' : asSent(query.unit),
    };
    const tree = await unitTree(store);
    const targets = await loadTargets(store, tree);
    const { errors, shownYear, target } = readChoice(ctx.t, tree, choice, today);
    if (!target) {
      return side.sendPage(
        reply,
        <TargetsPage ctx={ctx} tree={tree} targets={targets} year={shownYear} choice={choice} choiceErrors={errors} form={null} />,
        400,
      );
    }
    const form: TargetForm = { target, figures: storedFigures(targets, target) };
    return side.sendPage(
      reply,
      <TargetsPage ctx={ctx} tree={tree} targets={targets} year={target.year} choice={choice} form={form} saved={query.saved === '1'} />,
    );
  });

  pages.post('/targets', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string).slice(0, 100) : '');
    // The form carries these as hidden fields, set when it was opened; they are checked again all the same.
    const choice: TargetChoice = { year: text('year'), unit: text('unit') };
    const tree = await unitTree(store);
    const today = vietnamDay(side.now());
    const { errors: choiceErrors, shownYear, target } = readChoice(ctx.t, tree, choice, today);
    const form: TargetForm = { target, figures: emptyFigures() };
    for (const f of TARGET_FIGURES) form.figures[f] = text(f);
    const errors: TargetFormErrors = {};
    const figures: Partial<Record<TargetFigure, number>> = {};
    for (const f of TARGET_FIGURES) {
      const parsed = parseTargetPercent(form.figures[f]);
      if (!parsed.ok) errors[f] = ctx.t('targets.badPercent');
      else if (parsed.value !== undefined) figures[f] = parsed.value;
    }
    const refuse = async (formNow: TargetForm, choiceNow: TargetChoiceErrors) =>
      side.sendPage(
        reply,
        <TargetsPage
          ctx={ctx}
          tree={tree}
          targets={await loadTargets(store, tree)}
          year={shownYear}
          choice={choice}
          choiceErrors={choiceNow}
          form={formNow}
          errors={errors}
        />,
        400,
      );
    if (!target || Object.keys(errors).length > 0) {
      await side.audit(request, 'targetSet', 'failure', {
        year: choice.year,
        unit: choice.unit,
        problems: [...Object.keys(choiceErrors), ...Object.keys(errors)],
      });
      return refuse(form, choiceErrors);
    }
    const unitCode = target.unit === '' ? null : target.unit;
    const stored = await store.setTarget({ year: target.year, unitCode, figures, updatedAt: side.now().toISOString() });
    await side.audit(request, 'targetSet', stored ? 'success' : 'failure', { year: target.year, unit: target.unit, ...figures });
    // The unit left the tree between the check and the save: nothing was saved, and the form names no unit now.
    if (!stored) return refuse({ ...form, target: null }, { unit: ctx.t('targets.unknownUnit', { code: target.unit }) });
    return reply
      .code(303)
      .header('location', `${TARGETS_PATH}?year=${target.year}&unit=${encodeURIComponent(target.unit)}&saved=1`)
      .send();
  });
};
