/*
 * The one time-zone rule of the product: every day, month and clock time a person reads is Vietnam's
 * (Asia/Ho_Chi_Minh, UTC+7 all year, no daylight saving), on the tablet and at the collector alike.
 * Instants are stored and sent in UTC.
 */

/** The IANA zone people read times in. */
export const VIETNAM_TIME_ZONE = 'Asia/Ho_Chi_Minh';
/** Vietnam is UTC+7 all year (no daylight saving since 1975). */
export const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The first instant of a Vietnamese calendar day (YYYY-MM-DD), in UTC. */
export function startOfVietnamDay(isoDay: string): string {
  return new Date(Date.parse(`${isoDay}T00:00:00Z`) - VIETNAM_OFFSET_MS).toISOString();
}

/** The first instant of the day after, in UTC: the exclusive end of an inclusive period. */
export function endOfVietnamDay(isoDay: string): string {
  return new Date(Date.parse(`${isoDay}T00:00:00Z`) - VIETNAM_OFFSET_MS + DAY_MS).toISOString();
}

/** "2026-03-31" for an instant, by the calendar in Vietnam. */
export function vietnamDay(instant: string | Date): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return new Date(ms + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

/** "2026-03" for an instant, by the calendar in Vietnam. */
export function vietnamMonth(instant: string | Date): string {
  return vietnamDay(instant).slice(0, 7);
}

/**
 * vietnamMonth for many stored instants (UTC, "2026-03-31T17:30:00.000Z"): the month only depends on
 * the date and hour, so it is worked out once per hour seen instead of once per response.
 */
export function vietnamMonthOfStored(): (utcInstant: string) => string {
  const byHour = new Map<string, string>();
  return (instant) => {
    const hour = instant.slice(0, 13);
    let month = byHour.get(hour);
    if (month === undefined) byHour.set(hour, (month = vietnamMonth(instant)));
    return month;
  };
}
