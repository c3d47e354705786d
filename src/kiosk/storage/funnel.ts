/**
 * The drop-off funnel (issue 8): per Vietnam-time day and definition version, how many citizens
 * started, completed (by Send, or by an idle timeout after the scored core) and abandoned before the
 * core, by the last question reached. Counts only, so nothing here can identify a citizen or carry an
 * answer; kept in the meta store under one key and sent, the last few days, with every health report.
 */
import type { FunnelDay } from '../../shared/schemas';
import { isQuestionId } from '../../shared/ids';
import { vietnamDay } from '../../shared/l10n';
import { FUNNEL_KEEP_DAYS, FUNNEL_MAX_COUNT, FUNNEL_MAX_QUESTIONS, FUNNEL_REPORT_DAYS, FUNNEL_REPORT_MAX_ENTRIES } from '../../shared/wire';
import { META, openKioskDb } from './db';

export type { FunnelDay };

/** What the citizen path tells the funnel: a survey started, completed (and how), or abandoned before the core. */
export type FunnelEvent =
  | { kind: 'started' }
  | { kind: 'completed'; endedBy: 'citizen' | 'timeout' }
  | { kind: 'abandoned'; lastQuestionId: string };

/** The definition version a funnel event belongs to. */
export interface FunnelDefinition {
  id: string;
  version: number;
}

/** The meta key the funnel history lives under, defined once. */
export const FUNNEL_META_KEY = 'funnel';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Entries kept at most, whatever the days say: a clock that jumped ahead cannot grow the history either. */
const FUNNEL_KEEP_ENTRIES_MAX = FUNNEL_KEEP_DAYS * 4;

/** "2026-03-31" minus n days. */
function daysBefore(isoDay: string, days: number): string {
  return new Date(Date.parse(`${isoDay}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);
}

function byDayThenDefinition(a: FunnelDay, b: FunnelDay): number {
  return a.day.localeCompare(b.day) || a.definitionId.localeCompare(b.definitionId) || a.definitionVersion - b.definitionVersion;
}

/** A count one higher, saturating at the wire's bound so a report is never refused for it. */
function plusOne(count: number | undefined): number {
  return Math.min((count ?? 0) + 1, FUNNEL_MAX_COUNT);
}

/**
 * The history with one event counted on `day` (pure; the stored history is never mutated). Null when
 * the event cannot be counted (a last question that is not a question id, or an entry already naming
 * the most questions a definition can have): the caller counts it as lost rather than store a lie.
 * Days older than FUNNEL_KEEP_DAYS before `day` are dropped.
 */
export function countFunnelEvent(history: readonly FunnelDay[], event: FunnelEvent, definition: FunnelDefinition, day: string): FunnelDay[] | null {
  const oldestKept = daysBefore(day, FUNNEL_KEEP_DAYS - 1);
  const kept = history.filter((entry) => entry.day >= oldestKept);
  const index = kept.findIndex((entry) => entry.day === day && entry.definitionId === definition.id && entry.definitionVersion === definition.version);
  const current: FunnelDay =
    index >= 0
      ? kept[index]
      : { day, definitionId: definition.id, definitionVersion: definition.version, started: 0, completed: 0, completedByTimeout: 0, abandoned: {} };
  let next: FunnelDay;
  switch (event.kind) {
    case 'started':
      next = { ...current, started: plusOne(current.started) };
      break;
    case 'completed':
      next = event.endedBy === 'timeout' ? { ...current, completedByTimeout: plusOne(current.completedByTimeout) } : { ...current, completed: plusOne(current.completed) };
      break;
    case 'abandoned': {
      const questionId = event.lastQuestionId;
      if (!isQuestionId(questionId)) return null;
      const known = Object.hasOwn(current.abandoned, questionId);
      if (!known && Object.keys(current.abandoned).length >= FUNNEL_MAX_QUESTIONS) return null;
      next = { ...current, abandoned: { ...current.abandoned, [questionId]: plusOne(known ? current.abandoned[questionId] : 0) } };
      break;
    }
  }
  if (index >= 0) kept[index] = next;
  else kept.push(next);
  return kept.sort(byDayThenDefinition).slice(-FUNNEL_KEEP_ENTRIES_MAX);
}

let lostEvents = 0;

/** Funnel events that could not be stored since the page loaded (reported to the collector and staff). */
export function funnelEventsLost(): number {
  return lostEvents;
}

/** Test hook: forgets the lost-event count along with a swapped-in IndexedDB. */
export function resetFunnelLostForTests(): void {
  lostEvents = 0;
}

/**
 * Counts one funnel event durably (one readwrite transaction on the meta store, nothing but IndexedDB
 * awaited inside it). Never throws: a counter must never break a citizen's survey, so a failed write
 * is swallowed and only counted as lost.
 */
export async function recordFunnelEvent(event: FunnelEvent, definition: FunnelDefinition, at: Date): Promise<void> {
  try {
    const db = await openKioskDb();
    const tx = db.transaction(META, 'readwrite');
    const stored = (await tx.store.get(FUNNEL_META_KEY)) as FunnelDay[] | undefined;
    const next = countFunnelEvent(stored ?? [], event, definition, vietnamDay(at));
    if (next === null) {
      lostEvents += 1;
      tx.abort();
      await tx.done.catch(() => undefined);
      return;
    }
    await Promise.all([tx.store.put(next, FUNNEL_META_KEY), tx.done]);
  } catch {
    // Deliberately swallowed (see above): storage failing is reported through funnelEventsLost and
    // the responses' own storage alerts, never to the citizen.
    lostEvents += 1;
  }
}

/** The whole kept funnel history, oldest day first. */
export async function readFunnelDays(): Promise<FunnelDay[]> {
  const db = await openKioskDb();
  const stored = (await db.get(META, FUNNEL_META_KEY)) as FunnelDay[] | undefined;
  return [...(stored ?? [])].sort(byDayThenDefinition);
}

/**
 * What a health report carries: the entries of the last FUNNEL_REPORT_DAYS days up to `now` (Vietnam
 * time), at most FUNNEL_REPORT_MAX_ENTRIES of them, newest kept; within the wire schema's bounds by
 * construction, so the funnel can never get a batch of responses refused.
 */
export function funnelForReport(history: readonly FunnelDay[], now: Date): FunnelDay[] {
  const today = vietnamDay(now);
  const oldest = daysBefore(today, FUNNEL_REPORT_DAYS - 1);
  return history
    .filter((entry) => entry.day >= oldest && entry.day <= today)
    .sort(byDayThenDefinition)
    .slice(-FUNNEL_REPORT_MAX_ENTRIES);
}

/** The funnel part of a health report; never throws (an unreadable funnel sends none rather than no report). */
export async function readFunnelReport(now: Date): Promise<{ funnel?: FunnelDay[]; funnelLost: number }> {
  try {
    return { funnel: funnelForReport(await readFunnelDays(), now), funnelLost: lostEvents };
  } catch {
    // Deliberately swallowed: the responses in the batch matter more than the counts beside them.
    return { funnelLost: lostEvents };
  }
}
