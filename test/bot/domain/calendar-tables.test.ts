import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, WorkCalendar } from '../../../bot/domain/calendar.js';
import { WalkingCalendar } from './calendar-walk.js';

// Years with the package's data, years computed from the law, an imported year, and zones
// with and without daylight saving time.
const overrides = [
  { date: '2028-01-03', kind: 'holiday' as const, name: '元旦' },
  { date: '2028-01-08', kind: 'workday' as const, name: '调休' },
];
const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/Berlin'];
const day = fc.integer({ min: 0, max: 12 * 366 }).map((n) => addDays('2024-06-01', n));
const hoursArb = fc.constantFrom(
  { start: '09:00', end: '18:00' },
  { start: '08:30', end: '17:30' },
  { start: '00:00', end: '23:59' },
  { start: '02:30', end: '03:00' },
);

describe('year tables equal the day-by-day walk', () => {
  for (const tz of zones) {
    const cal = new WorkCalendar({ tz, overrides });
    const walk = new WalkingCalendar(cal);
    const instant = fc.integer({ min: Date.UTC(2024, 5, 1), max: Date.UTC(2036, 5, 1) }).map((ms) => new Date(Math.floor(ms / 60_000) * 60_000));

    it(`workdaysBetween (${tz})`, () => {
      fc.assert(
        fc.property(day, day, (a, b) => {
          expect(cal.workdaysBetween(a, b)).toBe(walk.workdaysBetween(a, b));
        }),
        { numRuns: 300 },
      );
    });

    it(`addWorkdays, nextWorkday, prevWorkday (${tz})`, () => {
      fc.assert(
        fc.property(day, fc.integer({ min: 0, max: 900 }), (a, n) => {
          expect(cal.addWorkdays(a, n)).toBe(walk.addWorkdays(a, n));
          expect(cal.nextWorkday(a)).toBe(walk.step(a, 1));
          expect(cal.prevWorkday(a)).toBe(walk.step(a, -1));
        }),
        { numRuns: 300 },
      );
    });

    it(`workingMinutesBetween and addWorkingMinutes (${tz})`, () => {
      fc.assert(
        fc.property(instant, fc.integer({ min: -900 * 1440, max: 900 * 1440 }), hoursArb, fc.integer({ min: 0, max: 200_000 }), (a, apart, hours, minutes) => {
          const b = new Date(a.getTime() + apart * 60_000);
          expect(cal.workingMinutesBetween(a, b, hours)).toBe(walk.workingMinutesBetween(a, b, hours));
          expect(cal.addWorkingMinutes(a, minutes, hours).getTime()).toBe(walk.addWorkingMinutes(a, minutes, hours).getTime());
        }),
        { numRuns: 80 },
      );
    });
  }

  it('cost does not grow with the distance: 10,000 spans of ten years take milliseconds', () => {
    const cal = new WorkCalendar({ tz: 'Asia/Shanghai' });
    const hours = { start: '09:00', end: '18:00' };
    const a = new Date('2026-12-02T09:00:00+08:00');
    const b = new Date('2036-11-28T18:00:00+08:00');
    cal.workingMinutesBetween(a, b, hours); // builds the tables once
    const t0 = performance.now();
    for (let i = 0; i < 10_000; i++) {
      cal.workdaysBetween('2026-12-02', '2036-11-28');
      cal.workingMinutesBetween(a, b, hours);
      cal.addWorkdays('2026-12-02', 2_400);
    }
    expect(performance.now() - t0).toBeLessThan(2_000);
  });
});
