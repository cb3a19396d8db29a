/**
 * Time expressions of commands (截止/due, 回头看/revisit, /延期) → an instant, in the office's
 * zone. Pure given `now` and the calendar (SPEC §3).
 *
 * What it reads (Chinese numerals up to 999 are read as numbers; full-width characters too):
 * - dates: `2026-12-01`, `2026/12/1`, `2026年12月1日`, `12月1日`/`12月1号`, `12/1`, `15号`,
 *   `本月15日`, `下个月1号`, `今天`, `明天`, `后天`, `大后天`, `今晚`, `明晚`, `明早`, `周五`/
 *   `星期五`/`礼拜五`, `本周五`/`这周五`, `下周一`, `月底`/`月末`, `下月底`, `年底`; English
 *   `today`, `tonight`, `tomorrow`, `friday`, `this friday`, `next monday`, `end of month`,
 *   `end of year`, `eod`, and month names (`dec 1`, `1 december 2026`) through chrono;
 * - times: `15:00`, `3点`, `3点半`, `3点20分`, `下午3点`, `晚上8点`, `中午`, `3pm`, `3:30 pm`,
 *   `noon`, alone (today) or before/after a date (`12月1日下午3点`, `3pm friday`);
 *   `2026-12-01T15:00` (with `Z`/`+08:00` it is that exact instant);
 * - spans: `3天内`, `3个工作日内`, `三个工作日内`, `2周内`, `1个月内`, `2小时内`, `30分钟内`,
 *   `in 3 days`, `within 2 weeks`, `3 workdays`, `3 working days`, `in 2 hours`;
 * - wrappers: `by …`, `before …`, `…前`, `…之前`, `…为止`.
 *
 * Meaning, where it is not obvious:
 * - A date without a time is `endOfDay` that day (18:00 by default). A part of the day alone
 *   is its end: 上午/早上/中午/morning → 12:00, 下午/afternoon → endOfDay, 晚上/今晚/tonight → 22:00.
 * - `N点` without 上午/下午 and N from 1 to 6 is the afternoon (nobody sets a 3 a.m. deadline).
 * - `周五`/`friday`/`this friday`: the coming Friday — today when today is Friday and the time
 *   is still ahead (before endOfDay, or before the given time), else a week later. `本周五`/
 *   `这周五` is strictly this week's (Monday-based) Friday, past or not. `下周五`/`next friday`
 *   is the Friday of next week.
 * - `15号`: the coming 15th (this month while still ahead, else next month).
 * - `12月1日` without a year: this year; a date already past this year moves to next year only
 *   when that is less than half a year away (`1月5日` typed in December), otherwise it is reported
 *   as past — a typo should not silently become a deadline a year out.
 * - `月底`/`end of month`: the end of the month's last working day; `年底` likewise.
 * - `3天内`: endOfDay of today + 3 days. `3个工作日内`: endOfDay of the 3rd working day after
 *   today (China's calendar, 调休 included). Hours and minutes count from `now` exactly.
 * A result at or before `now` is `time_in_past`; nothing readable is `bad_time`.
 */
// The two locales used, not the package's index: that loads every locale chrono has (≈10 MB).
import * as chronoEn from 'chrono-node/en';
import * as chronoZh from 'chrono-node/zh';
import {
  addDays,
  daysInMonth,
  isValidYmd,
  latestAllowedDate,
  MAX_YEARS_AHEAD,
  minutesToHhmm,
  weekdayOf,
  ymdOf,
  ymdToDays,
  type WorkCalendar,
} from '../domain/calendar.js';
import { localDateTime } from '../cards/time.js';
import { ParseError } from './errors.js';

export interface TimeContext {
  now: Date;
  calendar: WorkCalendar;
  /** A date without a time means this time that day, 'HH:MM'. */
  endOfDay: string;
  lang?: 'zh' | 'en';
}

/** Longest time expression the prefix search tries, in characters. */
const MAX_TIME_CHARS = 48;
/** A month/day already past this year rolls to next year only within this many days. */
const ROLL_WINDOW_DAYS = 183;

// ---- text normalization -------------------------------------------------------------------

const CN_DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** A run of Chinese numerals → its value: 十五 → 15, 二十四 → 24, 二〇二六 → 2026, 一百零一 → 101. */
export function chineseNumberValue(s: string): number | null {
  if (!s) return null;
  if (!/[十百]/.test(s)) {
    let v = 0;
    for (const ch of s) {
      const d = CN_DIGITS[ch];
      if (d === undefined) return null;
      v = v * 10 + d;
    }
    return v;
  }
  let total = 0;
  let digit: number | null = null;
  for (const ch of s) {
    if (ch === '百') {
      total += (digit ?? 1) * 100;
      digit = null;
    } else if (ch === '十') {
      total += (digit ?? 1) * 10;
      digit = null;
    } else {
      const d = CN_DIGITS[ch];
      if (d === undefined) return null;
      digit = d; // 零 just holds a place
    }
  }
  return total + (digit ?? 0);
}

/**
 * Normalizes a time text: zero-width characters out, full-width ASCII to ASCII, Chinese
 * numerals to digits, lower case, single spaces. 星期天/周日 keep their 日/天.
 */
export function normalizeTimeText(text: string): string {
  return text
    .replace(/[\u200B-\u200D\uFEFF]/g, '')
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\u3000\u00A0\s]+/g, ' ')
    .replace(/[零〇一二两三四五六七八九十百]+/g, (run) => {
      const v = chineseNumberValue(run);
      return v === null ? run : String(v);
    })
    .toLowerCase()
    .trim();
}

// ---- the grammar --------------------------------------------------------------------------

/** Thrown inside the grammar when a text looks like a time but is not a real one. */
class Unreadable extends Error {}

type DaypartKind = 'early' | 'morning' | 'noon' | 'afternoon' | 'evening';

type DateSpec =
  | { kind: 'ymd'; ymd: string }
  | { kind: 'rel'; days: number }
  | { kind: 'weekday'; weekday: number; mode: 'coming' | 'this' | 'next' | 'after_next' | 'last' }
  | { kind: 'monthday'; month: number; day: number }
  | { kind: 'dom'; day: number; mode: 'coming' | 'this' | 'next' }
  | { kind: 'month_end'; monthsAhead: number }
  | { kind: 'named_month_end'; month: number }
  | { kind: 'year_end' };

type TimeSpec =
  | { kind: 'clock'; hour: number; minute: number; daypart: DaypartKind | null; meridiem: 'am' | 'pm' | null; cnHour: boolean }
  | { kind: 'daypart'; daypart: DaypartKind }
  | { kind: 'eod' };

interface DateMatch {
  spec: DateSpec;
  daypart: DaypartKind | null;
  len: number;
}
interface TimeMatch {
  spec: TimeSpec;
  len: number;
}

const DAYPART_ZH: Record<string, DaypartKind> = {
  凌晨: 'early',
  早上: 'morning',
  早晨: 'morning',
  上午: 'morning',
  中午: 'noon',
  午后: 'afternoon',
  下午: 'afternoon',
  傍晚: 'evening',
  晚上: 'evening',
  夜里: 'evening',
  夜间: 'evening',
  晚间: 'evening',
  晚: 'evening',
};

const WEEKDAY_EN: Record<string, number> = {
  mon: 1,
  monday: 1,
  tue: 2,
  tues: 2,
  tuesday: 2,
  wed: 3,
  weds: 3,
  wednesday: 3,
  thu: 4,
  thur: 4,
  thurs: 4,
  thursday: 4,
  fri: 5,
  friday: 5,
  sat: 6,
  saturday: 6,
  sun: 7,
  sunday: 7,
};

const EN_NUMBERS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};

function weekdayZh(ch: string): number {
  return ch === '日' || ch === '天' ? 7 : Number(ch);
}

const DATE_FORMS: Array<{ re: RegExp; build(m: RegExpExecArray): Omit<DateMatch, 'len'> | null }> = [
  {
    re: /^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?![\d])[日号]?/,
    build: (m) => fixed(Number(m[1]), Number(m[2]), Number(m[3])),
  },
  {
    re: /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?/,
    build: (m) => fixed(Number(m[1]), Number(m[2]), Number(m[3])),
  },
  {
    re: /^(\d{1,2})\s*月\s*(?:底|末)/,
    build: (m) => ({ spec: { kind: 'named_month_end', month: Number(m[1]) }, daypart: null }),
  },
  {
    re: /^(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?/,
    build: (m) => ({ spec: { kind: 'monthday', month: Number(m[1]), day: Number(m[2]) }, daypart: null }),
  },
  {
    re: /^(\d{1,2})\/(\d{1,2})(?![\d/])/,
    build: (m) => ({ spec: { kind: 'monthday', month: Number(m[1]), day: Number(m[2]) }, daypart: null }),
  },
  {
    re: /^(?:(本|这个?|下个?|下下个?)月\s*)?(\d{1,2})\s*[日号]/,
    build: (m) => {
      const mode = !m[1] ? 'coming' : m[1].startsWith('下下') ? null : m[1].startsWith('下') ? 'next' : 'this';
      return mode ? { spec: { kind: 'dom', day: Number(m[2]), mode }, daypart: null } : null;
    },
  },
  {
    re: /^(本|这个?|下个?|下下个?)?月\s*(?:底|末)/,
    build: (m) => ({
      spec: { kind: 'month_end', monthsAhead: !m[1] ? 0 : m[1].startsWith('下下') ? 2 : m[1].startsWith('下') ? 1 : 0 },
      daypart: null,
    }),
  },
  { re: /^(?:今|本)?年\s*(?:底|末)/, build: () => ({ spec: { kind: 'year_end' }, daypart: null }) },
  {
    re: /^(本|这个?|下下个?|下个?|上个?)?\s*(?:周|星期|礼拜)\s*([1-7日天])/,
    build: (m) => {
      const p = m[1] ?? '';
      const mode = !p ? 'coming' : p.startsWith('下下') ? 'after_next' : p.startsWith('下') ? 'next' : p.startsWith('上') ? 'last' : 'this';
      return { spec: { kind: 'weekday', weekday: weekdayZh(m[2]!), mode }, daypart: null };
    },
  },
  { re: /^大后天/, build: () => rel(3, null) },
  { re: /^后天/, build: () => rel(2, null) },
  { re: /^(?:明早|明晨)/, build: () => rel(1, 'morning') },
  { re: /^明晚/, build: () => rel(1, 'evening') },
  { re: /^(?:明天|明日)/, build: () => rel(1, null) },
  { re: /^(?:今晚|今夜)/, build: () => rel(0, 'evening') },
  { re: /^(?:今早)/, build: () => rel(0, 'morning') },
  { re: /^(?:今天|今日)/, build: () => rel(0, null) },
  { re: /^(?:昨天|昨日)/, build: () => rel(-1, null) },
  // English
  { re: /^(?:the\s+)?day\s+after\s+tomorrow\b/, build: () => rel(2, null) },
  { re: /^(?:tomorrow|tmrw|tmr)\b/, build: () => rel(1, null) },
  { re: /^tonight\b/, build: () => rel(0, 'evening') },
  { re: /^today\b/, build: () => rel(0, null) },
  { re: /^yesterday\b/, build: () => rel(-1, null) },
  {
    re: /^(?:(this|next|coming|on|last)\s+)?(mon|monday|tue|tues|tuesday|wed|weds|wednesday|thu|thur|thurs|thursday|fri|friday|sat|saturday|sun|sunday)\b\.?/,
    build: (m) => {
      const mode = m[1] === 'next' ? 'next' : m[1] === 'last' ? 'last' : 'coming';
      return { spec: { kind: 'weekday', weekday: WEEKDAY_EN[m[2]!]!, mode }, daypart: null };
    },
  },
  {
    re: /^(?:(?:the\s+)?end\s+of\s+(?:(this|the|next)\s+)?month|eom|month[-\s]end)\b/,
    build: (m) => ({ spec: { kind: 'month_end', monthsAhead: m[1] === 'next' ? 1 : 0 }, daypart: null }),
  },
  { re: /^(?:(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?year|eoy|year[-\s]end)\b/, build: () => ({ spec: { kind: 'year_end' }, daypart: null }) },
];

function fixed(y: number, m: number, d: number): Omit<DateMatch, 'len'> | null {
  const ymd = ymdOf(y, m, d);
  return isValidYmd(ymd) ? { spec: { kind: 'ymd', ymd }, daypart: null } : null;
}
function rel(days: number, daypart: DaypartKind | null): Omit<DateMatch, 'len'> {
  return { spec: { kind: 'rel', days }, daypart };
}

const TIME_FORMS: Array<{ re: RegExp; build(m: RegExpExecArray): TimeSpec | null }> = [
  {
    // 下午3点, 3点半, 15点30分, 15:30, 晚上8:00, 3时
    re: /^(凌晨|早上|早晨|上午|中午|午后|下午|傍晚|晚上|夜里|夜间|晚间|晚)?\s*(\d{1,2})\s*(?::\s*(\d{2})|(?:点钟?|时)\s*(?:(半)|(\d{1,2})\s*分?)?)/,
    build: (m) => ({
      kind: 'clock',
      hour: Number(m[2]),
      minute: m[3] !== undefined ? Number(m[3]) : m[4] ? 30 : m[5] !== undefined ? Number(m[5]) : 0,
      daypart: m[1] ? DAYPART_ZH[m[1]]! : null,
      meridiem: null,
      cnHour: m[3] === undefined,
    }),
  },
  {
    re: /^(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)/,
    build: (m) => ({
      kind: 'clock',
      hour: Number(m[1]),
      minute: m[2] !== undefined ? Number(m[2]) : 0,
      daypart: null,
      meridiem: m[3]!.startsWith('a') ? 'am' : 'pm',
      cnHour: false,
    }),
  },
  {
    re: /^(?:at\s+)?(\d{1,2}):(\d{2})/,
    build: (m) => ({ kind: 'clock', hour: Number(m[1]), minute: Number(m[2]), daypart: null, meridiem: null, cnHour: false }),
  },
  { re: /^(?:下班|end\s+of\s+(?:the\s+)?(?:business\s+|work(?:ing)?\s+)?day|eod|cob)/, build: () => ({ kind: 'eod' }) },
  {
    re: /^(凌晨|早上|早晨|上午|中午|午后|下午|傍晚|晚上|夜里|晚间)/,
    build: (m) => ({ kind: 'daypart', daypart: DAYPART_ZH[m[1]!]! }),
  },
  {
    re: /^(?:in\s+the\s+|this\s+)?(morning|noon|midday|afternoon|evening)\b/,
    build: (m) => ({
      kind: 'daypart',
      daypart: m[1] === 'morning' ? 'morning' : m[1] === 'afternoon' ? 'afternoon' : m[1] === 'evening' ? 'evening' : 'noon',
    }),
  },
];

function matchDate(s: string): DateMatch | null {
  for (const f of DATE_FORMS) {
    const m = f.re.exec(s);
    if (!m) continue;
    const built = f.build(m);
    // It looked like a date but is not one (2026-13-01, 2月30日): not chrono's to reinterpret.
    if (!built) throw new Unreadable();
    return { ...built, len: m[0].length };
  }
  return null;
}

function matchTime(s: string): TimeMatch | null {
  for (const f of TIME_FORMS) {
    const m = f.re.exec(s);
    if (!m) continue;
    const spec = f.build(m);
    if (!spec) return null;
    return { spec, len: m[0].length };
  }
  return null;
}

const SEPARATOR = /^[\s,]*(?:(?:at|on)\s+|t(?=\d)|的\s*)?/;
const PREFIX =
  /^(?:(?:by|before|until|till|to|due|no\s+later\s+than|not\s+later\s+than)\s+|(?:最迟|最晚|不晚于|截止到?|截至|截止于|延期至|延期到|延至|延到|于|在|到|至)\s*)/;
const SUFFIX = /\s*(?:之前|以前|前|为止|止|at\s+the\s+latest)?\s*[.。!?,;，；]*$/;

type Parsed = { kind: 'instant'; at: Date } | { kind: 'local'; date: DateSpec | null; daypart: DaypartKind | null; time: TimeSpec | null };

/** The whole string as a span (`3天内`, `in 2 weeks`, `3 workdays`). */
function matchSpan(s: string): { n: number; unit: 'day' | 'workday' | 'week' | 'month' | 'hour' | 'minute' } | null {
  let m = /^(\d{1,4})\s*(个)?\s*(工作日|天|日|周|星期|礼拜|月|小时|钟头|分钟)\s*(内|之内|以内|后|之后|以后)?$/.exec(s);
  if (m) {
    const unitZh = m[3]!;
    // 3月 alone is March; a month span needs 个 or 内/后.
    if (unitZh === '月' && !m[2] && !m[4]) return null;
    // 3日 alone is the 3rd; a day span written with 日 needs 内/后.
    if (unitZh === '日' && !m[4]) return null;
    const unit =
      unitZh === '工作日'
        ? 'workday'
        : unitZh === '天' || unitZh === '日'
          ? 'day'
          : unitZh === '月'
            ? 'month'
            : unitZh === '小时' || unitZh === '钟头'
              ? 'hour'
              : unitZh === '分钟'
                ? 'minute'
                : 'week';
    return { n: Number(m[1]), unit };
  }
  m =
    /^(?:(?:in|within)\s+)?(\d{1,4}|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:(work|working|business)\s*days?|(days?|weeks?|months?|hours?|hrs?|minutes?|mins?))(?:\s+(?:from\s+now|later|time))?$/.exec(
      s,
    );
  if (m) {
    const n = /^\d/.test(m[1]!) ? Number(m[1]) : EN_NUMBERS[m[1]!]!;
    if (m[2]) return { n, unit: 'workday' };
    const u = m[3]!;
    const unit = u.startsWith('d') ? 'day' : u.startsWith('w') ? 'week' : u.startsWith('mo') ? 'month' : u.startsWith('h') ? 'hour' : 'minute';
    // "3 days" without in/within reads as a span too; "a day" alone does not
    if (!/^(in|within)\s/.test(s) && !/^\d/.test(m[1]!) && !/\s(from\s+now|later|time)$/.test(s)) return null;
    return { n, unit };
  }
  m = /^(\d{1,4})\s*(?:workdays?|work\s+days?|business\s+days?|working\s+days?)$/.exec(s);
  if (m) return { n: Number(m[1]), unit: 'workday' };
  return null;
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})t(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(z|[+-]\d{2}:?\d{2})$/;

function parseOwn(s: string): Parsed | { kind: 'span'; n: number; unit: string } | null {
  const unwrapped = s.replace(PREFIX, '');
  const span = matchSpan(s) ?? matchSpan(unwrapped);
  if (span) return { kind: 'span', ...span };
  const iso = ISO_INSTANT.exec(unwrapped);
  if (iso) {
    const zone = iso[7] === 'z' ? 'Z' : iso[7]!.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
    const at = new Date(`${iso[1]}-${iso[2]}-${iso[3]}T${iso[4]}:${iso[5]}:${iso[6] ?? '00'}${zone}`);
    return Number.isNaN(at.getTime()) ? null : { kind: 'instant', at };
  }
  const t = unwrapped.replace(SUFFIX, '');
  if (!t) return null;
  const d = matchDate(t);
  if (d) {
    let rest = t.slice(d.len);
    rest = rest.replace(SEPARATOR, '');
    if (!rest) return { kind: 'local', date: d.spec, daypart: d.daypart, time: null };
    const tm = matchTime(rest);
    if (!tm || rest.slice(tm.len).trim()) return null;
    return { kind: 'local', date: d.spec, daypart: d.daypart, time: tm.spec };
  }
  const tm = matchTime(t);
  if (tm) {
    const rest = t.slice(tm.len).replace(SEPARATOR, '');
    if (!rest) return { kind: 'local', date: null, daypart: null, time: tm.spec };
    const d2 = matchDate(rest);
    if (!d2 || rest.slice(d2.len).trim()) return null;
    return { kind: 'local', date: d2.spec, daypart: d2.daypart, time: tm.spec };
  }
  return null;
}

// ---- resolution ---------------------------------------------------------------------------

function clockMinutes(spec: TimeSpec, implied: DaypartKind | null, endOfDay: number): number {
  if (spec.kind === 'eod') return endOfDay;
  if (spec.kind === 'daypart') return daypartDefault(spec.daypart, endOfDay);
  let { hour } = spec;
  const { minute } = spec;
  if (minute > 59 || hour > 23) throw new Unreadable();
  const daypart = spec.daypart ?? implied;
  if (spec.meridiem) {
    if (hour < 1 || hour > 12) throw new Unreadable();
    if (spec.meridiem === 'pm' && hour < 12) hour += 12;
    if (spec.meridiem === 'am' && hour === 12) hour = 0;
  } else if (daypart === 'afternoon' || daypart === 'evening') {
    if (hour < 12) hour += 12;
  } else if (daypart === 'noon') {
    if (hour <= 5) hour += 12;
  } else if (daypart === 'early') {
    if (hour === 12) hour = 0;
  } else if (!daypart && spec.cnHour && hour >= 1 && hour <= 6) {
    hour += 12;
  }
  if (hour > 23) throw new Unreadable();
  return hour * 60 + minute;
}

function daypartDefault(d: DaypartKind, endOfDay: number): number {
  switch (d) {
    case 'early':
      return 6 * 60;
    case 'morning':
    case 'noon':
      return 12 * 60;
    case 'afternoon':
      return endOfDay;
    case 'evening':
      return 22 * 60;
  }
}

function addMonthsClamped(ymd: string, n: number): string {
  const y = Number(ymd.slice(0, 4));
  const m = Number(ymd.slice(5, 7));
  const d = Number(ymd.slice(8, 10));
  const total = y * 12 + (m - 1) + n;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  return ymdOf(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

function resolveLocal(p: Extract<Parsed, { kind: 'local' }>, ctx: TimeContext): Date {
  const cal = ctx.calendar;
  const today = cal.localDate(ctx.now);
  const eod = toMinutes(ctx.endOfDay);
  const minutes = p.time ? clockMinutes(p.time, p.daypart, eod) : p.daypart ? daypartDefault(p.daypart, eod) : eod;
  const hhmm = minutesToHhmm(minutes);
  const ahead = (ymd: string) => cal.at(ymd, hhmm).getTime() > ctx.now.getTime();
  const spec = p.date;
  let ymd: string;
  if (!spec) ymd = today;
  else {
    switch (spec.kind) {
      case 'ymd':
        ymd = spec.ymd;
        break;
      case 'rel':
        ymd = addDays(today, spec.days);
        break;
      case 'weekday': {
        const wd = weekdayOf(today);
        const monday = addDays(today, 1 - wd);
        if (spec.mode === 'coming') {
          ymd = addDays(today, (spec.weekday - wd + 7) % 7);
          if (!ahead(ymd)) ymd = addDays(ymd, 7);
        } else {
          const week = { this: 0, next: 7, after_next: 14, last: -7 }[spec.mode];
          ymd = addDays(monday, week + spec.weekday - 1);
        }
        break;
      }
      case 'monthday': {
        const year = Number(today.slice(0, 4));
        const thisYear = ymdOf(year, spec.month, spec.day);
        const nextYear = ymdOf(year + 1, spec.month, spec.day);
        const validThis = isValidYmd(thisYear);
        const validNext = isValidYmd(nextYear);
        if (!validThis && !validNext) throw new Unreadable();
        if (validThis && (thisYear >= today || !validNext)) ymd = thisYear;
        else if (validNext && ymdToDays(nextYear) - ymdToDays(today) <= ROLL_WINDOW_DAYS) ymd = nextYear;
        else if (validThis) ymd = thisYear;
        else throw new Unreadable();
        break;
      }
      case 'dom': {
        const y = Number(today.slice(0, 4));
        const m = Number(today.slice(5, 7));
        const months = spec.mode === 'this' ? [0] : spec.mode === 'next' ? [1] : [0, 1, 2];
        let chosen: string | null = null;
        let lastValid: string | null = null;
        for (const k of months) {
          const total = y * 12 + (m - 1) + k;
          const cy = Math.floor(total / 12);
          const cm = (total % 12) + 1;
          if (spec.day < 1 || spec.day > daysInMonth(cy, cm)) continue;
          const cand = ymdOf(cy, cm, spec.day);
          lastValid = cand;
          if (spec.mode !== 'coming' || ahead(cand)) {
            chosen = cand;
            break;
          }
        }
        if (!chosen && !lastValid) throw new Unreadable();
        ymd = chosen ?? lastValid!;
        break;
      }
      case 'month_end': {
        const y = Number(today.slice(0, 4));
        const m = Number(today.slice(5, 7));
        const total = y * 12 + (m - 1) + spec.monthsAhead;
        ymd = cal.lastWorkdayOfMonth(Math.floor(total / 12), (total % 12) + 1);
        break;
      }
      case 'named_month_end': {
        if (spec.month < 1 || spec.month > 12) throw new Unreadable();
        // 12月底 typed in January of the next year is last December's, but in December it is this one.
        let y = Number(today.slice(0, 4));
        const end = ymdOf(y, spec.month, daysInMonth(y, spec.month));
        if (end < today && ymdToDays(ymdOf(y + 1, spec.month, 1)) - ymdToDays(today) <= ROLL_WINDOW_DAYS) y += 1;
        ymd = cal.lastWorkdayOfMonth(y, spec.month);
        break;
      }
      case 'year_end':
        ymd = cal.lastWorkdayOfMonth(Number(today.slice(0, 4)), 12);
        break;
    }
  }
  return cal.at(ymd, hhmm);
}

function toMinutes(hhmm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new RangeError(`endOfDay must be HH:MM, got ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

function resolveSpan(n: number, unit: string, ctx: TimeContext): Date {
  const cal = ctx.calendar;
  const today = cal.localDate(ctx.now);
  switch (unit) {
    case 'hour':
      return new Date(ctx.now.getTime() + n * 3_600_000);
    case 'minute':
      return new Date(ctx.now.getTime() + n * 60_000);
    case 'workday':
      return cal.at(cal.addWorkdays(today, n), ctx.endOfDay);
    case 'week':
      return cal.at(addDays(today, 7 * n), ctx.endOfDay);
    case 'month':
      return cal.at(addMonthsClamped(today, n), ctx.endOfDay);
    default:
      return cal.at(addDays(today, n), ctx.endOfDay);
  }
}

/** chrono for what our grammar does not cover (month names, odd word orders), strictly: the whole text. */
function resolveWithChrono(s: string, ctx: TimeContext): Date | null {
  const cal = ctx.calendar;
  const ref = { instant: ctx.now, timezone: cal.offsetMinutes(ctx.now) };
  const parsers = ctx.lang === 'zh' ? [chronoZh.hans, chronoEn] : [chronoEn, chronoZh.hans];
  // Only punctuation comes off the end: chrono reads 3天前 as "3 days ago", which must stay past.
  const t = s.replace(PREFIX, '').replace(/\s*[.。!?,;，；]+$/, '');
  if (!t) return null;
  for (const parser of parsers) {
    const results = parser.parse(t, ref, { forwardDate: false });
    if (results.length !== 1) continue;
    const r = results[0]!;
    if (r.index !== 0 || r.text.trim().length !== t.length) continue;
    const c = r.start;
    if (!c.isCertain('day') && !c.isCertain('weekday') && !c.isCertain('hour')) continue;
    const hhmm = c.isCertain('hour') ? minutesToHhmm(c.get('hour')! * 60 + (c.get('minute') ?? 0)) : ctx.endOfDay;
    const y = c.get('year')!;
    const m = c.get('month')!;
    const d = c.get('day')!;
    let ymd = ymdOf(y, m, d);
    if (!isValidYmd(ymd)) continue;
    if (c.isCertain('day') && c.isCertain('month') && !c.isCertain('year')) {
      try {
        return resolveLocal({ kind: 'local', date: { kind: 'monthday', month: m, day: d }, daypart: null, time: clockSpec(hhmm) }, ctx);
      } catch {
        continue;
      }
    }
    if (!c.isCertain('day') && !c.isCertain('weekday')) ymd = cal.localDate(ctx.now);
    return cal.at(ymd, hhmm);
  }
  return null;
}

function clockSpec(hhmm: string): TimeSpec {
  return { kind: 'clock', hour: Number(hhmm.slice(0, 2)), minute: Number(hhmm.slice(3, 5)), daypart: null, meridiem: null, cnHour: false };
}

/**
 * The instant a time text means, without the past check; null when it is not a time
 * expression as a whole.
 */
export function resolveTime(text: string, ctx: TimeContext): Date | null {
  const r = readTime(text, ctx);
  return r === 'unreadable' ? null : r;
}

/**
 * Like resolveTime, but tells apart a text that looks like a time and is not a real one
 * (`明天25点`, `24:30`, `18:60`, `2月30日`): 'unreadable'.
 */
function readTime(text: string, ctx: TimeContext): Date | 'unreadable' | null {
  const s = normalizeTimeText(text);
  if (!s || s.length > 200) return null;
  try {
    const period = matchPeriodWithin(s, ctx);
    if (period) return period;
    const own = parseOwn(s);
    if (own) {
      if (own.kind === 'span') return resolveSpan(own.n, own.unit, ctx);
      if (own.kind === 'instant') return own.at;
      return resolveLocal(own, ctx);
    }
  } catch (err) {
    if (err instanceof Unreadable) return 'unreadable';
    throw err;
  }
  return resolveWithChrono(s, ctx);
}

/**
 * `本周内`, `本月内`, `年内`/`今年内`, `今天内`/`当天`: the end of the period's last working day
 * (of this week, Monday-based; a week with none left ends on its Sunday).
 */
function matchPeriodWithin(s: string, ctx: TimeContext): Date | null {
  const m = /^(本周|这周|这个星期|本星期|本月|这个月|当月|今年|本年|年|今天|今日|当天|当日)\s*(?:内|之内|以内)$/.exec(s) ?? /^(当天|当日)$/.exec(s);
  if (!m) return null;
  const cal = ctx.calendar;
  const today = cal.localDate(ctx.now);
  const word = m[1]!;
  let ymd: string;
  if (/周|星期/.test(word)) {
    const sunday = addDays(today, 7 - weekdayOf(today));
    ymd = sunday;
    for (let d = sunday; d >= today; d = addDays(d, -1)) {
      if (cal.isWorkday(d)) {
        ymd = d;
        break;
      }
    }
  } else if (/月/.test(word)) {
    ymd = cal.lastWorkdayOfMonth(Number(today.slice(0, 4)), Number(today.slice(5, 7)));
  } else if (/年/.test(word)) {
    ymd = cal.lastWorkdayOfMonth(Number(today.slice(0, 4)), 12);
  } else {
    ymd = today;
  }
  return cal.at(ymd, ctx.endOfDay);
}

/**
 * N when a time text (or its longest leading time expression) is a span of N working days
 * (`22个工作日内`, `3个工作日内办结`, `3 workdays`), else null: such
 * a deadline is recomputed when its year's holiday schedule is imported.
 */
export function workdaySpanOf(text: string): number | null {
  // The longest leading part that is a span: a phrase found in a title may run on (…内办结).
  const chars = [...text.trim()].slice(0, MAX_TIME_CHARS);
  for (let end = chars.length; end >= 1; end--) {
    try {
      const own = parseOwn(normalizeTimeText(chars.slice(0, end).join('')));
      if (own) return own.kind === 'span' && own.unit === 'workday' ? own.n : null;
    } catch {
      // not a time expression: try a shorter part
    }
  }
  return null;
}

function checkFuture(at: Date, text: string, ctx: TimeContext): Date {
  if (at.getTime() <= ctx.now.getTime()) {
    throw new ParseError('time_in_past', { text: text.trim(), time: localDateTime(at, ctx.calendar) });
  }
  const latest = latestAllowedDate(ctx.calendar.localDate(ctx.now));
  if (ctx.calendar.localDate(at) > latest) {
    throw new ParseError('time_too_far', { text: clip(text.trim()), time: localDateTime(at, ctx.calendar), years: MAX_YEARS_AHEAD, latest });
  }
  return at;
}

/**
 * Parses a whole time text. Throws ParseError 'bad_time' when it is not one, 'time_in_past'
 * when it means a moment at or before `now`.
 * @example parseTime('3个工作日内', { now, calendar, endOfDay: '18:00' })
 */
export function parseTime(text: string, ctx: TimeContext): Date {
  const at = resolveTime(text, ctx);
  if (!at) throw new ParseError('bad_time', { text: clip(text.trim()) });
  return checkFuture(at, text, ctx);
}

/**
 * The longest leading part of `text` that is a time expression, and what follows it — for
 * `/延期 #3 下周五 材料未齐` and `截止 周五 修复路灯`. Cuts are tried at spaces and between
 * characters, never inside a run of Latin letters or digits. Null when no prefix is a time;
 * throws 'time_in_past' when the longest one is in the past.
 */
export function parseTimePrefix(text: string, ctx: TimeContext): { at: Date; time: string; rest: string } | null {
  const src = text.trimStart();
  const chars = [...src];
  const limit = Math.min(chars.length, MAX_TIME_CHARS);
  // A longer prefix that looks like a time but is none (明天25点) is refused, not cut short to
  // 明天 with 25点 left in the title.
  let unreadable: string | null = null;
  for (let end = limit; end >= 1; end--) {
    if (end < chars.length && !isCut(chars[end - 1]!, chars[end]!)) continue;
    const head = chars.slice(0, end).join('');
    if (!head.trim()) continue;
    const at = readTime(head, ctx);
    if (at === 'unreadable') {
      unreadable ??= head.trim();
      continue;
    }
    if (!at) continue;
    if (unreadable !== null) throw new ParseError('bad_time', { text: clip(unreadable) });
    const rest = chars.slice(end).join('');
    return { at: checkFuture(at, head, ctx), time: head.trim(), rest };
  }
  if (unreadable !== null) throw new ParseError('bad_time', { text: clip(unreadable) });
  return null;
}

/** What may follow a deadline phrase inside a title: the action it bounds. */
const ACTION_AFTER = /^(?:办结|完成|报送|上报|报来|反馈|回复|提交|办理|落实|处理|整改到位|整改|到位|送达|报)/;
/** Where a deadline phrase may start inside a run of Chinese text. */
const PHRASE_START = /[0-9０-９零〇一二两三四五六七八九十今明后大本这下上周星礼年月当]/;
const CLAUSE_BREAK = /[\s,，;；。、:：!！?？\uE000-\uE002()（）]/;
const EN_DEADLINE_KW = /(?<![A-Za-z])(?:in|within|by|before|no later than|not later than)\s+/gi;
/** Each try is a time read; a title has one or two phrases worth trying. */
const MAX_PHRASE_TRIES = 40;

/**
 * A deadline written inside a title without 截止 — `梳理清单 3个工作日内`, `…，3个工作日内办结`,
 * `周五前报送材料`, `12月10日前完成`, `本周内完成`, `年底前`, `今天下班前`, `三天内`,
 * `check the fire exits in 3 workdays`. A phrase ends in 前/之前/以前/内/之内/以内/为止 and is
 * followed by the end of a clause or by the action it bounds (办结/完成/报送/反馈…); the action
 * goes with the phrase when nothing follows it. English: `in/within/by/before …` running to the
 * end of the title. Returns the instant and the range [start, end) of the text to remove; throws
 * 'bad_time' when such a phrase looks like a time but is not one (`13月5日前完成`), 'time_in_past'
 * when it is past. Private-use characters in `text` are clause breaks.
 */
export function findDeadlinePhrase(text: string, ctx: TimeContext): { at: Date; start: number; end: number } | null {
  let tries = 0;
  const attempt = (phrase: string): Date | null => {
    if (++tries > MAX_PHRASE_TRIES) return null;
    const r = readTime(phrase, ctx);
    if (r === 'unreadable') throw new ParseError('bad_time', { text: clip(phrase.trim()) });
    return r ? checkFuture(r, phrase, ctx) : null;
  };
  // English: the last keyword whose tail to the end of the title (or a removed flag) is a time.
  const enHits = [...text.matchAll(EN_DEADLINE_KW)].slice(-3).reverse();
  for (const m of enHits) {
    const stop = text.slice(m.index).search(/[\uE000-\uE002]/);
    const end = stop >= 0 ? m.index + stop : text.length;
    // more title after a removed flag: the phrase is not at the end
    if (text.slice(end).replace(/[\s\uE000-\uE002]/g, '')) continue;
    const tail = text.slice(m.index, end).replace(/[\s.,;!?]+$/, '');
    if ([...tail].length > MAX_TIME_CHARS) continue;
    const at = attempt(tail);
    if (at) return { at, start: m.index, end: m.index + tail.length };
  }
  // Chinese: clause by clause, the last first.
  const clauses: Array<[number, number]> = [];
  let from = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || CLAUSE_BREAK.test(text.charAt(i))) {
      if (i > from) clauses.push([from, i]);
      from = i + 1;
    }
  }
  for (const [cs, ce] of clauses.reverse()) {
    const clause = text.slice(cs, ce);
    if (!/[前内止]/.test(clause)) continue;
    for (const m of clause.matchAll(/之前|以前|前|之内|以内|内|为止/g)) {
      const markEnd = m.index + m[0].length;
      const after = clause.slice(markEnd);
      const action = ACTION_AFTER.exec(after);
      if (after && !action) continue;
      const dropAction = action && action[0].length === after.length ? after.length : 0;
      for (let j = 0; j < m.index && j < clause.length; j++) {
        const ch = clause.charAt(j);
        if (j > 0 && !PHRASE_START.test(ch)) continue;
        if (j > 0 && /[0-9零〇一二两三四五六七八九十]/.test(ch) && /[0-9零〇一二两三四五六七八九十]/.test(clause.charAt(j - 1))) continue;
        if (m.index - j > MAX_TIME_CHARS) continue;
        const at = attempt(clause.slice(j, markEnd));
        if (at) return { at, start: cs + j, end: cs + markEnd + dropAction };
      }
    }
  }
  return null;
}

function isCut(before: string, after: string): boolean {
  const word = /[0-9A-Za-z\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/;
  return !(word.test(before) && word.test(after));
}

function clip(s: string): string {
  const chars = [...s];
  return chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : s;
}
