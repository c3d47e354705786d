/** @jsxRuntime automatic @jsxImportSource preact */
/*
 * What the report page knows of the unit tree and the targets: unit and counter names instead of codes
 * (a code the tree lacks printed bare, marked "chưa xếp đơn vị", never hidden), and the targets that
 * apply to the report's unit in the report's year.
 */
import { componentFigure, type AppliedTargets, type TargetValue, type UnitTree } from '../units';
import type { PageContext } from './context';

/** The tree and the targets the report is held to. */
export interface ReportPlaces {
  tree: UnitTree;
  /** The targets of the report's unit (the province when no unit is chosen) in its year. */
  targets: AppliedTargets;
  year: number;
}

/** A unit as the report prints it: its name, or its bare code marked as not in the tree (an empty tree marks nothing: places are free codes there). */
export function unitText(ctx: PageContext, places: ReportPlaces | undefined, code: string): string {
  if (!places || places.tree.isEmpty) return code;
  return places.tree.unit(code) ? places.tree.displayName(code) : ctx.t('units.unplacedPlace', { code });
}

/** A counter of a unit as the report prints it (see unitText). */
export function counterText(ctx: PageContext, places: ReportPlaces | undefined, unitCode: string, counterCode: string): string {
  if (!places || places.tree.isEmpty) return counterCode;
  return places.tree.standing(unitCode, counterCode) === 'inTree' ? places.tree.counterName(unitCode, counterCode) : ctx.t('units.unplacedPlace', { code: counterCode });
}

/** The report's filters with the agency and counter named (what the scope line prints). */
export function withPlaceNames<R extends { query: Record<string, string> }>(ctx: PageContext, report: R, places: ReportPlaces | undefined): R {
  const { agency, counter } = report.query;
  if (!places || (agency === undefined && counter === undefined)) return report;
  const query = { ...report.query };
  if (agency !== undefined) query.agency = unitText(ctx, places, agency);
  // A counter without its unit is named by the first unit of the tree that has it.
  const unitOfCounter = agency ?? places.tree.records.counters.find((c) => c.code === counter)?.unitCode;
  if (counter !== undefined) query.counter = unitOfCounter === undefined ? counterText(ctx, places, '', counter) : counterText(ctx, places, unitOfCounter, counter);
  return { ...report, query };
}

/** The target of component 1–5 among the applied targets (none for another number). */
export function componentTarget(targets: AppliedTargets, component: number): TargetValue | undefined {
  const figure = componentFigure(component);
  return figure === undefined ? undefined : targets[figure];
}
