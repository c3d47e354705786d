/** @jsxRuntime automatic @jsxImportSource preact */
/*
 * The units pages: the tree indented with its counters, the add form, the CSV import with its per-row
 * problems, the export link, the places devices are registered to that the tree does not have
 * ("chưa xếp đơn vị", never hidden), and the edit form of one unit or counter.
 */
import { PLACE_CODE_MAX_LENGTH, PLACE_NAME_MAX_LENGTH } from '../../../shared/ids';
import { COUNTER_KIND, UNIT_KINDS, type UnitProblem } from '../../stores';
import type { UnitTree } from '../units';
import type { PageContext } from './context';
import { Page } from './Layout';

/** Where the units pages live. */
export const UNITS_PATHS = { list: '/admin/units', import: '/admin/units/import', csv: '/admin/units.csv' } as const;

/** A unit or counter form as typed. */
export interface UnitForm {
  code: string;
  name: string;
  parentCode: string;
  kind: string;
}

/** An empty add form. */
export const EMPTY_UNIT_FORM: UnitForm = { code: '', name: '', parentCode: '', kind: 'other' };

/** A place devices are registered to that the tree does not have. */
export interface UnplacedPlace {
  agencyCode: string;
  counterCode: string;
  devices: number;
}

/** One problem in words: "Dòng 4, cột parent_code: …". */
export function unitProblemText(ctx: PageContext, problem: UnitProblem): string {
  const { t } = ctx;
  const what = t(`units.problems.${problem.problem}`, { value: problem.value });
  const column = t(`units.columns.${problem.column}`);
  return problem.row === null ? t('units.problemNoRow', { column, what }) : t('units.problemAt', { row: problem.row, column, what });
}

/** The kind of a unit or counter, in words. */
function kindText(ctx: PageContext, kind: string): string {
  return kind === COUNTER_KIND ? ctx.t('units.kinds.counter') : (UNIT_KINDS as readonly string[]).includes(kind) ? ctx.t(`units.kinds.${kind as (typeof UNIT_KINDS)[number]}`) : kind;
}

function UnitFields({ ctx, tree, form, editing }: { ctx: PageContext; tree: UnitTree; form: UnitForm; editing?: 'unit' | 'counter' }) {
  const { t } = ctx;
  const kinds = editing === 'counter' ? [COUNTER_KIND] : editing === 'unit' ? [...UNIT_KINDS] : [...UNIT_KINDS, COUNTER_KIND];
  return (
    <>
      <label>
        {t('units.code')}
        <span class="hint">{t('units.codeHint')}</span>
        <input name="code" value={form.code} maxlength={PLACE_CODE_MAX_LENGTH} required class="mono" spellcheck={false} readOnly={editing !== undefined} />
      </label>
      <label>
        {t('units.name')}
        <input name="name" value={form.name} maxlength={PLACE_NAME_MAX_LENGTH} required />
      </label>
      <label>
        {t('units.kind')}
        <select name="kind">
          {kinds.map((k) => (
            <option value={k} selected={form.kind === k}>
              {kindText(ctx, k)}
            </option>
          ))}
        </select>
      </label>
      {editing === 'counter' ? (
        <input type="hidden" name="parentCode" value={form.parentCode} />
      ) : (
        <label>
          {t('units.parent')}
          <span class="hint">{t('units.parentHint')}</span>
          <select name="parentCode">
            <option value="" selected={form.parentCode === ''}>
              {t('units.noParent')}
            </option>
            {tree.flatten().map((node) => (
              <option value={node.unit.code} selected={form.parentCode === node.unit.code}>
                {`${'\u00a0\u00a0'.repeat(node.depth)}${node.unit.name} (${node.unit.code})`}
              </option>
            ))}
          </select>
        </label>
      )}
    </>
  );
}

function ProblemList({ ctx, problems }: { ctx: PageContext; problems: readonly UnitProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <div class="error" role="alert">
      <p>{ctx.t('units.refused', { count: problems.length })}</p>
      <ul>
        {problems.slice(0, 200).map((p) => (
          <li>{unitProblemText(ctx, p)}</li>
        ))}
      </ul>
    </div>
  );
}

/** The units page. */
export function UnitsPage(props: {
  ctx: PageContext;
  tree: UnitTree;
  unplaced: readonly UnplacedPlace[];
  form?: UnitForm;
  problems?: readonly UnitProblem[];
  /** What the import form shows back after a refusal. */
  csvText?: string;
  importProblems?: readonly UnitProblem[];
  /** A problem of the file itself (no header, unclosed quote). */
  fileProblem?: string;
  notice?: string;
}) {
  const { ctx, tree } = props;
  const { t } = ctx;
  return (
    <Page ctx={ctx} title={t('units.title')} active="units">
      <p class="lead">{t('units.intro')}</p>
      {props.notice ? (
        <p class="note" role="status">
          {props.notice}
        </p>
      ) : null}
      <h2>{t('units.treeHeading')}</h2>
      {tree.isEmpty ? (
        <p>{t('units.empty')}</p>
      ) : (
        <table class="unit-tree">
          <thead>
            <tr>
              <th>{t('units.name')}</th>
              <th>{t('units.code')}</th>
              <th>{t('units.kind')}</th>
              <th class="no-print">{t('units.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {tree.flatten().flatMap((node) => [
              <tr>
                <td style={`padding-left:${0.5 + node.depth * 1.5}rem`}>
                  <strong>{node.unit.name}</strong>
                </td>
                <td class="mono">{node.unit.code}</td>
                <td>{kindText(ctx, node.unit.kind)}</td>
                <td class="no-print">
                  <a href={`/admin/units/${encodeURIComponent(node.unit.code)}/edit`}>{t('units.edit')}</a>
                </td>
              </tr>,
              ...node.counters.map((c) => (
                <tr>
                  <td style={`padding-left:${0.5 + (node.depth + 1) * 1.5}rem`}>{c.name}</td>
                  <td class="mono">{c.code}</td>
                  <td>{t('units.kinds.counter')}</td>
                  <td class="no-print">
                    <a href={`/admin/units/${encodeURIComponent(node.unit.code)}/counters/${encodeURIComponent(c.code)}/edit`}>{t('units.edit')}</a>
                  </td>
                </tr>
              )),
            ])}
          </tbody>
        </table>
      )}
      <p>
        <a class="button secondary" href={UNITS_PATHS.csv}>
          {t('units.exportCsv')}
        </a>
      </p>
      {props.unplaced.length > 0 ? (
        <section aria-labelledby="unplaced">
          <h2 id="unplaced">{t('units.unplacedHeading')}</h2>
          <p class="note">{t('units.unplacedIntro')}</p>
          <ul>
            {props.unplaced.map((p) => (
              <li>
                {t('units.unplaced')} <span class="mono">{p.agencyCode}</span> / <span class="mono">{p.counterCode}</span> — {t('units.unplacedDevices', { count: p.devices })}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <h2>{t('units.addHeading')}</h2>
      <ProblemList ctx={ctx} problems={props.problems ?? []} />
      <form class="stack" method="post" action={UNITS_PATHS.list}>
        <UnitFields ctx={ctx} tree={tree} form={props.form ?? EMPTY_UNIT_FORM} />
        <div class="actions">
          <button type="submit">{t('units.add')}</button>
        </div>
      </form>
      <h2>{t('units.importHeading')}</h2>
      <p class="note">{t('units.importIntro')}</p>
      {props.fileProblem ? (
        <p class="error" role="alert">
          {props.fileProblem}
        </p>
      ) : null}
      <ProblemList ctx={ctx} problems={props.importProblems ?? []} />
      <form class="stack" method="post" action={UNITS_PATHS.import}>
        <label>
          {t('units.csvText')}
          <textarea name="csv" rows={10} class="mono" spellcheck={false}>
            {props.csvText ?? ''}
          </textarea>
        </label>
        <div class="actions">
          <button type="submit">{t('units.import')}</button>
        </div>
      </form>
    </Page>
  );
}

/** The edit form of one unit (rename, move, kind) or one counter (rename). */
export function UnitEditPage(props: { ctx: PageContext; tree: UnitTree; form: UnitForm; counter: boolean; problems?: readonly UnitProblem[] }) {
  const { ctx, form } = props;
  const { t } = ctx;
  const action = props.counter ? `/admin/units/${encodeURIComponent(form.parentCode)}/counters/${encodeURIComponent(form.code)}` : `/admin/units/${encodeURIComponent(form.code)}`;
  return (
    <Page ctx={ctx} title={t('units.editTitle', { name: form.name || form.code })} active="units">
      <p class="lead">{t(props.counter ? 'units.editCounterIntro' : 'units.editIntro')}</p>
      <ProblemList ctx={ctx} problems={props.problems ?? []} />
      <form class="stack" method="post" action={action}>
        <UnitFields ctx={ctx} tree={props.tree} form={form} editing={props.counter ? 'counter' : 'unit'} />
        <div class="actions">
          <button type="submit">{t('units.save')}</button>
          <a class="button secondary" href={UNITS_PATHS.list}>
            {t('layout.back')}
          </a>
        </div>
      </form>
    </Page>
  );
}
