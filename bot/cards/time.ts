/**
 * Dates and times as the cards, replies, reminders and the sandbox write them, in the office's
 * time zone: one cached Intl formatter per zone and every shape the bot shows. The shapes
 * differ on purpose and are kept as they are: task cards `12月4日（周五）18:00` / `Fri 4 Dec
 * 18:00`, digests `Fri 12/4 18:00`, reminders `12月4日 18:00` / `Dec 4 18:00`, parse errors and
 * calendar notices `2026-12-04 18:00`, the sandbox's clock `12月4日 周五 18:00`; and the 台账's
 * cells, which hold the zone's wall clock (`wallClock`).
 */
import { WorkCalendar, weekdayOf } from '../domain/calendar.js';
import type { Lang } from '../domain/types.js';

/** What a format needs: the language, the office's zone, and `now` for "same year". */
export interface TimeView {
  lang: Lang;
  tz: string;
  now: Date;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
export function partsOf(d: Date, tz: string): Record<string, string> {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    });
    formatters.set(tz, f);
  }
  const out: Record<string, string> = {};
  for (const p of f.formatToParts(d)) out[p.type] = p.value;
  return out;
}

const ZH_WEEKDAY: Record<string, string> = { Mon: '一', Tue: '二', Wed: '三', Thu: '四', Fri: '五', Sat: '六', Sun: '日' };
const EN_MONTH = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12月4日（周五）18:00`, with the year when it is not `now`'s year; `Fri 4 Dec 18:00` in English. */
export function formatDateTime(d: Date, view: TimeView, withWeekday = true): string {
  const p = partsOf(d, view.tz);
  const sameYear = partsOf(view.now, view.tz).year === p.year;
  const hm = `${p.hour}:${p.minute}`;
  if (view.lang === 'zh') {
    const date = `${sameYear ? '' : `${p.year}年`}${p.month}月${p.day}日`;
    return `${date}${withWeekday ? `（周${ZH_WEEKDAY[p.weekday!] ?? ''}）` : ''} ${hm}`;
  }
  const date = `${p.day} ${EN_MONTH[Number(p.month) - 1]}${sameYear ? '' : ` ${p.year}`}`;
  return `${withWeekday ? `${p.weekday} ` : ''}${date} ${hm}`;
}

/** `12月4日（周五）18:00` / `Fri 12/4 18:00`: the digest's compact form, no year. */
export function shortDateTime(d: Date, view: Pick<TimeView, 'lang' | 'tz'>): string {
  const p = partsOf(d, view.tz);
  return view.lang === 'zh'
    ? `${p.month}月${p.day}日（周${ZH_WEEKDAY[p.weekday!] ?? ''}）${p.hour}:${p.minute}`
    : `${p.weekday} ${p.month}/${p.day} ${p.hour}:${p.minute}`;
}

/** `12月4日` / `12/4`. */
export function shortDate(d: Date, view: Pick<TimeView, 'lang' | 'tz'>): string {
  const p = partsOf(d, view.tz);
  return monthDay(Number(p.month), Number(p.day), view.lang);
}

/** A calendar day 'YYYY-MM-DD' as `12月25日` / `12/25` (leave's first and last days). */
export function shortDay(ymd: string, lang: Lang): string {
  const [, m, d] = ymd.split('-').map(Number);
  return monthDay(m!, d!, lang);
}

function monthDay(m: number, d: number, lang: Lang): string {
  return lang === 'zh' ? `${m}月${d}日` : `${m}/${d}`;
}

/** The office's local date and time of an instant (the working calendar knows the zone). */
export interface LocalClock {
  localDate(d: Date): string;
  localTime(d: Date): string;
}

/** `12月4日 18:00` / `Dec 4 18:00`: the reminders' and briefings' form. */
export function monthDayTime(d: Date, view: { lang: Lang; calendar: LocalClock }): string {
  const [, m, day] = view.calendar.localDate(d).split('-').map(Number);
  const time = view.calendar.localTime(d);
  if (view.lang === 'zh') return `${m}月${day}日 ${time}`;
  return `${EN_MONTH[m! - 1]} ${day} ${time}`;
}

/** `2026-12-04 18:00` in either language: how a refused time and a recounted deadline are quoted. */
export function localDateTime(d: Date, calendar: LocalClock): string {
  return `${calendar.localDate(d)} ${calendar.localTime(d)}`;
}

/** `11月26日 周四 09:50` / `Thu 26 Nov 09:50`, the year too when asked: the sandbox's clock and message times. */
export function clockLabel(d: Date, tz: string, lang: Lang, withYear = false): string {
  const p = partsOf(d, tz);
  const hm = `${p.hour}:${p.minute}`;
  if (lang === 'zh') return `${withYear ? `${p.year}年` : ''}${p.month}月${p.day}日 周${ZH_WEEKDAY[p.weekday!] ?? ''} ${hm}`;
  return `${p.weekday} ${p.day} ${EN_MONTH[Number(p.month) - 1]}${withYear ? ` ${p.year}` : ''} ${hm}`;
}

/** Shifts instants to wall-clock "UTC" dates of a zone, by the zone's offset as the calendar reads it. */
export function wallClock(timeZone: string): (d: Date | null) => Date | null {
  const zone = new WorkCalendar({ tz: timeZone });
  return (d) => (d ? new Date(d.getTime() + zone.offsetMinutes(d) * 60_000) : null);
}

/** Weekday tables by weekdayOf's number (1 = Monday … 7 = Sunday). */
export const ZH_WEEKDAY_N = ['', '一', '二', '三', '四', '五', '六', '日'];
export const EN_WEEKDAY_N = ['', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
export const EN_MONTH_LONG = ['', 'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `2月4日（周四）` / `Thu 4 February`, with the year when it is not `thisYear`. */
export function dayWithWeekday(ymd: string, lang: Lang, thisYear?: string): string {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  const w = weekdayOf(ymd);
  const year = thisYear && ymd.slice(0, 4) !== thisYear;
  if (lang === 'zh') return `${year ? `${y}年` : ''}${m}月${d}日（周${ZH_WEEKDAY_N[w]}）`;
  return `${EN_WEEKDAY_N[w]!.slice(0, 1).toUpperCase()}${EN_WEEKDAY_N[w]!.slice(1, 3)} ${d} ${EN_MONTH_LONG[m]}${year ? ` ${y}` : ''}`;
}

/** 'HH:MM', with the date in front when it is not `sameDayAs`'s day. */
export function timeOrDayTime(d: Date, tz: string, lang: Lang, sameDayAs?: Date): string {
  const p = partsOf(d, tz);
  const hm = `${p.hour}:${p.minute}`;
  if (sameDayAs) {
    const q = partsOf(sameDayAs, tz);
    if (q.year === p.year && q.month === p.month && q.day === p.day) return hm;
  }
  return lang === 'zh' ? `${p.month}月${p.day}日 ${hm}` : `${p.month}/${p.day} ${hm}`;
}
