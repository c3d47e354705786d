/** @jsxRuntime automatic @jsxImportSource preact */
/** The targets resource: the page of one year's targets as they apply to each unit, and the form that sets one. Audited. */
import type { FastifyPluginAsync } from 'fastify';
import { vietnamDay } from '../../../shared/l10n';
import { TARGET_FIGURES, type TargetFigure } from '../../stores';
import { TargetsPage, type TargetForm, type TargetFormErrors } from '../pages';
import { loadTargets, parseTargetPercent, TARGET_YEAR_MAX, TARGET_YEAR_MIN, unitTree } from '../units';
import type { StaffPluginOptions } from './staff-context';

/** A year typed or asked for, when it is a whole year in range. */
function readYear(text: unknown): number | undefined {
  if (typeof text !== 'string' || !/^\d{4}$/.test(text.trim())) return undefined;
  const year = Number(text.trim());
  return year >= TARGET_YEAR_MIN && year <= TARGET_YEAR_MAX ? year : undefined;
}

const emptyFigures = (): Record<TargetFigure, string> => Object.fromEntries(TARGET_FIGURES.map((f) => [f, ''])) as Record<TargetFigure, string>;

/** The targets pages, registered under /admin. */
export const targetsPages: FastifyPluginAsync<StaffPluginOptions> = async (pages, { side }) => {
  const { store } = side;

  pages.get('/targets', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const query = request.query as Record<string, unknown>;
    const year = readYear(query.year) ?? Number(vietnamDay(side.now()).slice(0, 4));
    const unit = typeof query.unit === 'string' ? query.unit.slice(0, 100) : '';
    const tree = await unitTree(store);
    const targets = await loadTargets(store, tree);
    // The form opens with what is set on the unit asked for, so an edit starts from the stored figures.
    const own = targets.own(unit === '' ? null : unit, year);
    const figures = emptyFigures();
    for (const f of TARGET_FIGURES) if (own?.figures[f] !== undefined) figures[f] = String(own.figures[f]);
    const notice = query.saved === '1' ? ctx.t('targets.savedNotice', { year }) : undefined;
    return side.sendPage(reply, <TargetsPage ctx={ctx} tree={tree} targets={targets} year={year} form={{ year: String(year), unit, figures }} notice={notice} />);
  });

  pages.post('/targets', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string).slice(0, 100) : '');
    const form: TargetForm = { year: text('year'), unit: text('unit'), figures: emptyFigures() };
    for (const f of TARGET_FIGURES) form.figures[f] = text(f);
    const tree = await unitTree(store);
    const errors: TargetFormErrors = {};
    const year = readYear(form.year);
    if (year === undefined) errors.year = ctx.t('targets.badYear', { min: TARGET_YEAR_MIN, max: TARGET_YEAR_MAX });
    if (form.unit !== '' && !tree.unit(form.unit)) errors.unit = ctx.t('targets.unknownUnit');
    const figures: Partial<Record<TargetFigure, number>> = {};
    for (const f of TARGET_FIGURES) {
      const parsed = parseTargetPercent(form.figures[f]);
      if (!parsed.ok) errors[f] = ctx.t('targets.badPercent');
      else if (parsed.value !== undefined) figures[f] = parsed.value;
    }
    if (Object.keys(errors).length > 0 || year === undefined) {
      await side.audit(request, 'targetSet', 'failure', { year: form.year, unit: form.unit, problems: Object.keys(errors) });
      const shownYear = year ?? Number(vietnamDay(side.now()).slice(0, 4));
      return side.sendPage(reply, <TargetsPage ctx={ctx} tree={tree} targets={await loadTargets(store, tree)} year={shownYear} form={form} errors={errors} />, 400);
    }
    const unitCode = form.unit === '' ? null : form.unit;
    const stored = await store.setTarget({ year, unitCode, figures, updatedAt: side.now().toISOString() });
    await side.audit(request, 'targetSet', stored ? 'success' : 'failure', { year, unit: form.unit, ...figures });
    if (!stored) {
      return side.sendPage(reply, <TargetsPage ctx={ctx} tree={tree} targets={await loadTargets(store, tree)} year={year} form={form} errors={{ unit: ctx.t('targets.unknownUnit') }} />, 400);
    }
    return reply.code(303).header('location', `/admin/targets?year=${year}&unit=${encodeURIComponent(form.unit)}&saved=1`).send();
  });
};
