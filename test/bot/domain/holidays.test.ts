import chineseDays from 'chinese-days';
import { describe, expect, it } from 'vitest';
import { WorkCalendar } from '../../../bot/domain/calendar.js';
import { statutoryHolidays } from '../../../bot/domain/holidays.js';

/** chinese-days' official schedule of a day: local noon, as the package reads dates. */
const official = (ymd: string) => {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  return chineseDays.getDayDetail(new Date(y, m - 1, d, 12));
};

describe('statutory holidays computed from the law and the lunar calendar', () => {
  it('every computed statutory day is a day off in the State Council schedules chinese-days holds (2004–2026)', () => {
    const counts: Record<number, number> = {};
    for (let year = 2004; year <= 2026; year++) {
      const days = statutoryHolidays(year)!;
      counts[year] = days.length;
      for (const h of days) expect(official(h.date).work, `${h.date} ${h.name}`).toBe(false);
    }
    // The law's counts: 10 days 2000–2007, 11 days 2008–2024, 13 days from 2025.
    expect(counts[2007]).toBe(10);
    expect(counts[2008]).toBe(11);
    expect(counts[2024]).toBe(11);
    expect(counts[2025]).toBe(13);
    expect(counts[2026]).toBe(13);
  });

  it('the lunar and solar-term days agree with the names chinese-days gives them (2008–2026)', () => {
    const english: Record<string, string> = {
      春节: 'Spring Festival',
      清明节: 'Tomb-sweeping Day',
      端午节: 'Dragon Boat Festival',
      中秋节: 'Mid-autumn Festival',
    };
    for (let year = 2008; year <= 2026; year++) {
      for (const h of statutoryHolidays(year)!) {
        const want = english[h.name];
        // 中秋 on 国庆 (2020-10-01) is named for 国庆.
        if (!want || statutoryHolidays(year)!.filter((o) => o.date === h.date).length > 1) continue;
        // The package lists a holiday block's weekdays; a day on a weekend is named by its neighbours.
        const near = [0, -1, 1, -2, 2].map((k) => official(new Date(Date.parse(`${h.date}T00:00:00Z`) + k * 86_400_000).toISOString().slice(0, 10)).name);
        expect(
          near.find((n) => n.includes(want)),
          `${h.date}: ${near.join(' / ')}`,
        ).toBeDefined();
      }
    }
  });

  it('2027 by law: 元旦, 除夕 to 初三, 清明, May 1–2, 端午, 中秋, October 1–3', () => {
    expect(statutoryHolidays(2027)!.map((h) => `${h.date} ${h.name}`)).toEqual([
      '2027-01-01 元旦',
      '2027-02-05 春节',
      '2027-02-06 春节',
      '2027-02-07 春节',
      '2027-02-08 春节',
      '2027-04-05 清明节',
      '2027-05-01 劳动节',
      '2027-05-02 劳动节',
      '2027-06-09 端午节',
      '2027-09-15 中秋节',
      '2027-10-01 国庆节',
      '2027-10-02 国庆节',
      '2027-10-03 国庆节',
    ]);
    expect(statutoryHolidays(1999)).toBeNull();
    expect(statutoryHolidays(2100)).toBeNull();
  });

  it('a provisional year: statutory days and weekends off, other days on, the year recorded', () => {
    const cal = new WorkCalendar({ tz: 'Asia/Shanghai' });
    expect(cal.isWorkday('2027-01-01')).toBe(false); // 元旦, a Friday
    expect(cal.isWorkday('2027-02-08')).toBe(false); // 正月初三, a Monday
    expect(cal.isWorkday('2027-02-09')).toBe(true);
    expect(cal.isWorkday('2027-06-09')).toBe(false); // 端午, a Wednesday
    expect(cal.isWorkday('2027-01-04')).toBe(true);
    expect(cal.isWorkday('2027-01-02')).toBe(false); // Saturday
    expect(cal.isProvisional(2027)).toBe(true);
    expect([...cal.missingYears]).toEqual([2027]);
    expect(cal.sourceOf('2027-01-01')).toBe('statutory');
    expect(cal.sourceOf('2026-01-01')).toBe('official');
    // 22 working days from 2026-12-02: past 元旦 to 2027-01-04, not 01-01.
    expect(cal.addWorkdays('2026-12-02', 22)).toBe('2027-01-04');
  });
});
