/**
 * The kiosk's evacuation file (src/shared/csv/evacuation.ts writes it) as the collector reads it. Only the
 * envelope is checked here: each response is then checked on its own, exactly as a synced one, so one
 * bad response never blocks the others.
 */
import { z } from 'zod';
import { EVACUATION_FORMAT, EVACUATION_VERSION } from '../csv';
import { uuidV4Schema } from './response-schema';

/** Most responses one file may carry (a kiosk offline for months at a busy counter stays well below). */
export const MAX_EVACUATION_RESPONSES = 200_000;

export const evacuationFileSchema = z.strictObject({
  format: z.literal(EVACUATION_FORMAT),
  version: z.literal(EVACUATION_VERSION),
  kioskId: uuidV4Schema,
  exportedAt: z.iso.datetime({ offset: true }),
  responses: z.array(z.unknown()).max(MAX_EVACUATION_RESPONSES),
});

/** An evacuation file whose envelope is valid; its responses are still unchecked. */
export type EvacuationEnvelope = z.infer<typeof evacuationFileSchema>;
