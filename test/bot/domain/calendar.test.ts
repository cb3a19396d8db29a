import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, WorkCalendar, ymdToDays, daysToYmd } from '../../../bot/domain/calendar.js';
import { parseCalendarImport } from '../../../bot/domain/calendar-import.js';

const SH = 'Asia/Shanghai';
const hours = { start: '09:00', end: '18:00' };
const t = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`);

describe('working days on China’s 2026 calendar', () => {
  const cal = new WorkCalendar({ tz: SH });

  it('National Day week 2026-10-01..07 is off, 10-08 is back to work', () => {
    for (let d = 1; d <= 7; d++) expect(cal.isWorkday(`2026-10-0${d}`), `10-0${d}`).toBe(false);
    expect(cal.isWorkday('2026-09-30')).toBe(true);
    expect(cal.isWorkday('2026-10-08')).toBe(true);
    expect(cal.isWorkday('2026-10-09')).toBe(true);
  });

  it('make-up days (调休) are working days: Sunday 2026-09-20 and Saturday 2026-10-10', () => {
    expect(cal.weekday('2026-09-20')).toBe(7);
    expect(cal.weekday('2026-10-10')).toBe(6);
    expect(cal.isWorkday('2026-09-20')).toBe(true);
    expect(cal.isWorkday('2026-10-10')).toBe(true);
  });

  it('Spring Festival 2026: 02-15..23 off, Saturdays 02-14 and 02-28 on', () => {
    for (let d = 15; d <= 23; d++) expect(cal.isWorkday(`2026-02-${d}`)).toBe(false);
    expect(cal.isWorkday('2026-02-14')).toBe(true);
    expect(cal.isWorkday('2026-02-28')).toBe(true);
    expect(cal.isWorkday('2026-02-24')).toBe(true);
  });

  it('ordinary weekends are off, weekdays on', () => {
    expect(cal.isWorkday('2026-11-28')).toBe(false); // Saturday
    expect(cal.isWorkday('2026-11-29')).toBe(false); // Sunday
    expect(cal.isWorkday('2026-11-24')).toBe(true); // Tuesday
    expect(cal.missingYears.size).toBe(0);
  });

  it('knows which years chinese-days covers (2004–2026 in 1.5.7)', () => {
    expect(cal.hasData(2003)).toBe(false);
    expect(cal.hasData(2004)).toBe(true);
    expect(cal.hasData(2026)).toBe(true);
    expect(cal.hasData(2027)).toBe(false);
  });

  it('addWorkdays / nextWorkday / prevWorkday across the holiday', () => {
    expect(cal.addWorkdays('2026-09-30', 0)).toBe('2026-09-30');
    expect(cal.addWorkdays('2026-10-01', 0)).toBe('2026-10-08');
    expect(cal.addWorkdays('2026-09-30', 1)).toBe('2026-10-08');
    expect(cal.addWorkdays('2026-09-30', 3)).toBe('2026-10-10');
    expect(cal.addWorkdays('2026-09-18', 1)).toBe('2026-09-20');
    expect(cal.nextWorkday('2026-09-30')).toBe('2026-10-08');
    expect(cal.prevWorkday('2026-10-08')).toBe('2026-09-30');
    expect(cal.prevWorkday('2026-11-30')).toBe('2026-11-27');
    expect(() => cal.addWorkdays('2026-09-30', -1)).toThrow(RangeError);
  });

  it('workdaysBetween counts from < d ≤ to and is antisymmetric', () => {
    expect(cal.workdaysBetween('2026-09-30', '2026-09-30')).toBe(0);
    expect(cal.workdaysBetween('2026-09-30', '2026-10-07')).toBe(0);
    expect(cal.workdaysBetween('2026-09-30', '2026-10-08')).toBe(1);
    expect(cal.workdaysBetween('2026-09-30', '2026-10-10')).toBe(3);
    expect(cal.workdaysBetween('2026-10-10', '2026-09-30')).toBe(-3);
    expect(cal.workdaysBetween('2026-11-27', '2026-11-30')).toBe(1);
  });

  it('lastWorkdayOfMonth skips a weekend month end', () => {
    expect(cal.lastWorkdayOfMonth(2026, 11)).toBe('2026-11-30');
    expect(cal.lastWorkdayOfMonth(2026, 10)).toBe('2026-10-30');
    expect(cal.lastWorkdayOfMonth(2026, 5)).toBe('2026-05-29');
  });

  it('rejects malformed dates', () => {
    expect(() => cal.isWorkday('2026-02-30')).toThrow(RangeError);
    expect(() => cal.isWorkday('2026/10/01')).toThrow(RangeError);
  });
});

describe('years without data', () => {
  it('keeps the statutory holidays and weekends off and records the year as provisional', () => {
    const cal = new WorkCalendar({ tz: SH });
    expect(cal.isWorkday('2027-10-01')).toBe(false); // a Friday, 国庆 by law
    expect(cal.isWorkday('2027-10-02')).toBe(false);
    expect(cal.isWorkday('2027-10-04')).toBe(true); // 调休 unknown: a Monday is a working day
    expect([...cal.missingYears]).toEqual([2027]);
    cal.addWorkdays('2026-12-30', 5);
    expect([...cal.missingYears]).toEqual([2027]);
  });

  it('an imported year has data: overrides win, the other days follow the week, nothing is missing', () => {
    const cal = new WorkCalendar({
      tz: SH,
      overrides: [
        { date: '2027-10-01', kind: 'holiday', name: '国庆节' },
        { date: '2027-09-26', kind: 'workday', name: '国庆调休' },
      ],
    });
    expect(cal.hasData(2027)).toBe(true);
    expect(cal.isWorkday('2027-10-01')).toBe(false);
    expect(cal.isWorkday('2027-09-26')).toBe(true); // a Sunday
    expect(cal.isWorkday('2027-10-04')).toBe(true);
    expect(cal.override('2027-10-01')?.name).toBe('国庆节');
    expect(cal.missingYears.size).toBe(0);
  });

  it('overrides also win over chinese-days', () => {
    const cal = new WorkCalendar({
      tz: SH,
      overrides: [
        { date: '2026-10-08', kind: 'holiday' },
        { date: '2026-10-03', kind: 'workday' },
      ],
    });
    expect(cal.isWorkday('2026-10-08')).toBe(false);
    expect(cal.isWorkday('2026-10-03')).toBe(true);
    expect(cal.addWorkdays('2026-09-30', 1)).toBe('2026-10-03');
  });

  it('refuses a malformed override', () => {
    expect(() => new WorkCalendar({ tz: SH, overrides: [{ date: '2027-1-1', kind: 'holiday' }] })).toThrow(/bad date/);
    expect(() => new WorkCalendar({ tz: SH, overrides: [{ date: '2027-01-01', kind: 'off' as 'holiday' }] })).toThrow(/bad kind/);
    expect(() => new WorkCalendar({ tz: 'Mars/Olympus' })).toThrow(RangeError);
  });
});

describe('time-zone helpers', () => {
  const cal = new WorkCalendar({ tz: SH });

  it('localDate, localTime, at and offsetMinutes in Asia/Shanghai', () => {
    const d = new Date('2026-11-24T20:30:00Z');
    expect(cal.localDate(d)).toBe('2026-11-25');
    expect(cal.localTime(d)).toBe('04:30');
    expect(cal.offsetMinutes(d)).toBe(480);
    expect(cal.at('2026-11-24', '18:00').toISOString()).toBe('2026-11-24T10:00:00.000Z');
    expect(cal.weekday('2026-11-24')).toBe(2);
    expect(cal.weekday('2026-11-29')).toBe(7);
  });

  it('at() is DST-safe: a skipped wall time moves forward, a repeated one is the earlier', () => {
    const ny = new WorkCalendar({ tz: 'America/New_York' });
    expect(ny.at('2026-03-08', '02:30').toISOString()).toBe('2026-03-08T07:30:00.000Z'); // 03:30 EDT
    expect(ny.at('2026-11-01', '01:30').toISOString()).toBe('2026-11-01T05:30:00.000Z'); // first 01:30, EDT
    expect(ny.at('2026-07-01', '09:00').toISOString()).toBe('2026-07-01T13:00:00.000Z');
    expect(ny.offsetMinutes(new Date('2026-01-15T12:00:00Z'))).toBe(-300);
    expect(ny.localTime(ny.at('2026-11-01', '09:00'))).toBe('09:00');
  });
});

describe('working hours', () => {
  const cal = new WorkCalendar({ tz: SH });
  const quiet = { start: '12:00', end: '13:30' };
  const night = { start: '21:00', end: '08:00' };

  it('isWorkingTime: working day, inside [start, end), outside 免打扰', () => {
    expect(cal.isWorkingTime(t('2026-11-24 09:00'), hours)).toBe(true);
    expect(cal.isWorkingTime(t('2026-11-24 08:59'), hours)).toBe(false);
    expect(cal.isWorkingTime(t('2026-11-24 17:59'), hours)).toBe(true);
    expect(cal.isWorkingTime(t('2026-11-24 18:00'), hours)).toBe(false);
    expect(cal.isWorkingTime(t('2026-11-28 10:00'), hours)).toBe(false); // Saturday
    expect(cal.isWorkingTime(t('2026-10-10 10:00'), hours)).toBe(true); // make-up Saturday
    expect(cal.isWorkingTime(t('2026-10-05 10:00'), hours)).toBe(false); // National Day
    expect(cal.isWorkingTime(t('2026-11-24 12:30'), hours, quiet)).toBe(false);
    expect(cal.isWorkingTime(t('2026-11-24 13:30'), hours, quiet)).toBe(true);
    // a quiet window wrapping midnight that reaches into the working day
    expect(cal.isWorkingTime(t('2026-11-24 08:30'), { start: '08:00', end: '18:00' }, night)).toBe(true);
    expect(cal.isWorkingTime(t('2026-11-24 07:59'), { start: '07:00', end: '22:00' }, night)).toBe(false);
    expect(cal.isWorkingTime(t('2026-11-24 21:30'), { start: '07:00', end: '22:00' }, night)).toBe(false);
  });

  it('nextWorkingMoment', () => {
    const at = (d: Date, q?: { start: string; end: string } | null) => cal.nextWorkingMoment(d, hours, q).toISOString();
    expect(at(t('2026-11-24 10:00'))).toBe(t('2026-11-24 10:00').toISOString());
    expect(at(t('2026-11-24 07:00'))).toBe(t('2026-11-24 09:00').toISOString());
    expect(at(t('2026-11-24 18:00'))).toBe(t('2026-11-25 09:00').toISOString());
    expect(at(t('2026-11-27 19:00'))).toBe(t('2026-11-30 09:00').toISOString()); // Friday evening → Monday
    expect(at(t('2026-09-30 18:30'))).toBe(t('2026-10-08 09:00').toISOString()); // into the holiday
    expect(at(t('2026-10-09 18:30'))).toBe(t('2026-10-10 09:00').toISOString()); // make-up Saturday
    expect(at(t('2026-11-24 12:10'), quiet)).toBe(t('2026-11-24 13:30').toISOString());
    expect(at(t('2026-11-24 07:00'), { start: '20:00', end: '10:00' })).toBe(t('2026-11-24 10:00').toISOString());
    expect(() => cal.nextWorkingMoment(t('2026-11-24 07:00'), hours, { start: '08:00', end: '19:00' })).toThrow(RangeError);
  });

  it('workingMinutesBetween', () => {
    expect(cal.workingMinutesBetween(t('2026-11-24 10:00'), t('2026-11-24 12:00'), hours)).toBe(120);
    expect(cal.workingMinutesBetween(t('2026-11-24 17:00'), t('2026-11-25 10:00'), hours)).toBe(120);
    expect(cal.workingMinutesBetween(t('2026-11-27 17:00'), t('2026-11-30 10:00'), hours)).toBe(120);
    expect(cal.workingMinutesBetween(t('2026-09-30 17:00'), t('2026-10-08 10:00'), hours)).toBe(120);
    expect(cal.workingMinutesBetween(t('2026-11-28 10:00'), t('2026-11-29 10:00'), hours)).toBe(0);
    expect(cal.workingMinutesBetween(t('2026-11-24 12:00'), t('2026-11-24 10:00'), hours)).toBe(-120);
  });

  it('addWorkingMinutes', () => {
    const add = (d: Date, m: number) => cal.addWorkingMinutes(d, m, hours).toISOString();
    expect(add(t('2026-11-24 10:00'), 120)).toBe(t('2026-11-24 12:00').toISOString());
    expect(add(t('2026-11-24 17:00'), 120)).toBe(t('2026-11-25 10:00').toISOString());
    expect(add(t('2026-11-24 17:00'), 60)).toBe(t('2026-11-24 18:00').toISOString());
    expect(add(t('2026-11-24 20:00'), 30)).toBe(t('2026-11-25 09:30').toISOString());
    expect(add(t('2026-09-30 17:00'), 120)).toBe(t('2026-10-08 10:00').toISOString());
    expect(add(t('2026-11-24 20:00'), 0)).toBe(t('2026-11-24 20:00').toISOString());
    expect(() => cal.addWorkingMinutes(t('2026-11-24 20:00'), -1, hours)).toThrow(RangeError);
  });
});

describe('properties', () => {
  const cal = new WorkCalendar({ tz: SH });
  const day = fc.integer({ min: ymdToDays('2004-01-01'), max: ymdToDays('2026-12-01') }).map(daysToYmd);

  it('addWorkdays lands on a working day n working days later', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 40 }), (d, n) => {
        const r = cal.addWorkdays(d, n);
        expect(cal.isWorkday(r)).toBe(true);
        expect(r >= d).toBe(true);
        if (n >= 1) {
          expect(cal.workdaysBetween(d, r)).toBe(n);
          expect(cal.workdaysBetween(d, cal.prevWorkday(r))).toBe(n - 1);
        } else {
          expect(cal.workdaysBetween(d, r)).toBe(cal.isWorkday(d) ? 0 : 1);
        }
      }),
    );
  });

  it('workdaysBetween is additive and antisymmetric', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: -30, max: 30 }), fc.integer({ min: -30, max: 30 }), (a, x, y) => {
        const b = addDays(a, x);
        const c = addDays(a, y);
        expect(cal.workdaysBetween(a, b) + cal.workdaysBetween(b, c)).toBe(cal.workdaysBetween(a, c));
        expect(cal.workdaysBetween(b, a) + cal.workdaysBetween(a, b)).toBe(0);
      }),
    );
  });

  it('addWorkingMinutes and workingMinutesBetween agree; nextWorkingMoment is working time', () => {
    const instant = fc
      .integer({ min: t('2026-01-01 00:00').getTime(), max: t('2026-12-20 00:00').getTime() })
      .map((ms) => new Date(Math.floor(ms / 60_000) * 60_000));
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 5_000 }), (d, m) => {
        const end = cal.addWorkingMinutes(d, m, hours);
        expect(end.getTime()).toBeGreaterThanOrEqual(d.getTime());
        expect(cal.workingMinutesBetween(d, end, hours)).toBe(m);
        const next = cal.nextWorkingMoment(d, hours, { start: '12:00', end: '13:00' });
        expect(next.getTime()).toBeGreaterThanOrEqual(d.getTime());
        expect(cal.isWorkingTime(next, hours, { start: '12:00', end: '13:00' })).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('parseCalendarImport', () => {
  it('reads one JSON year', () => {
    const text = JSON.stringify({
      year: 2027,
      holidays: [{ date: '2027-01-01', name: '元旦' }, '2027-02-06'],
      workdays: [{ date: '2027-02-07', name: '春节调休' }],
    });
    expect(parseCalendarImport(text)).toEqual([
      { date: '2027-01-01', kind: 'holiday', name: '元旦' },
      { date: '2027-02-06', kind: 'holiday', name: null },
      { date: '2027-02-07', kind: 'workday', name: '春节调休' },
    ]);
  });

  it('reads an array of JSON years', () => {
    const text = JSON.stringify([
      { year: 2027, holidays: [{ date: '2027-10-01', name: '国庆节' }] },
      { year: 2028, workdays: [{ date: '2028-01-02' }] },
    ]);
    expect(parseCalendarImport(text).map((o) => `${o.date}:${o.kind}`)).toEqual(['2027-10-01:holiday', '2028-01-02:workday']);
  });

  it('reads CSV with 休/班, quotes, comments and a BOM', () => {
    const text = '\uFEFFdate,kind,name\r\n# 2027\r\n2027-01-01,holiday,元旦\r\n\r\n2027-02-07,班,"春节调休, 补班"\r\n2027-02-08,休,\r\n';
    expect(parseCalendarImport(text)).toEqual([
      { date: '2027-01-01', kind: 'holiday', name: '元旦' },
      { date: '2027-02-07', kind: 'workday', name: '春节调休, 补班' },
      { date: '2027-02-08', kind: 'holiday', name: null },
    ]);
  });

  it('CSV columns may come in any order and name is optional', () => {
    expect(parseCalendarImport('kind,date\nworkday,2027-02-07\n')).toEqual([{ date: '2027-02-07', kind: 'workday', name: null }]);
  });

  it.each([
    ['date,kind,name\n2027-01-01,holiday,元旦\n2027-13-01,holiday,x\n', /line 3: "2027-13-01" is not a real date/],
    ['date,kind,name\n2027-01-01,off,元旦\n', /line 2: kind must be holiday, workday, 休 or 班, got "off"/],
    ['date,kind,name\n2027-01-01,休,a\n2027-01-01,班,b\n', /line 3: 2027-01-01 is already listed on line 2/],
    ['2027-01-01,holiday,元旦\n', /line 1: expected the header "date,kind,name"/],
    ['date,kind,name\n2027-01-01,休,"unclosed\n', /line 2: unclosed double quote/],
    ['', /empty file/],
    ['{ "year": 2027, "holidays": [\n  { "date": "2027-02-30" }\n] }', /line 2 \(holidays\[0\]\): "date" must be a real date/],
    ['{ "year": 2027,\n  "holidays": [{ "date": "2028-01-01" }] }', /line 2 \(holidays\[0\]\): 2028-01-01 is not in 2027/],
    ['{ "year": "2027" }', /"year" must be a four-digit number/],
    ['{ "year": 2027, "holiday": [] }', /unknown field "holiday"/],
    ['{ "year": 2027, "holidays": [{ "date": "2027-01-01" }],\n "workdays": [{ "date": "2027-01-01" }] }', /2027-01-01 is already listed at holidays\[0\]/],
    ['{ "year": 2027,\n  "holidays": [ { "date": "2027-01-01" }, ]\n}', /line \d+: not valid JSON/],
    ['[{ "year": 2027 }, 5]', /\[1\]: expected an object/],
  ])('refuses bad input with the line: %j', (text, message) => {
    expect(() => parseCalendarImport(text)).toThrow(message);
  });

  it('an imported file feeds the calendar', () => {
    const overrides = parseCalendarImport('date,kind,name\n2027-10-01,休,国庆节\n2027-10-09,班,国庆调休\n');
    const cal = new WorkCalendar({ tz: SH, overrides });
    expect(cal.isWorkday('2027-10-01')).toBe(false);
    expect(cal.isWorkday('2027-10-09')).toBe(true);
    expect(cal.missingYears.size).toBe(0);
  });
});
