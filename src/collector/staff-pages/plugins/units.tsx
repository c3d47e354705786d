/** @jsxRuntime automatic @jsxImportSource preact */
/**
 * The units resource: the tree page with the add form and the CSV import, the edit of one unit or
 * counter, the tree as CSV, and the JSON twins (GET /api/v1/admin/units, POST …/units/import with a
 * text/csv body for files larger than a form carries). Every change is audited.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { sendError } from '../../errors';
import { COUNTER_KIND, type UnitInput, type UnitProblem, type UnitWriteMode, type UnitWriteResult } from '../../stores';
import { ErrorPage, UnitEditPage, UnitsPage, type UnitForm, type UnplacedPlace } from '../pages';
import { MAX_UNIT_CSV_BYTES, readUnitCsv, unitTree, unitTreeCsv, type UnitTree } from '../units';
import type { StaffPluginOptions, StaffSide } from './staff-context';

const FORM_TEXT_MAX = 1000;

/** A unit form from a POST body, every field a bounded string. */
function readUnitForm(body: unknown): UnitForm {
  const fields = (body ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof fields[key] === 'string' ? (fields[key] as string).slice(0, FORM_TEXT_MAX) : '');
  return { code: text('code'), name: text('name'), parentCode: text('parentCode'), kind: text('kind') };
}

const toInput = (form: UnitForm): UnitInput => ({ code: form.code, name: form.name, parentCode: form.parentCode, kind: form.kind });

/** The places devices are registered to (revoked ones left out) that the tree does not have. */
async function unplacedPlaces(side: StaffSide, tree: UnitTree): Promise<UnplacedPlace[]> {
  if (tree.isEmpty) return [];
  const byPlace = new Map<string, UnplacedPlace>();
  for (const device of await side.store.listDevices()) {
    if (device.revokedAt !== null || tree.standing(device.agencyCode, device.counterCode) === 'inTree') continue;
    const key = `${device.agencyCode}\u0000${device.counterCode}`;
    const entry = byPlace.get(key) ?? { agencyCode: device.agencyCode, counterCode: device.counterCode, devices: 0 };
    entry.devices++;
    byPlace.set(key, entry);
  }
  return [...byPlace.values()];
}

/** Writes units and audits the attempt (refusals too, with how many problems). */
async function writeAudited(side: StaffSide, request: FastifyRequest, inputs: readonly UnitInput[], mode: UnitWriteMode): Promise<UnitWriteResult> {
  const result = await side.store.writeUnits(inputs, mode);
  const action = mode === 'add' ? 'unitAdd' : mode === 'edit' ? 'unitEdit' : 'unitImport';
  const first = inputs[0];
  const details =
    mode === 'import'
      ? { rows: inputs.length, ...(result.ok ? { units: result.units, counters: result.counters } : { problems: result.problems.length }) }
      : { code: first?.code ?? '', parentCode: first?.parentCode ?? '', kind: first?.kind ?? '', name: first?.name ?? '', ...(result.ok ? {} : { problems: result.problems.map((p) => p.problem) }) };
  await side.audit(request, action, result.ok ? 'success' : 'failure', details);
  return result;
}

/** The units pages, registered under /admin. */
export const unitsPages: FastifyPluginAsync<StaffPluginOptions> = async (pages, { side }) => {
  const { store } = side;
  const listPage = async (request: FastifyRequest, reply: Parameters<StaffSide['sendPage']>[0], extra: Partial<Parameters<typeof UnitsPage>[0]> = {}, status = 200) => {
    const ctx = side.pageContext(request, reply, true);
    const tree = await unitTree(store);
    return side.sendPage(reply, <UnitsPage ctx={ctx} tree={tree} unplaced={await unplacedPlaces(side, tree)} {...extra} />, status);
  };

  pages.get('/units', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const query = request.query as Record<string, unknown>;
    const done = typeof query.done === 'string' ? query.done : '';
    const count = Number(typeof query.n === 'string' ? query.n : 0) || 0;
    const notice = done === 'added' ? ctx.t('units.addedNotice') : done === 'saved' ? ctx.t('units.savedNotice') : done === 'imported' ? ctx.t('units.importedNotice', { count }) : undefined;
    return listPage(request, reply, { notice });
  });

  pages.post('/units', async (request, reply) => {
    const form = readUnitForm(request.body);
    const result = await writeAudited(side, request, [toInput(form)], 'add');
    if (!result.ok) return listPage(request, reply, { form, problems: result.problems }, 400);
    return reply.code(303).header('location', '/admin/units?done=added').send();
  });

  pages.post('/units/import', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const csvText = typeof body.csv === 'string' ? body.csv : '';
    const read = readUnitCsv(csvText);
    if (!read.ok) return listPage(request, reply, { csvText, fileProblem: ctx.t(`units.file.${read.problem}`, { columns: read.detail }) }, 400);
    const result = await writeAudited(side, request, read.inputs, 'import');
    if (!result.ok) return listPage(request, reply, { csvText, importProblems: result.problems }, 400);
    return reply.code(303).header('location', `/admin/units?done=imported&n=${result.units + result.counters}`).send();
  });

  pages.get('/units.csv', async (request, reply) => {
    const tree = await unitTree(store);
    await side.audit(request, 'export', 'success', { what: 'units', units: tree.records.units.length, counters: tree.records.counters.length });
    const day = side.now().toISOString().slice(0, 10);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="don-vi-${day}.csv"`)
      .send(unitTreeCsv(tree));
  });

  const editPage = async (request: FastifyRequest, reply: Parameters<StaffSide['sendPage']>[0], form: UnitForm | undefined, counter: boolean, problems?: readonly UnitProblem[]) => {
    const ctx = side.pageContext(request, reply, true);
    if (!form) return side.sendPage(reply, <ErrorPage ctx={ctx} message={ctx.t('units.notFound')} />, 404);
    return side.sendPage(reply, <UnitEditPage ctx={ctx} tree={await unitTree(store)} form={form} counter={counter} problems={problems} />, problems ? 400 : 200);
  };

  pages.get('/units/:code/edit', async (request, reply) => {
    const unit = (await unitTree(store)).unit((request.params as { code: string }).code);
    return editPage(request, reply, unit && { code: unit.code, name: unit.name, parentCode: unit.parentCode ?? '', kind: unit.kind }, false);
  });

  // Rename, move or change the kind of a unit; the code stays (devices and responses carry it).
  pages.post('/units/:code', async (request, reply) => {
    const code = (request.params as { code: string }).code;
    if (!(await unitTree(store)).unit(code)) return editPage(request, reply, undefined, false);
    const form = { ...readUnitForm(request.body), code };
    const result = await writeAudited(side, request, [toInput(form)], 'edit');
    if (!result.ok) return editPage(request, reply, form, false, result.problems);
    return reply.code(303).header('location', '/admin/units?done=saved').send();
  });

  pages.get('/units/:unit/counters/:code/edit', async (request, reply) => {
    const params = request.params as { unit: string; code: string };
    const counter = (await store.listUnitTree()).counters.find((c) => c.unitCode === params.unit && c.code === params.code);
    return editPage(request, reply, counter && { code: counter.code, name: counter.name, parentCode: counter.unitCode, kind: COUNTER_KIND }, true);
  });

  // A counter is renamed only: its unit and code are what its devices' responses carry.
  pages.post('/units/:unit/counters/:code', async (request, reply) => {
    const params = request.params as { unit: string; code: string };
    const exists = (await store.listUnitTree()).counters.some((c) => c.unitCode === params.unit && c.code === params.code);
    if (!exists) return editPage(request, reply, undefined, true);
    const form = { ...readUnitForm(request.body), code: params.code, parentCode: params.unit, kind: COUNTER_KIND };
    const result = await writeAudited(side, request, [toInput(form)], 'edit');
    if (!result.ok) return editPage(request, reply, form, true, result.problems);
    return reply.code(303).header('location', '/admin/units?done=saved').send();
  });
};

/** GET /api/v1/admin/units and POST /api/v1/admin/units/import (text/csv). */
export const unitsApi: FastifyPluginAsync<StaffPluginOptions> = async (api, { side }) => {
  // Scoped to this plugin: only the import reads CSV bodies.
  api.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: MAX_UNIT_CSV_BYTES }, (_request, body, done) => done(null, body));

  api.get('/units', async () => side.store.listUnitTree());

  api.post('/units/import', async (request, reply) => {
    if (typeof request.body !== 'string') return sendError(reply, 'invalidUnits', { problems: [{ row: null, column: 'code', problem: 'empty', value: '' }] });
    const read = readUnitCsv(request.body);
    if (!read.ok) return sendError(reply, 'invalidUnits', { problems: [{ row: null, column: read.problem === 'header' ? read.detail : 'code', problem: read.problem, value: '' }] });
    const result = await writeAudited(side, request, read.inputs, 'import');
    if (!result.ok) return sendError(reply, 'invalidUnits', { problems: result.problems });
    return { units: result.units, counters: result.counters };
  });
};
