/**
 * The day-by-day working-day arithmetic the year tables replaced, kept as the reference the
 * property tests compare with: it reads each day from `isWorkday` and walks.
 */
import { addDays, daysToYmd, hhmmToMinutes, minutesToHhmm, type WorkCalendar, ymdToDays } from '../../../bot/domain/calendar.js';

const MINUTE_MS = 60_000;
const MAX_SEARCH_DAYS = 3_700;

export class WalkingCalendar {
  constructor(private readonly cal: WorkCalendar) {}

  addWorkdays(ymd: string, n: number): string {
    if (n === 0) return this.cal.isWorkday(ymd) ? ymd : this.step(ymd, 1);
    let days = ymdToDays(ymd);
    let left = n;
    while (left > 0) {
      days += 1;
      if (this.cal.isWorkday(daysToYmd(days))) left -= 1;
    }
    return daysToYmd(days);
  }

  step(ymd: string, dir: 1 | -1): string {
    let d = ymd;
    for (let i = 0; i < MAX_SEARCH_DAYS; i++) {
      d = addDays(d, dir);
      if (this.cal.isWorkday(d)) return d;
    }
    throw new Error('no working day');
  }

  workdaysBetween(fromYmd: string, toYmd: string): number {
    const from = ymdToDays(fromYmd);
    const to = ymdToDays(toYmd);
    if (to === from) return 0;
    const [lo, hi, sign] = to > from ? [from, to, 1] : [to, from, -1];
    let count = 0;
    for (let d = lo + 1; d <= hi; d++) if (this.cal.isWorkday(daysToYmd(d))) count++;
    return count === 0 ? 0 : sign * count;
  }

  workingMinutesBetween(a: Date, b: Date, hours: { start: string; end: string }): number {
    if (b.getTime() < a.getTime()) return -this.workingMinutesBetween(b, a, hours);
    const start = minutesToHhmm(hhmmToMinutes(hours.start));
    const end = minutesToHhmm(hhmmToMinutes(hours.end));
    if (hhmmToMinutes(end) <= hhmmToMinutes(start)) return 0;
    const lastDay = ymdToDays(this.cal.localDate(b));
    let total = 0;
    for (let day = ymdToDays(this.cal.localDate(a)); day <= lastDay; day++) {
      const ymd = daysToYmd(day);
      if (!this.cal.isWorkday(ymd)) continue;
      const s = Math.max(a.getTime(), this.cal.at(ymd, start).getTime());
      const e = Math.min(b.getTime(), this.cal.at(ymd, end).getTime());
      if (e > s) total += e - s;
    }
    return total / MINUTE_MS;
  }

  addWorkingMinutes(d: Date, minutes: number, hours: { start: string; end: string }): Date {
    if (minutes === 0) return d;
    let left = minutes * MINUTE_MS;
    let cursor = d.getTime();
    let ymd = this.cal.localDate(d);
    for (;;) {
      if (this.cal.isWorkday(ymd)) {
        const s = Math.max(cursor, this.cal.at(ymd, hours.start).getTime());
        const e = this.cal.at(ymd, hours.end).getTime();
        if (e > s) {
          if (e - s >= left) return new Date(s + left);
          left -= e - s;
        }
      }
      ymd = this.step(ymd, 1);
      cursor = this.cal.at(ymd, hours.start).getTime();
    }
  }
}
