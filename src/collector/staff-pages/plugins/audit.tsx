/** @jsxRuntime automatic @jsxImportSource preact */
/** The audit log resource: the "Nhật ký" page and its JSON twin, GET /api/v1/admin/audit, a page at a time. */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { endOfVietnamDay, startOfVietnamDay } from '../../../shared/l10n';
import { sendError } from '../../errors';
import { parseOrExplain } from '../../ingest';
import { AUDIT_ACTIONS, type AuditQuery, type StaffAuthStore, type StoredAuditEntry } from '../../stores';
import { cleanQuery, isoDate } from '../filters';
import { AuditPage } from '../pages';
import type { StaffPluginOptions } from './staff-context';

/** Entries on one page of the audit log: a page never loads more. */
export const AUDIT_PAGE_SIZE = 50;

/** The audit page's query string: action, period (days in Vietnam), and the keyset of the page. */
const auditQuerySchema = z
  .object({
    action: z.enum(AUDIT_ACTIONS).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: 'the start date on or before the end date', path: ['to'] });

/** One page of the log and where the next one starts. */
interface AuditPageData {
  entries: StoredAuditEntry[];
  nextBefore: number | null;
}

type ParsedAudit = { ok: true; query: z.infer<typeof auditQuerySchema>; values: Record<string, string> } | { ok: false; problems: string[]; values: Record<string, string> };

function parseAuditQuery(query: unknown): ParsedAudit {
  const values = cleanQuery(query);
  delete values.lang;
  const parsed = parseOrExplain(auditQuerySchema, values, '?');
  return parsed.ok ? { ok: true, query: parsed.data, values } : { ok: false, problems: parsed.problems, values };
}

/** Reads one page: one entry more than shown tells whether an older page exists. */
async function readAuditPage(store: StaffAuthStore, query: z.infer<typeof auditQuerySchema>): Promise<AuditPageData> {
  const filter: AuditQuery = { limit: AUDIT_PAGE_SIZE + 1 };
  if (query.action !== undefined) filter.action = query.action;
  if (query.from !== undefined) filter.from = startOfVietnamDay(query.from);
  if (query.to !== undefined) filter.before = endOfVietnamDay(query.to);
  if (query.before !== undefined) filter.beforeId = query.before;
  const rows = await store.listAudit(filter);
  const entries = rows.slice(0, AUDIT_PAGE_SIZE);
  return { entries, nextBefore: rows.length > AUDIT_PAGE_SIZE ? entries[entries.length - 1].id : null };
}

/** The audit page, registered under /admin. */
export const auditPages: FastifyPluginAsync<StaffPluginOptions> = async (pages, { side }) => {
  pages.get('/audit', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const parsed = parseAuditQuery(request.query);
    if (!parsed.ok) {
      return side.sendPage(reply, <AuditPage ctx={ctx} view={{ entries: [], values: parsed.values, nextBefore: null, paged: false, problems: parsed.problems }} />, 400);
    }
    const page = await readAuditPage(side.store, parsed.query);
    return side.sendPage(reply, <AuditPage ctx={ctx} view={{ ...page, values: parsed.values, paged: parsed.query.before !== undefined, problems: [] }} />);
  });
};

/** GET /api/v1/admin/audit[?action=…&from=…&to=…&before=<id>]: `{entries, nextBefore}`. */
export const auditApi: FastifyPluginAsync<StaffPluginOptions> = async (api, { side }) => {
  api.get('/audit', async (request, reply) => {
    const parsed = parseAuditQuery(request.query);
    if (!parsed.ok) return sendError(reply, 'invalidFilter', { problems: parsed.problems });
    return readAuditPage(side.store, parsed.query);
  });
};
