import { parseDate } from '@vdx/edxml';

// Readings of values with one obvious meaning, for the facts the axis carries
// (docs/domain.md §9). The body keeps what the sender wrote; only the facts are normalised.

const YEAR_FIRST = /^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})$/;
// Vietnamese dates put the day first; a month-first reading is never meant.
const DAY_FIRST = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})$/;

/**
 * A date as `yyyy/MM/dd` (QCVN 102), read from `yyyy/MM/dd`, `yyyy-MM-dd`, `dd/MM/yyyy`,
 * `d/M/yyyy`, `dd-MM-yyyy` or `dd.MM.yyyy`; undefined when it is none of these or not a
 * calendar day (`2014/02/30`).
 */
export function normaliseDate(value: string): string | undefined {
  const text = value.trim();
  const ymd = YEAR_FIRST.exec(text);
  const dmy = ymd ? undefined : DAY_FIRST.exec(text);
  const parts = ymd ? [ymd[1], ymd[2], ymd[3]] : dmy ? [dmy[3], dmy[2], dmy[1]] : undefined;
  if (!parts) return undefined;
  const [y = '', m = '', d = ''] = parts;
  const date = `${y}/${m.padStart(2, '0')}/${d.padStart(2, '0')}`;
  return parseDate(date) === undefined ? undefined : date;
}

/**
 * A timestamp as `yyyy/MM/dd HH:mm:ss`, its date part read as {@link normaliseDate} does and
 * separated from the time by a space or `T`; undefined otherwise.
 */
export function normaliseTimestamp(value: string): string | undefined {
  const m = /^(\S+)[ T](\S+)$/.exec(value.trim());
  if (!m) return undefined;
  const date = normaliseDate(m[1] ?? '');
  const time = TIME.exec(m[2] ?? '');
  if (date === undefined || !time) return undefined;
  const [h, min, s] = [Number(time[1]), Number(time[2]), Number(time[3])];
  return h > 23 || min > 59 || s > 59 ? undefined : `${date} ${m[2] ?? ''}`;
}
