/**
 * Dates and times as the cards and replies write them, in the office's time zone: one cached
 * Intl formatter per zone and the few shapes the cards use.
 */
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
  return view.lang === 'zh' ? `${p.month}月${p.day}日` : `${p.month}/${p.day}`;
}
