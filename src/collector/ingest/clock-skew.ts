/**
 * Tablet clocks are wrong in real life (no network time for weeks, a reset battery). The batch carries
 * the kiosk's clock at sending (`sentAt`); the difference from the collector's clock at receipt is the
 * tablet's skew (less the time on the wire, which is small against what matters here). With it the
 * collector judges and places a response's times on its own clock instead of refusing a citizen's
 * answer because of the tablet it was given on.
 */

/** A kiosk clock further off than this is flagged, and its responses are placed in time corrected by it. */
export const CLOCK_SKEW_LIMIT_MS = 5 * 60_000;

/** The kiosk's clock minus the collector's at receipt, in ms; null when the batch did not say (older kiosks). */
export function clockSkewOf(envelope: { sentAt?: string | null | undefined }, receivedAt: Date | string): number | null {
  if (typeof envelope.sentAt !== 'string') return null;
  const sent = Date.parse(envelope.sentAt);
  const received = typeof receivedAt === 'string' ? Date.parse(receivedAt) : receivedAt.getTime();
  return Number.isFinite(sent) && Number.isFinite(received) ? sent - received : null;
}

/** Whether a skew is large enough to flag (and to place the responses corrected by it). */
export function isClockSkewed(clockSkewMs: number | null): boolean {
  return clockSkewMs !== null && Math.abs(clockSkewMs) > CLOCK_SKEW_LIMIT_MS;
}
