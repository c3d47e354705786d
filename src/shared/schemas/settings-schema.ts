import { z } from 'zod';
import {
  COLLECTOR_URL,
  COLLECTOR_URL_DESCRIPTION,
  DEVICE_LABEL_MAX_LENGTH,
  PLACE_NAME_MAX_LENGTH,
  STORED_PLACE_CODE_MAX_LENGTH,
} from '../ids';
import { DEFAULT_SETTINGS, type KioskSettings } from '../settings';

const SECOND_MS = 1000;

/** Kiosk settings as staff enter them or a provisioning link carries them. */
export const settingsSchema = z.strictObject({
  // The place comes from the collector's registration of the device (provisioning link, sync answers),
  // which may predate the place-code rule: checked for length only, so an old code never blocks a save.
  agencyName: z.string().trim().max(PLACE_NAME_MAX_LENGTH),
  agencyCode: z.string().trim().min(1).max(STORED_PLACE_CODE_MAX_LENGTH),
  counterCode: z.string().trim().min(1).max(STORED_PLACE_CODE_MAX_LENGTH),
  counterName: z.string().trim().max(PLACE_NAME_MAX_LENGTH),
  deviceLabel: z.string().trim().max(DEVICE_LABEL_MAX_LENGTH),
  // The collector rule, and an address the URL parser accepts too (the sync engine builds on it).
  endpointUrl: z.union([z.literal(''), z.url({ protocol: /^https?$/ }).regex(COLLECTOR_URL, COLLECTOR_URL_DESCRIPTION)]),
  deviceToken: z.string().max(200),
  definitionId: z.string().min(1).max(40),
  definitionVersion: z.int().positive().nullable(),
  languages: z.array(z.enum(['vi', 'en'])).min(1).refine((l) => new Set(l).size === l.length, 'each language once'),
  idleTimeoutMs: z.int().min(15 * SECOND_MS).max(30 * 60 * SECOND_MS),
  idleWarningMs: z.int().min(5 * SECOND_MS).max(60 * SECOND_MS),
  thankYouMs: z.int().min(2 * SECOND_MS).max(60 * SECOND_MS),
  abandonedResponse: z.enum(['discard', 'keep-partial']),
  disabledSections: z.array(z.string().max(40)).max(50),
  minIntervalMs: z.int().min(0).max(10 * 60 * SECOND_MS),
  minMsPerAnswer: z.int().min(0).max(60 * SECOND_MS),
  syncBatchSize: z.int().min(1).max(500),
  syncIntervalMs: z.int().min(5 * SECOND_MS).max(24 * 60 * 60 * SECOND_MS),
  keepSentDays: z.int().min(0).max(3650),
}) satisfies z.ZodType<KioskSettings>;

export { DEFAULT_SETTINGS };
export type { KioskSettings };
