import { StatisticsError } from './statistics.error';

// Periods in Vietnam time (Asia/Ho_Chi_Minh: UTC+7, no daylight saving), the time Decree 30's
// deadlines and every report of the central office are kept in.

export const VIETNAM_OFFSET_MS = 7 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

export const PERIODS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type Period = (typeof PERIODS)[number];

/** The five period keys one day belongs to. */
export interface DayPeriods {
  /** `D2025-07-15` */
  readonly day: string;
  /** `W2025-W29`: ISO 8601 week (Monday first), numbered in its ISO week-year. */
  readonly week: string;
  /** `M2025-07` */
  readonly month: string;
  /** `Q2025-Q3` */
  readonly quarter: string;
  /** `Y2025` */
  readonly year: string;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The calendar day (`yyyy-MM-dd`) an instant falls on in Vietnam. */
export function vietnamDay(instant: Date | string | number): string {
  const ms = typeof instant === 'number' ? instant : new Date(instant).getTime();
  const d = new Date(ms + VIETNAM_OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** A `yyyy-MM-dd` day as the UTC midnight of that date (a day number, not an instant). */
function dateOf(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

/** ISO week-year and week number of a day. */
function isoWeek(day: string): { year: number; week: number } {
  const d = dateOf(day);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = new Date(d.getTime() + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  return { year, week: 1 + Math.floor((thursday.getTime() - jan1) / (7 * DAY_MS)) };
}

/** The Monday of ISO week `week` of ISO week-year `year`. */
function mondayOfIsoWeek(year: number, week: number): Date {
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const mondayWeek1 = jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * DAY_MS;
  return new Date(mondayWeek1 + (week - 1) * 7 * DAY_MS);
}

function weeksInIsoYear(year: number): number {
  return isoWeek(`${year}-12-28`).week;
}

/** The day, week, month, quarter and year keys of a `yyyy-MM-dd` day. */
export function periodsOfDay(day: string): DayPeriods {
  const [y, m] = [day.slice(0, 4), Number(day.slice(5, 7))];
  const w = isoWeek(day);
  return { day: `D${day}`, week: `W${w.year}-W${pad(w.week)}`, month: `M${y}-${pad(m)}`, quarter: `Q${y}-Q${Math.ceil(m / 3)}`, year: `Y${y}` };
}

/** The key of the period of kind `period` that contains `day`. */
export function periodKeyOf(period: Period, day: string): string {
  return periodsOfDay(day)[period];
}

const NOTATION: Readonly<Record<Period, RegExp>> = {
  day: /^(\d{4})-(\d{2})-(\d{2})$/,
  week: /^(\d{4})-W(\d{2})$/,
  month: /^(\d{4})-(\d{2})$/,
  quarter: /^(\d{4})-Q([1-4])$/,
  year: /^(\d{4})$/,
};

/** How a period is written in `from` and `to`. */
export const PERIOD_NOTATION: Readonly<Record<Period, string>> = { day: '2025-07-15', week: '2025-W29', month: '2025-07', quarter: '2025-Q3', year: '2025' };

/** The period key (`D2025-07-15`, `W2025-W29`, …) of a period written as in `from`/`to`; refuses what is not a real period. */
export function parsePeriodValue(period: Period, value: string, parameter: string): string {
  const m = NOTATION[period].exec(value);
  const bad = (): StatisticsError =>
    new StatisticsError('STATISTICS.BAD_DATE', `${parameter} must be a ${period} written like ${PERIOD_NOTATION[period]}, not ${JSON.stringify(value.slice(0, 40))}`, { path: parameter });
  if (!m) throw bad();
  const year = Number(m[1]);
  if (year < 1970 || year > 9999) throw bad();
  switch (period) {
    case 'day': {
      const d = dateOf(value);
      if (Number.isNaN(d.getTime()) || isoDay(d) !== value) throw bad();
      return `D${value}`;
    }
    case 'week': {
      const week = Number(m[2]);
      if (week < 1 || week > weeksInIsoYear(year)) throw bad();
      return `W${value}`;
    }
    case 'month': {
      const month = Number(m[2]);
      if (month < 1 || month > 12) throw bad();
      return `M${value}`;
    }
    case 'quarter':
      return `Q${value}`;
    case 'year':
      return `Y${value}`;
  }
}

/** The period a key names, and its first and last days. */
export function daysOfPeriodKey(key: string): { readonly period: Period; readonly first: string; readonly last: string } {
  const body = key.slice(1);
  switch (key[0]) {
    case 'D':
      return { period: 'day', first: body, last: body };
    case 'W': {
      const monday = mondayOfIsoWeek(Number(body.slice(0, 4)), Number(body.slice(6)));
      return { period: 'week', first: isoDay(monday), last: isoDay(new Date(monday.getTime() + 6 * DAY_MS)) };
    }
    case 'M': {
      const [y, m] = [Number(body.slice(0, 4)), Number(body.slice(5))];
      return { period: 'month', first: `${body}-01`, last: isoDay(new Date(Date.UTC(y, m, 0))) };
    }
    case 'Q': {
      const [y, q] = [Number(body.slice(0, 4)), Number(body.slice(6))];
      return { period: 'quarter', first: `${y}-${pad(q * 3 - 2)}-01`, last: isoDay(new Date(Date.UTC(y, q * 3, 0))) };
    }
    case 'Y':
      return { period: 'year', first: `${body}-01-01`, last: `${body}-12-31` };
    default:
      throw new Error(`not a period key: ${key}`);
  }
}

/** The key of the period after `key`, of the same kind. */
export function nextPeriodKey(key: string): string {
  const { period, last } = daysOfPeriodKey(key);
  return periodKeyOf(period, isoDay(new Date(dateOf(last).getTime() + DAY_MS)));
}

/** The period keys from `from` to `to` inclusive (both of one kind), at most `max` of them. */
export function periodKeysBetween(from: string, to: string, max: number): string[] {
  if (from[0] !== to[0]) throw new Error(`periods of two kinds: ${from}, ${to}`);
  if (daysOfPeriodKey(from).first > daysOfPeriodKey(to).first) {
    throw new StatisticsError('STATISTICS.BAD_RANGE', `to (${to.slice(1)}) is before from (${from.slice(1)})`, { path: 'to' });
  }
  const keys: string[] = [];
  for (let key = from; ; key = nextPeriodKey(key)) {
    keys.push(key);
    if (key === to) return keys;
    if (keys.length >= max) {
      throw new StatisticsError('STATISTICS.RANGE_TOO_LONG', `from ${from.slice(1)} to ${to.slice(1)} spans more than ${max} periods; ask for a coarser period or a shorter range`, { path: 'to' });
    }
  }
}

/** The days of a week key (Monday to Sunday) as day keys. */
export function dayKeysOfWeek(key: string): string[] {
  const { first } = daysOfPeriodKey(key);
  return Array.from({ length: 7 }, (_, i) => `D${isoDay(new Date(dateOf(first).getTime() + i * DAY_MS))}`);
}

/** The three month keys of a quarter key. */
export function monthKeysOfQuarter(key: string): string[] {
  const [y, q] = [key.slice(1, 5), Number(key.slice(7))];
  return [0, 1, 2].map((i) => `M${y}-${pad(q * 3 - 2 + i)}`);
}
