/*
 * The fleet view's judgement of each kiosk device: what is wrong with it, in a form the page can put
 * into words, and an order that puts the ones needing a visit first.
 */
import { z } from 'zod';
import { CLOCK_SKEW_LIMIT_MS, parseOrExplain } from '../ingest';
import type { CollectorStore, DeviceFleetFigures, DeviceRecord, KioskOnSeveralDevices, SequenceGap, SetAsideSequence } from '../stores';
import { cleanQuery } from './filters';
import { loadFleetFunnels, type FleetFunnel } from './funnel';

/** A device not heard from for this long is stale. */
export const STALE_AFTER_MS = 24 * 60 * 60 * 1000;
/** A response waiting on the kiosk for longer than this is a problem (it should sync within minutes). */
export const QUEUE_OLD_AFTER_MS = 24 * 60 * 60 * 1000;
/**
 * A kiosk clock off by more than this (either way) is a problem worth a visit: the same limit past
 * which ingest flags its responses and places them by the collector's clock.
 */
export const CLOCK_SKEW_NOTICE_MS = CLOCK_SKEW_LIMIT_MS;

/** One thing wrong with a device. */
export type FleetProblem =
  | { kind: 'neverContacted' }
  | { kind: 'stale'; lastContactAt: string }
  | { kind: 'gaps'; missing: number; gaps: SequenceGap[] }
  | { kind: 'queueOld'; oldestUnsentAt: string; queueDepth: number }
  | { kind: 'conflicts'; count: number }
  | { kind: 'rejected'; count: number }
  | { kind: 'storageNotPersisted' }
  /** The kiosk's last write failed (storage full or failing), as the failed write reported it (issue 9). */
  | { kind: 'storageFull'; heldInMemory: number; error: string | null }
  /** The kiosk's clock minus the collector's, as last seen. */
  | { kind: 'clockSkew'; skewMs: number }
  /** A kiosk installation id that also arrived through other devices (copied profile, token moved by hand). */
  | { kind: 'sharedKioskId'; kioskId: string; otherDevices: Array<{ id: string; label: string }> };

/** What the collector knows of a device beyond its record, its count and its gaps (all optional). */
export interface DeviceFacts {
  /** Sequence numbers that arrived but were rejected or are in conflict (never counted as missing). */
  setAside?: readonly SetAsideSequence[];
  /** Conflicts and rejections the collector holds that came through this device. */
  setAsideCounts?: { conflicts: number; rejections: number };
  /** Kiosk ids of this device seen through other devices too, with those devices' labels. */
  sharedKioskIds?: ReadonlyArray<{ kioskId: string; otherDevices: Array<{ id: string; label: string }> }>;
}

/** A device as the fleet view shows it (never its token hash). */
export interface FleetEntry {
  id: string;
  label: string;
  agencyCode: string;
  counterCode: string;
  createdAt: string;
  revokedAt: string | null;
  lastContactAt: string | null;
  lastReport: DeviceRecord['lastReport'];
  /** Responses stored that came through this device. */
  received: number;
  gaps: SequenceGap[];
  /** Sequence numbers never received, in all the gaps. */
  missing: number;
  /** Sequence numbers received but set aside (rejected or in conflict): not missing, see the set-aside page. */
  setAside: SetAsideSequence[];
  /** Conflicts and rejections the collector holds from this device. */
  setAsideCounts: { conflicts: number; rejections: number };
  /** The kiosk's clock minus the collector's (ms) as last seen, and when; null when never told. */
  clock: { skewMs: number; seenAt: string | null } | null;
  /** When the oldest unsent response was completed, on the collector's clock (corrected when the kiosk's is off). */
  queueOldestAt: string | null;
  problems: FleetProblem[];
  state: 'attention' | 'ok' | 'revoked';
  /** The drop-off funnel of its last FLEET_FUNNEL_DAYS days (issue 8); absent when its kiosk sent none. */
  funnel?: FleetFunnel;
}

/** Weight of each problem in the order: a silent device first, then lost responses, then the rest. */
const SEVERITY: Record<FleetProblem['kind'], number> = {
  neverContacted: 100,
  stale: 100,
  gaps: 50,
  queueOld: 40,
  conflicts: 20,
  rejected: 20,
  storageNotPersisted: 10,
  // Citizens' responses held only in a page's memory are a reload away from loss: just after gaps.
  storageFull: 45,
  clockSkew: 30,
  sharedKioskId: 30,
};

/** The device's last seen clock skew, if any. */
function clockOf(device: DeviceRecord): FleetEntry['clock'] {
  return typeof device.clockSkewMs === 'number' ? { skewMs: device.clockSkewMs, seenAt: device.clockSkewAt ?? null } : null;
}

/**
 * When the kiosk's oldest unsent response was completed, on the collector's clock: a kiosk clock known
 * to be off is corrected by its skew (a tablet that believes it is 2019 does not have a queue "waiting
 * 7 years"), and nothing waits from the future.
 */
export function queueOldestOnCollectorClock(oldestUnsentAt: string | null, clock: FleetEntry['clock'], now: Date): string | null {
  if (oldestUnsentAt === null) return null;
  let at = Date.parse(oldestUnsentAt);
  if (Number.isNaN(at)) return null;
  if (clock !== null && Math.abs(clock.skewMs) > CLOCK_SKEW_NOTICE_MS) at -= clock.skewMs;
  return new Date(Math.min(at, now.getTime())).toISOString();
}

/** Judges one device at `now`. */
export function assessDevice(device: DeviceRecord, received: number, gaps: SequenceGap[], now: Date, facts: DeviceFacts = {}): FleetEntry {
  const missing = gaps.reduce((sum, gap) => sum + gap.to - gap.from + 1, 0);
  const problems: FleetProblem[] = [];
  const report = device.lastReport;
  const clock = clockOf(device);
  const queueOldestAt = report ? queueOldestOnCollectorClock(report.oldestUnsentAt, clock, now) : null;
  if (device.revokedAt === null) {
    if (device.lastContactAt === null) problems.push({ kind: 'neverContacted' });
    else if (now.getTime() - Date.parse(device.lastContactAt) > STALE_AFTER_MS) problems.push({ kind: 'stale', lastContactAt: device.lastContactAt });
    if (missing > 0) problems.push({ kind: 'gaps', missing, gaps });
    if (report) {
      if (queueOldestAt !== null && now.getTime() - Date.parse(queueOldestAt) > QUEUE_OLD_AFTER_MS) {
        problems.push({ kind: 'queueOld', oldestUnsentAt: queueOldestAt, queueDepth: report.queueDepth });
      }
      if (report.conflicts > 0) problems.push({ kind: 'conflicts', count: report.conflicts });
      if (report.rejected > 0) problems.push({ kind: 'rejected', count: report.rejected });
      if (report.storage.persisted === false) problems.push({ kind: 'storageNotPersisted' });
      if (report.storage.writeFailing === true || (report.storage.heldInMemory ?? 0) > 0) {
        problems.push({ kind: 'storageFull', heldInMemory: report.storage.heldInMemory ?? 0, error: report.storage.lastWriteError ?? null });
      }
    }
    if (clock !== null && Math.abs(clock.skewMs) > CLOCK_SKEW_NOTICE_MS) problems.push({ kind: 'clockSkew', skewMs: clock.skewMs });
    for (const shared of facts.sharedKioskIds ?? []) problems.push({ kind: 'sharedKioskId', kioskId: shared.kioskId, otherDevices: shared.otherDevices });
  }
  return {
    id: device.id,
    label: device.label,
    agencyCode: device.agencyCode,
    counterCode: device.counterCode,
    createdAt: device.createdAt,
    revokedAt: device.revokedAt,
    lastContactAt: device.lastContactAt,
    lastReport: report,
    received,
    gaps,
    missing,
    setAside: [...(facts.setAside ?? [])],
    setAsideCounts: facts.setAsideCounts ?? { conflicts: 0, rejections: 0 },
    clock,
    queueOldestAt,
    problems,
    state: device.revokedAt !== null ? 'revoked' : problems.length > 0 ? 'attention' : 'ok',
  };
}

const STATE_ORDER: Record<FleetEntry['state'], number> = { attention: 0, ok: 1, revoked: 2 };

/**
 * Vietnamese order, made once: localeCompare(other, 'vi') builds a collator on every call, which took
 * most of the fleet page's time at 1,000 devices.
 */
const compareVi = new Intl.Collator('vi').compare;

/**
 * Devices needing attention first (the heaviest problems first, then the longest silent), then the
 * healthy ones, then revoked ones; ties by agency, counter and label.
 */
export function sortFleet(entries: FleetEntry[]): FleetEntry[] {
  const weight = (entry: FleetEntry) => entry.problems.reduce((sum, problem) => sum + SEVERITY[problem.kind], 0);
  const contact = (entry: FleetEntry) => (entry.lastContactAt === null ? -Infinity : Date.parse(entry.lastContactAt));
  return [...entries].sort(
    (a, b) =>
      STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
      weight(b) - weight(a) ||
      contact(a) - contact(b) ||
      compareVi(a.agencyCode, b.agencyCode) ||
      compareVi(a.counterCode, b.counterCode) ||
      compareVi(a.label, b.label),
  );
}

/** For each device, the kiosk ids it shares with other devices, and those devices' labels. */
export function sharedKioskIdsByDevice(
  shared: readonly KioskOnSeveralDevices[],
  devices: readonly DeviceRecord[],
): Map<string, Array<{ kioskId: string; otherDevices: Array<{ id: string; label: string }> }>> {
  const labels = new Map(devices.map((d) => [d.id, d.label]));
  const byDevice = new Map<string, Array<{ kioskId: string; otherDevices: Array<{ id: string; label: string }> }>>();
  for (const kiosk of shared) {
    const ids = [...new Set(kiosk.devices.map((d) => d.deviceId))];
    if (ids.length < 2) continue;
    for (const id of ids) {
      const list = byDevice.get(id) ?? [];
      list.push({ kioskId: kiosk.kioskId, otherDevices: ids.filter((other) => other !== id).map((other) => ({ id: other, label: labels.get(other) ?? other })) });
      byDevice.set(id, list);
    }
  }
  return byDevice;
}

/** Nothing stored or set aside through a device: the figures of a device the fleet figures leave out. */
const NO_FIGURES: Omit<DeviceFleetFigures, 'deviceId'> = { received: 0, account: { missing: [], setAside: [] }, setAsideCounts: { conflicts: 0, rejections: 0 } };

/**
 * Every device's figures: read at once from the figures the store keeps (a fixed number of queries
 * for any fleet), or one device at a time from a store that does not keep them yet.
 */
async function fleetFigures(store: CollectorStore, devices: readonly DeviceRecord[]): Promise<Map<string, Omit<DeviceFleetFigures, 'deviceId'>>> {
  if (store.listFleetFigures) return new Map((await store.listFleetFigures()).map(({ deviceId, ...figures }) => [deviceId, figures]));
  const each = await Promise.all(
    devices.map(async (device) => {
      const [received, account, setAsideCounts] = await Promise.all([
        store.countResponses(device.id),
        store.accountSequences(device.id),
        store.countSetAside(device.id),
      ]);
      return [device.id, { received, account, setAsideCounts }] as const;
    }),
  );
  return new Map(each);
}

/** Every registered device, judged and ordered. */
export async function loadFleet(store: CollectorStore, now: Date): Promise<FleetEntry[]> {
  const [devices, shared, funnels] = await Promise.all([store.listDevices(), store.listKioskIdsOnSeveralDevices(), loadFleetFunnels(store, now)]);
  const sharedByDevice = sharedKioskIdsByDevice(shared, devices);
  const figures = await fleetFigures(store, devices);
  const entries = devices.map((device) => {
    const { received, account, setAsideCounts } = figures.get(device.id) ?? NO_FIGURES;
    const entry = assessDevice(device, received, account.missing, now, { setAside: account.setAside, setAsideCounts, sharedKioskIds: sharedByDevice.get(device.id) });
    const funnel = funnels.get(device.id);
    return funnel ? { ...entry, funnel } : entry;
  });
  return sortFleet(entries);
}

/**
 * Devices one fleet page shows: a province's thousand tablets on one page cost most of a second of
 * rendering (issue 12), and staff looking for the tablets to visit read the first page, where they are.
 */
export const FLEET_PAGE_ROWS = 100;

/** The states a device can be in, in the page's order; also the values of the page's state filter. */
export const FLEET_STATES = ['attention', 'ok', 'revoked'] as const;

/** Longest search text: longer than any label and codes together, short enough to stay cheap. */
export const FLEET_SEARCH_MAX = 100;

/** The fleet page's query string; empty form fields count as not given (the language switch is left out). */
export const fleetQuerySchema = z
  .object({
    /** Page number from 1; at most 9 digits, so that a number is never rounded. */
    page: z.string().regex(/^[1-9][0-9]{0,8}$/, 'a page number (a whole number from 1)').optional(),
    /** Words to find in a device's label, agency code, counter code or id. */
    q: z.string().max(FLEET_SEARCH_MAX).optional(),
    state: z.enum(FLEET_STATES).optional(),
  })
  .strict();

/** A checked fleet query. */
export interface FleetQuery {
  page: number;
  q?: string;
  state?: FleetEntry['state'];
}

/** The checked fleet query, or its problems naming the parameter; `values` are the fields as given. */
export function parseFleetQuery(
  query: unknown,
): { ok: true; query: FleetQuery; values: Record<string, string> } | { ok: false; problems: string[]; values: Record<string, string> } {
  const values = cleanQuery(query);
  delete values.lang;
  const parsed = parseOrExplain(fleetQuerySchema, values, '?');
  if (!parsed.ok) return { ok: false, problems: parsed.problems, values };
  const { page, ...rest } = parsed.data;
  return { ok: true, query: { ...rest, page: page === undefined ? 1 : Number(page) }, values };
}

/**
 * Text as the search compares it: lower case, without Vietnamese tone and vowel marks, đ as d, so that
 * "quay 1" typed on a keyboard without a Vietnamese layout finds "Quầy 1".
 */
export function searchFold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}

/** Shortest start of a device id the search takes as the id: shorter ones ("099") would hit random ids. */
const ID_PREFIX_MIN = 8;

/**
 * Whether each word of the search is in the device's label, agency code or counter code ("CQ1/Q3"
 * too), or, when at least ID_PREFIX_MIN characters long, starts its id (pasted from a link or a log).
 */
export function matchesFleetSearch(entry: FleetEntry, search: string): boolean {
  const words = searchFold(search).split(/\s+/).filter((word) => word !== '');
  const haystack = searchFold(`${entry.label} ${entry.agencyCode} ${entry.counterCode} ${entry.agencyCode}/${entry.counterCode}`);
  const id = entry.id.toLowerCase();
  return words.every((word) => haystack.includes(word) || (word.length >= ID_PREFIX_MIN && id.startsWith(word)));
}

/** What one fleet page shows. */
export interface FleetPageView {
  /** Devices in each state, over the whole fleet whatever the filters and page. */
  counts: Record<FleetEntry['state'], number>;
  /** Devices of the whole fleet. */
  total: number;
  /** Devices the search and state filter keep (all of them without filters). */
  matching: number;
  /** The page shown, from 1, and how many there are (at least 1, even with nothing to show). */
  page: number;
  pages: number;
  /** The page asked for, when it lay past the last one and the last one is shown instead. */
  pastLast: number | null;
  /** Position in the kept devices of the first row shown, from 0. */
  offset: number;
  rows: FleetEntry[];
}

/**
 * One page of the ordered fleet: the filters narrow it, the counts stay the whole fleet's, and a page
 * past the last shows the last one and says so (a bookmarked page 10 of a fleet that shrank).
 */
export function pageOfFleet(entries: readonly FleetEntry[], query: FleetQuery, pageRows = FLEET_PAGE_ROWS): FleetPageView {
  const counts: FleetPageView['counts'] = { attention: 0, ok: 0, revoked: 0 };
  for (const entry of entries) counts[entry.state]++;
  const search = query.q?.trim() ?? '';
  const kept = entries.filter((entry) => (query.state === undefined || entry.state === query.state) && (search === '' || matchesFleetSearch(entry, search)));
  const pages = Math.max(1, Math.ceil(kept.length / pageRows));
  const page = Math.min(query.page, pages);
  const offset = (page - 1) * pageRows;
  return {
    counts,
    total: entries.length,
    matching: kept.length,
    page,
    pages,
    pastLast: query.page > pages ? query.page : null,
    offset,
    rows: kept.slice(offset, offset + pageRows),
  };
}
