/*
 * The fleet view's judgement of each kiosk device: what is wrong with it, in a form the page can put
 * into words, and an order that puts the ones needing a visit first.
 */
import type { CollectorStore, DeviceRecord, SequenceGap } from '../stores';

/** A device not heard from for this long is stale. */
export const STALE_AFTER_MS = 24 * 60 * 60 * 1000;
/** A response waiting on the kiosk for longer than this is a problem (it should sync within minutes). */
export const QUEUE_OLD_AFTER_MS = 24 * 60 * 60 * 1000;

/** One thing wrong with a device. */
export type FleetProblem =
  | { kind: 'neverContacted' }
  | { kind: 'stale'; lastContactAt: string }
  | { kind: 'gaps'; missing: number; gaps: SequenceGap[] }
  | { kind: 'queueOld'; oldestUnsentAt: string; queueDepth: number }
  | { kind: 'conflicts'; count: number }
  | { kind: 'rejected'; count: number }
  | { kind: 'storageNotPersisted' };

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
  /** Sequence numbers missing in all the gaps. */
  missing: number;
  problems: FleetProblem[];
  state: 'attention' | 'ok' | 'revoked';
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
};

/** Judges one device at `now`. */
export function assessDevice(device: DeviceRecord, received: number, gaps: SequenceGap[], now: Date): FleetEntry {
  const missing = gaps.reduce((sum, gap) => sum + gap.to - gap.from + 1, 0);
  const problems: FleetProblem[] = [];
  const report = device.lastReport;
  if (device.revokedAt === null) {
    if (device.lastContactAt === null) problems.push({ kind: 'neverContacted' });
    else if (now.getTime() - Date.parse(device.lastContactAt) > STALE_AFTER_MS) problems.push({ kind: 'stale', lastContactAt: device.lastContactAt });
    if (missing > 0) problems.push({ kind: 'gaps', missing, gaps });
    if (report) {
      if (report.oldestUnsentAt !== null && now.getTime() - Date.parse(report.oldestUnsentAt) > QUEUE_OLD_AFTER_MS) {
        problems.push({ kind: 'queueOld', oldestUnsentAt: report.oldestUnsentAt, queueDepth: report.queueDepth });
      }
      if (report.conflicts > 0) problems.push({ kind: 'conflicts', count: report.conflicts });
      if (report.rejected > 0) problems.push({ kind: 'rejected', count: report.rejected });
      if (report.storage.persisted === false) problems.push({ kind: 'storageNotPersisted' });
    }
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
    problems,
    state: device.revokedAt !== null ? 'revoked' : problems.length > 0 ? 'attention' : 'ok',
  };
}

const STATE_ORDER: Record<FleetEntry['state'], number> = { attention: 0, ok: 1, revoked: 2 };

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
      a.agencyCode.localeCompare(b.agencyCode, 'vi') ||
      a.counterCode.localeCompare(b.counterCode, 'vi') ||
      a.label.localeCompare(b.label, 'vi'),
  );
}

/** Every registered device, judged and ordered. */
export async function loadFleet(store: CollectorStore, now: Date): Promise<FleetEntry[]> {
  const devices = await store.listDevices();
  const entries = await Promise.all(
    devices.map(async (device) => {
      const [received, gaps] = await Promise.all([store.countResponses(device.id), store.findSequenceGaps(device.id)]);
      return assessDevice(device, received, gaps, now);
    }),
  );
  return sortFleet(entries);
}
