import { dayKeysOfWeek, daysOfPeriodKey, monthKeysOfQuarter, parsePeriodValue, periodKeysBetween, periodsOfDay, vietnamDay } from './calendar';

describe('Vietnam time and the periods of a day', () => {
  it('puts an instant on its day in UTC+7, without daylight saving', () => {
    expect(vietnamDay('2025-07-15T16:59:59.999Z')).toBe('2025-07-15');
    expect(vietnamDay('2025-07-15T17:00:00.000Z')).toBe('2025-07-16');
    expect(vietnamDay('2025-01-01T00:00:00+07:00')).toBe('2025-01-01');
    expect(vietnamDay('2024-12-31T16:59:00Z')).toBe('2024-12-31');
  });

  it('names the day, ISO week, month, quarter and year of a day', () => {
    expect(periodsOfDay('2025-07-15')).toEqual({ day: 'D2025-07-15', week: 'W2025-W29', month: 'M2025-07', quarter: 'Q2025-Q3', year: 'Y2025' });
    // ISO weeks belong to the year of their Thursday.
    expect(periodsOfDay('2024-12-30').week).toBe('W2025-W01');
    expect(periodsOfDay('2027-01-01').week).toBe('W2026-W53');
    expect(periodsOfDay('2025-12-31').quarter).toBe('Q2025-Q4');
  });

  it('knows the first and last day of every kind of period', () => {
    expect(daysOfPeriodKey('W2025-W01')).toEqual({ period: 'week', first: '2024-12-30', last: '2025-01-05' });
    expect(daysOfPeriodKey('M2024-02')).toEqual({ period: 'month', first: '2024-02-01', last: '2024-02-29' });
    expect(daysOfPeriodKey('Q2025-Q4')).toEqual({ period: 'quarter', first: '2025-10-01', last: '2025-12-31' });
    expect(dayKeysOfWeek('W2025-W29')).toEqual(['D2025-07-14', 'D2025-07-15', 'D2025-07-16', 'D2025-07-17', 'D2025-07-18', 'D2025-07-19', 'D2025-07-20']);
    expect(monthKeysOfQuarter('Q2025-Q3')).toEqual(['M2025-07', 'M2025-08', 'M2025-09']);
  });

  it('reads from/to in the notation of the period, and refuses what is not a real period', () => {
    expect(parsePeriodValue('day', '2024-02-29', 'from')).toBe('D2024-02-29');
    expect(parsePeriodValue('week', '2026-W53', 'from')).toBe('W2026-W53');
    expect(parsePeriodValue('quarter', '2025-Q3', 'to')).toBe('Q2025-Q3');
    for (const [period, value] of [
      ['day', '2025-02-29'],
      ['day', '2025-7-15'],
      ['week', '2025-W53'],
      ['week', '2025-W00'],
      ['month', '2025-13'],
      ['quarter', '2025-Q5'],
      ['year', '25'],
      ['month', '2025-07-15'],
    ] as const) {
      expect(() => parsePeriodValue(period, value, 'from')).toThrow(expect.objectContaining({ code: 'STATISTICS.BAD_DATE', parameter: 'from' }));
    }
  });

  it('lists the periods of a range, refusing one backwards or too long', () => {
    expect(periodKeysBetween('M2025-11', 'M2026-02', 366)).toEqual(['M2025-11', 'M2025-12', 'M2026-01', 'M2026-02']);
    expect(periodKeysBetween('W2025-W52', 'W2026-W02', 366)).toEqual(['W2025-W52', 'W2026-W01', 'W2026-W02']);
    expect(periodKeysBetween('Q2025-Q4', 'Q2026-Q1', 366)).toEqual(['Q2025-Q4', 'Q2026-Q1']);
    expect(periodKeysBetween('D2025-07-15', 'D2025-07-15', 1)).toEqual(['D2025-07-15']);
    expect(() => periodKeysBetween('M2025-07', 'M2025-06', 366)).toThrow(expect.objectContaining({ code: 'STATISTICS.BAD_RANGE' }));
    expect(() => periodKeysBetween('D2025-01-01', 'D2026-12-31', 366)).toThrow(expect.objectContaining({ code: 'STATISTICS.RANGE_TOO_LONG' }));
  });
});
