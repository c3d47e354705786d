/*
 * The fleet figures' arithmetic, apart from any SQL so that every store keeps them the same way: what
 * storing sequence numbers does to a kiosk's highest number and its missing ranges, and how the rows
 * a store reads for the whole fleet become each device's figures.
 */
import { accountGaps } from './store-rows';
import type { DeviceFleetFigures, SequenceGap, SetAsideSequence } from './store';

/** A run of sequence numbers, both ends included. */
export interface SequenceRange {
  from: number;
  to: number;
}

/**
 * The ranges left of a missing range once `seq` is stored: none when it was the range's only number,
 * one when it was at an edge, two when it was inside; the range itself when `seq` is not in it.
 */
export function rangesLeftAfterStoring(gap: SequenceRange, seq: number): SequenceRange[] {
  if (seq < gap.from || seq > gap.to) return [gap];
  const left: SequenceRange[] = [];
  if (seq > gap.from) left.push({ from: gap.from, to: seq - 1 });
  if (seq < gap.to) left.push({ from: seq + 1, to: gap.to });
  return left;
}

/**
 * The missing ranges that storing `seqs` opens above a kiosk's `highest` stored number (0 when it has
 * none), and its new highest. Numbers at or below `highest` open nothing (they fill a range, if any).
 */
export function gapsOpenedAbove(highest: number, seqs: Iterable<number>): { gaps: SequenceRange[]; highest: number } {
  const above = [...new Set(seqs)].filter((seq) => seq > highest).sort((a, b) => a - b);
  const gaps: SequenceRange[] = [];
  let previous = highest;
  for (const seq of above) {
    if (seq > previous + 1) gaps.push({ from: previous + 1, to: seq - 1 });
    previous = seq;
  }
  return { gaps, highest: previous };
}

/** The rows a store reads for the whole fleet, each query's as it comes (any order unless said). */
export interface FleetFigureRows {
  /** Responses stored per device. */
  received: ReadonlyArray<{ deviceId: string; n: number }>;
  /** The missing ranges of each device's kiosks, ordered by device, kiosk id and `from`. */
  gaps: ReadonlyArray<{ deviceId: string } & SequenceGap>;
  /** The highest stored number of each kiosk that sent through a device (stored, rejected or in conflict). */
  highest: ReadonlyArray<{ deviceId: string; kioskId: string; top: number }>;
  /** Numbers of those kiosks received but not stored, ordered by device, kiosk id, seq and kind. */
  setAside: ReadonlyArray<{ deviceId: string } & SetAsideSequence>;
  conflicts: ReadonlyArray<{ deviceId: string; n: number }>;
  rejections: ReadonlyArray<{ deviceId: string; n: number }>;
}

function listsByDevice<T extends { deviceId: string }>(rows: readonly T[]): Map<string, T[]> {
  const byDevice = new Map<string, T[]>();
  for (const row of rows) {
    const list = byDevice.get(row.deviceId);
    if (list) list.push(row);
    else byDevice.set(row.deviceId, [row]);
  }
  return byDevice;
}

/**
 * Each device's figures from the fleet's rows, exactly as countResponses, accountSequences and
 * countSetAside tell them one device at a time; devices in none of the rows are left out (all zero).
 */
export function fleetFiguresFromRows(rows: FleetFigureRows): DeviceFleetFigures[] {
  const received = new Map(rows.received.map((row) => [row.deviceId, row.n]));
  const conflicts = new Map(rows.conflicts.map((row) => [row.deviceId, row.n]));
  const rejections = new Map(rows.rejections.map((row) => [row.deviceId, row.n]));
  const gaps = listsByDevice(rows.gaps);
  const highest = listsByDevice(rows.highest);
  const setAside = listsByDevice(rows.setAside);
  const devices = new Set([...received.keys(), ...conflicts.keys(), ...rejections.keys(), ...gaps.keys(), ...setAside.keys()]);
  return [...devices].sort().map((deviceId) => ({
    deviceId,
    received: received.get(deviceId) ?? 0,
    account: accountGaps(
      (gaps.get(deviceId) ?? []).map(({ kioskId, from, to }) => ({ kioskId, from, to })),
      new Map((highest.get(deviceId) ?? []).map((row) => [row.kioskId, row.top])),
      (setAside.get(deviceId) ?? []).map(({ kioskId, seq, kind }) => ({ kioskId, seq, kind })),
    ),
    setAsideCounts: { conflicts: conflicts.get(deviceId) ?? 0, rejections: rejections.get(deviceId) ?? 0 },
  }));
}

/**
 * The missing ranges of one device and kiosk from the text the fleet read aggregates them into
 * ("3-4,7-7", in order): one row per kiosk instead of one per range.
 */
export function rangesOfText(deviceId: string, kioskId: string, ranges: string): Array<{ deviceId: string; kioskId: string; from: number; to: number }> {
  return ranges.split(',').map((range) => {
    const dash = range.indexOf('-');
    return { deviceId, kioskId, from: Number(range.slice(0, dash)), to: Number(range.slice(dash + 1)) };
  });
}
