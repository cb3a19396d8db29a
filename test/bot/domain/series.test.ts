/** Periods, deadlines and creation days of a series on China's calendar (bot/domain/series.ts). */
import { describe, expect, it } from 'vitest';
import { WorkCalendar } from '../../../bot/domain/calendar.js';
import { creationDay, deadlinesFrom, isCadenceDay, previousCadenceDay } from '../../../bot/domain/series.js';

const cal = new WorkCalendar({ tz: 'Asia/Shanghai' });

describe('series deadlines', () => {
  it('每月5日前 in Q1 2027: 春节 moves February to the 4th', () => {
    expect(deadlinesFrom({ kind: 'monthly', day: 5, time: null }, '2026-12-21', 3, cal)).toEqual([
      { period: '2027-01-05', due: '2027-01-05', moved: false },
      { period: '2027-02-05', due: '2027-02-04', moved: true },
      { period: '2027-03-05', due: '2027-03-05', moved: false },
    ]);
  });

  it('每月5日前 around 国庆 2026: October moves to September 30, December to Friday the 4th', () => {
    expect(deadlinesFrom({ kind: 'monthly', day: 5, time: null }, '2026-09-20', 3, cal).map((d) => [d.period, d.due, d.moved])).toEqual([
      ['2026-10-05', '2026-09-30', true],
      ['2026-11-05', '2026-11-05', false],
      ['2026-12-05', '2026-12-04', true],
    ]);
  });

  it('weekly, month end, quarter end and yearly', () => {
    expect(deadlinesFrom({ kind: 'weekly', weekday: 5, time: '16:00' }, '2026-12-21', 2, cal).map((d) => d.due)).toEqual([
      '2026-12-25',
      '2027-01-01'.replace('01-01', '12-31').replace('2027', '2026'),
    ]);
    expect(deadlinesFrom({ kind: 'month_end', time: null }, '2027-01-01', 2, cal)).toEqual([
      { period: '2027-01-31', due: '2027-01-29', moved: false },
      { period: '2027-02-28', due: '2027-02-26', moved: false },
    ]);
    expect(deadlinesFrom({ kind: 'quarter_end', time: null }, '2027-03-01', 2, cal).map((d) => d.due)).toEqual(['2027-03-31', '2027-06-30']);
    expect(deadlinesFrom({ kind: 'yearly', month: 12, day: 20, time: null }, '2026-12-21', 1, cal)).toEqual([
      { period: '2027-12-20', due: '2027-12-20', moved: false },
    ]);
    expect(deadlinesFrom({ kind: 'monthly', day: 31, time: null }, '2027-02-01', 1, cal)[0]!.period).toBe('2027-02-28');
  });

  it('creation days count working days back over holidays', () => {
    expect(creationDay('2027-01-05', 3, cal)).toBe('2026-12-30'); // 元旦 2027-01-01 is off
    expect(creationDay('2027-02-04', 3, cal)).toBe('2027-02-01');
    expect(creationDay('2027-03-05', 3, cal)).toBe('2027-03-02');
  });

  it('cadence days', () => {
    const fri = { kind: 'weekly', weekday: 5, time: null } as const;
    expect(isCadenceDay(fri, '2027-01-08', cal)).toBe(true);
    expect(isCadenceDay(fri, '2027-01-07', cal)).toBe(false);
    // 2027-02-05 (Fri) is 除夕: the cadence day is Thursday the 4th.
    expect(isCadenceDay(fri, '2027-02-04', cal)).toBe(true);
    expect(previousCadenceDay(fri, '2027-01-15', cal)).toBe('2027-01-08');
  });
});
