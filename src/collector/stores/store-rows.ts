/*
 * What both dialects' stores share beyond SQL: the shapes their rows come back in and the pure
 * arithmetic over them, so SQLite and PostgreSQL answer the store interfaces identically.
 */
import {
  SET_ASIDE_PAGE_MAX,
  type IngestBatch,
  type KioskOnSeveralDevices,
  type LatestAnswers,
  type SequenceAccount,
  type SequenceGap,
  type SetAsideFilter,
  type SetAsideSequence,
} from './store';
import type { SurveyDefinition, SurveyResponse } from '../../shared/survey';

/** The clock skew a batch tells: the envelope's, else the first checked item's. Null when nothing says. */
export function batchClockSkew(batch: IngestBatch): number | null {
  if (typeof batch.clockSkewMs === 'number') return batch.clockSkewMs;
  for (const item of batch.items) {
    if (item.kind === 'valid' && typeof item.collectorFlags?.clockSkewMs === 'number') return item.collectorFlags.clockSkewMs;
  }
  return null;
}

export interface ConflictRow {
  id: number;
  response_id: string;
  device_id: string | null;
  received_at: string;
  body_json: string;
}

export interface RejectionRow {
  id: number;
  device_id: string | null;
  response_id: string | null;
  kiosk_id: string | null;
  seq: number | null;
  received_at: string;
  reason: string;
}

/** The page size a set-aside listing asks for, within its bounds. */
export function pageLimit(filter: SetAsideFilter): number {
  const limit = filter.limit ?? SET_ASIDE_PAGE_MAX;
  return Math.max(1, Math.min(SET_ASIDE_PAGE_MAX, Math.floor(limit)));
}

/**
 * Splits the gaps of the stored responses into numbers never received and numbers set aside. Numbers
 * set aside above a kiosk's highest stored one extend its range first (stored 1–2 and 5 rejected:
 * 3–4 were never received).
 */
export function accountGaps(
  storedGaps: readonly SequenceGap[],
  highest: ReadonlyMap<string, number>,
  setAside: readonly SetAsideSequence[],
): SequenceAccount {
  const byKiosk = new Map<string, number[]>();
  const unique: SetAsideSequence[] = [];
  const seen = new Set<string>();
  for (const entry of setAside) {
    const key = `${entry.kioskId}\u0000${entry.seq}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(entry);
    const list = byKiosk.get(entry.kioskId) ?? [];
    list.push(entry.seq);
    byKiosk.set(entry.kioskId, list);
  }
  const ranges: SequenceGap[] = [...storedGaps];
  for (const [kioskId, seqs] of byKiosk) {
    const top = Math.max(...seqs);
    const stored = highest.get(kioskId) ?? 0;
    if (top > stored) ranges.push({ kioskId, from: stored + 1, to: top });
  }
  const missing: SequenceGap[] = [];
  for (const gap of ranges) {
    const inside = (byKiosk.get(gap.kioskId) ?? []).filter((seq) => seq >= gap.from && seq <= gap.to).sort((a, b) => a - b);
    let from = gap.from;
    for (const seq of inside) {
      if (seq > from) missing.push({ kioskId: gap.kioskId, from, to: seq - 1 });
      from = seq + 1;
    }
    if (from <= gap.to) missing.push({ kioskId: gap.kioskId, from, to: gap.to });
  }
  missing.sort((a, b) => (a.kioskId < b.kioskId ? -1 : a.kioskId > b.kioskId ? 1 : a.from - b.from));
  return { missing, setAside: unique };
}

/** A login throttle row (sign-in lock-out). */
export interface ThrottleRow {
  failures: number;
  lockedUntil: string;
  attemptUntil: string | null;
  refused: number;
  updatedAt: string;
}

export interface AuditRow {
  id: number;
  at: string;
  address: string | null;
  action: string;
  outcome: string;
  detailsJson: string;
}

/** A device_kiosks row of a kiosk id seen through several devices. */
export interface SharedKioskRow {
  kiosk_id: string;
  device_id: string;
  first_seen_at: string;
  last_seen_at: string;
}

/** Groups the rows (ordered by kiosk id, then first sight) into one entry per kiosk id. */
export function toKiosksOnSeveralDevices(rows: readonly SharedKioskRow[]): KioskOnSeveralDevices[] {
  const byKiosk = new Map<string, KioskOnSeveralDevices>();
  for (const row of rows) {
    let entry = byKiosk.get(row.kiosk_id);
    if (!entry) byKiosk.set(row.kiosk_id, (entry = { kioskId: row.kiosk_id, devices: [] }));
    entry.devices.push({ deviceId: row.device_id, firstSeenAt: row.first_seen_at, lastSeenAt: row.last_seen_at });
  }
  return [...byKiosk.values()];
}

/** The text questions of each definition, found once. */
const textQuestionsOf = new WeakMap<SurveyDefinition, readonly string[]>();

/**
 * The has_text_answer mark of a response stored under `definition`: whether one of its text questions
 * has a non-blank answer; null when the store does not know the definition (the comments read then
 * checks the row's answers itself, as it always does).
 */
export function textAnswerMark(definition: SurveyDefinition | undefined, answers: SurveyResponse['answers']): boolean | null {
  if (!definition) return null;
  let ids = textQuestionsOf.get(definition);
  if (!ids) {
    ids = definition.sections.flatMap((section) => section.questions.filter((question) => question.kind === 'text').map((question) => question.id));
    textQuestionsOf.set(definition, ids);
  }
  for (const id of ids) {
    const value = Object.prototype.hasOwnProperty.call(answers, id) ? answers[id] : undefined;
    if (typeof value === 'string' && value.trim() !== '') return true;
  }
  return false;
}

/**
 * A stored row as one of the latest comments: the answers to `questionIds` it has, or null when none
 * is a non-blank text (an unmarked row, or one whose text is only spaces). Both dialects' reads keep
 * exactly these rows.
 */
export function latestAnswersOf(
  row: { completedAt: string; agencyCode: string; counterCode: string; answersJson: string },
  questionIds: readonly string[],
): LatestAnswers | null {
  const all = JSON.parse(row.answersJson) as Record<string, unknown>;
  const answers: Record<string, unknown> = {};
  let any = false;
  for (const id of questionIds) {
    if (!Object.prototype.hasOwnProperty.call(all, id)) continue;
    answers[id] = all[id];
    if (typeof all[id] === 'string' && all[id].trim() !== '') any = true;
  }
  return any ? { completedAt: row.completedAt, agencyCode: row.agencyCode, counterCode: row.counterCode, answers } : null;
}
