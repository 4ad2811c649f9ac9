/** Vietnam time (ICT) is UTC+7 all year: no daylight saving. */
export const VIETNAM_UTC_OFFSET_HOURS = 7;

/** Office hours end at 17:00 local time. */
export const OFFICE_CLOSES_AT_HOUR = 17;

const DAY_MS = 86_400_000;
const OFFSET_MS = VIETNAM_UTC_OFFSET_HOURS * 3_600_000;

export interface WorkingDayOptions {
  /** Public holidays in Vietnam, as local dates `yyyy-MM-dd`. */
  readonly holidays?: readonly string[];
}

/** The local (Vietnam) calendar date `yyyy-MM-dd` of a day number since the epoch. */
function isoDate(localDay: number): string {
  return new Date(localDay * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Decree 30: recipients must take a document in on the day it arrives. A package queued on a
 * working day (Monday–Friday, not a holiday) before 17:00 Vietnam time is due at 17:00 that day;
 * one queued at or after 17:00, or on a weekend or holiday, is due at 17:00 on the next working
 * day. Returns the instant (a UTC Date).
 */
export function workingDayDeadline(queuedAt: Date, opts: WorkingDayOptions = {}): Date {
  if (Number.isNaN(queuedAt.getTime())) throw new RangeError('queuedAt is not a valid date');
  const holidays = new Set(opts.holidays ?? []);
  const local = queuedAt.getTime() + OFFSET_MS;
  // Day numbers count local calendar days since 1970-01-01 (a Thursday).
  let day = Math.floor(local / DAY_MS);
  const closesAt = (d: number): number => d * DAY_MS + OFFICE_CLOSES_AT_HOUR * 3_600_000 - OFFSET_MS;
  const working = (d: number): boolean => {
    const weekday = new Date(d * DAY_MS).getUTCDay();
    return weekday !== 0 && weekday !== 6 && !holidays.has(isoDate(d));
  };
  if (working(day) && queuedAt.getTime() < closesAt(day)) return new Date(closesAt(day));
  // Terminates: the holiday list is finite and every week has working days.
  do day += 1;
  while (!working(day));
  return new Date(closesAt(day));
}
