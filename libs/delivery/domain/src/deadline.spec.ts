import { workingDayDeadline } from './deadline';

const deadline = (utc: string, holidays?: readonly string[]) => workingDayDeadline(new Date(utc), holidays ? { holidays } : undefined).toISOString();

// 2026-11-30 is a Monday. Vietnam is UTC+7: 17:00 local = 10:00Z.
describe('workingDayDeadline (Decree 30: taken in on the day it arrives)', () => {
  it.each([
    ['Mon 09:00 local → Mon 17:00 local', '2026-11-30T02:00:00.000Z', '2026-11-30T10:00:00.000Z'],
    ['Mon 00:00 local (Sun 17:00Z) → Mon 17:00 local', '2026-11-29T17:00:00.000Z', '2026-11-30T10:00:00.000Z'],
    ['Mon 16:59:59.999 local → Mon 17:00 local', '2026-11-30T09:59:59.999Z', '2026-11-30T10:00:00.000Z'],
    ['Mon 17:00 local exactly → Tue 17:00 local', '2026-11-30T10:00:00.000Z', '2026-12-01T10:00:00.000Z'],
    ['Mon 17:30 local → Tue 17:00 local', '2026-11-30T10:30:00.000Z', '2026-12-01T10:00:00.000Z'],
    ['Tue 03:00 local (still Mon 20:00Z) → Tue 17:00 local', '2026-11-30T20:00:00.000Z', '2026-12-01T10:00:00.000Z'],
    ['Fri 18:00 local → Mon 17:00 local', '2026-12-04T11:00:00.000Z', '2026-12-07T10:00:00.000Z'],
    ['Fri 23:59 local → Mon 17:00 local', '2026-12-04T16:59:00.000Z', '2026-12-07T10:00:00.000Z'],
    ['Sat 10:00 local → Mon 17:00 local', '2026-12-05T03:00:00.000Z', '2026-12-07T10:00:00.000Z'],
    ['Sun 23:00 local → Mon 17:00 local', '2026-12-06T16:00:00.000Z', '2026-12-07T10:00:00.000Z'],
    ['Sat 01:00 local (Fri 18:00Z) → Mon 17:00 local', '2026-12-04T18:00:00.000Z', '2026-12-07T10:00:00.000Z'],
  ])('%s', (_name, queuedAt, expected) => {
    expect(deadline(queuedAt)).toBe(expected);
  });

  it('skips a holiday Monday', () => {
    expect(deadline('2026-11-30T02:00:00.000Z', ['2026-11-30'])).toBe('2026-12-01T10:00:00.000Z');
    expect(deadline('2026-12-05T03:00:00.000Z', ['2026-12-07'])).toBe('2026-12-08T10:00:00.000Z');
  });

  it('skips a run of holidays (Tết) and the weekends around it', () => {
    // Tết 2027: 2027-02-05 (Fri) to 2027-02-10 (Wed) off; queued Thu 2027-02-04 18:00 local.
    const tet = ['2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10'];
    expect(deadline('2027-02-04T11:00:00.000Z', tet)).toBe('2027-02-11T10:00:00.000Z');
  });

  it('reads holidays as Vietnam dates, not UTC ones', () => {
    // Tue 2026-12-01 03:00 local is Mon 20:00Z: a Tuesday holiday applies, a Monday one does not.
    expect(deadline('2026-11-30T20:00:00.000Z', ['2026-11-30'])).toBe('2026-12-01T10:00:00.000Z');
    expect(deadline('2026-11-30T20:00:00.000Z', ['2026-12-01'])).toBe('2026-12-02T10:00:00.000Z');
  });

  it('crosses a year end', () => {
    // Thu 2026-12-31 17:30 local; 2027-01-01 (Fri) is New Year's Day → Mon 2027-01-04.
    expect(deadline('2026-12-31T10:30:00.000Z', ['2027-01-01'])).toBe('2027-01-04T10:00:00.000Z');
  });

  it('refuses an invalid date', () => {
    expect(() => workingDayDeadline(new Date('nope'))).toThrow(RangeError);
  });
});
