/**
 * Recurrence phrases (周期报送) and feedback cadences (反馈周期) in a /交办 line, and the lead
 * time of a series (提前N个工作日). Pure: text in, a rule and the range of text it took out.
 *
 * Rules: 每周五[16:00]前 · 每月5日前 · 每月最后一个工作日 (每月底) · 每季度末 · 每年12月20日前;
 * English: every friday [16:00] · every month by the 5th · last working day of every month ·
 * end of every quarter · every year by december 20. A time after the day (16:00, 下午4点) is the
 * deadline's time; without one the deadline is the end of the working day.
 *
 * A phrase that is plainly a rule but cannot be one (每月32日, 每年2月30日, every month by the
 * 40th, `every month` with no day) is refused with 'bad_recurrence'; a lead time outside
 * 1…MAX_LEAD_WORKDAYS with 'bad_lead_days'.
 * @example findRecurrence('报送督查工作月报 每月5日前') // → { rule: { kind: 'monthly', day: 5, time: null }, start: 9, end: 14 }
 */
import type { Recurrence, SeriesEnd, SeriesSpec } from '../domain/series.js';
import { ParseError } from './errors.js';
import { chineseNumberValue } from './time.js';

export type { Recurrence };

export interface Found<T> {
  value: T;
  /** [start, end) of the phrase in the text it was found in. */
  start: number;
  end: number;
}

/** Instances are created this many working days before their deadline unless the line says otherwise. */
export const DEFAULT_LEAD_WORKDAYS = 3;
export const MAX_LEAD_WORKDAYS = 20;

const NUM = '([0-9]{1,2}|[一二三四五六七八九十]{1,3})';
const WEEKDAY_ZH: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7 };
const WEEKDAY_EN: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };
const MONTH_EN: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DAYS_IN_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A time of day after the day: 16:00, 16点, 下午4点半; English 16:00, 4pm, 4:30 pm. */
const TIME_ZH = String.raw`(?:\s*(?:(上午|早上|中午|下午|晚上)\s*)?([0-9]{1,2})(?:[:：]([0-9]{2})|\s*点(?:\s*(半|[0-9]{1,2})\s*分?)?))?`;
const TIME_EN = String.raw`(?:\s*(?:at|by|before)?\s*([0-9]{1,2})(?::([0-9]{2}))?\s*(am|pm)?(?![0-9A-Za-z]))?`;
const BEFORE_ZH = String.raw`(?:\s*(?:之前|以前|前))?`;

function num(s: string): number {
  return /^[0-9]+$/.test(s) ? Number(s) : (chineseNumberValue(s) ?? Number.NaN);
}

function bad(text: string): never {
  const c = [...text.trim()];
  throw new ParseError('bad_recurrence', { text: c.length > 40 ? `${c.slice(0, 40).join('')}…` : c.join('') });
}

function hhmm(h: number, m: number): string {
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

/** The time of a TIME_ZH match (groups: part of day, hour, minute, 半/minute), or null when absent. */
function timeZh(part: string | undefined, h: string | undefined, m: string | undefined, half: string | undefined, whole: string): string | null {
  if (h === undefined) return null;
  let hour = Number(h);
  const minute = m !== undefined ? Number(m) : half === '半' ? 30 : half !== undefined ? Number(half) : 0;
  if ((part === '下午' || part === '晚上') && hour < 12) hour += 12;
  if (part === '中午' && hour < 6) hour += 12;
  if (hour > 23 || minute > 59) bad(whole);
  return hhmm(hour, minute);
}

function timeEn(h: string | undefined, m: string | undefined, ampm: string | undefined, whole: string): string | null {
  if (h === undefined) return null;
  let hour = Number(h);
  const minute = m !== undefined ? Number(m) : 0;
  // A bare number after the day is a time only with a colon or am/pm ("every friday 16:00", "4pm").
  if (m === undefined && !ampm && hour < 7) return null;
  if (ampm) {
    if (hour < 1 || hour > 12) bad(whole);
    if (ampm.toLowerCase() === 'pm' && hour < 12) hour += 12;
    if (ampm.toLowerCase() === 'am' && hour === 12) hour = 0;
  }
  if (hour > 23 || minute > 59) bad(whole);
  return hhmm(hour, minute);
}

function checkDay(month: number | null, day: number, whole: string): void {
  if (!Number.isInteger(day) || day < 1 || day > (month === null ? 31 : (DAYS_IN_MONTH[month] ?? 0))) bad(whole);
  if (month !== null && (!Number.isInteger(month) || month < 1 || month > 12)) bad(whole);
}

interface Pattern {
  re: RegExp;
  read(m: RegExpExecArray): Recurrence | null;
}

const PATTERNS: Pattern[] = [
  // 每周五16:00前
  {
    re: new RegExp(String.raw`每(?:个)?(?:周|星期|礼拜)\s*([一二三四五六日天1-7])${TIME_ZH}${BEFORE_ZH}`, 'g'),
    read: (m) => ({ kind: 'weekly', weekday: WEEKDAY_ZH[m[1]!] ?? Number(m[1]), time: timeZh(m[2], m[3], m[4], m[5], m[0]) }),
  },
  // 每月最后一个工作日 / 每月底 / 每月末
  {
    re: new RegExp(String.raw`每(?:个)?月(?:的)?\s*(?:最后一个工作日|最后一天|月?底|月?末)${TIME_ZH}${BEFORE_ZH}`, 'g'),
    read: (m) => ({ kind: 'month_end', time: timeZh(m[1], m[2], m[3], m[4], m[0]) }),
  },
  // 每月5日前
  {
    re: new RegExp(String.raw`每(?:个)?月(?:的)?\s*${NUM}\s*(?:日|号)${TIME_ZH}${BEFORE_ZH}`, 'g'),
    read: (m) => {
      const day = num(m[1]!);
      checkDay(null, day, m[0]);
      return { kind: 'monthly', day, time: timeZh(m[2], m[3], m[4], m[5], m[0]) };
    },
  },
  // 每季度末 / 每季末 / 每季度最后一个工作日
  {
    re: new RegExp(String.raw`每(?:个)?季(?:度)?(?:的)?\s*(?:最后一个工作日|最后一天|度?末|度?底)${TIME_ZH}${BEFORE_ZH}`, 'g'),
    read: (m) => ({ kind: 'quarter_end', time: timeZh(m[1], m[2], m[3], m[4], m[0]) }),
  },
  // 每年12月20日前
  {
    re: new RegExp(String.raw`每(?:一)?年(?:的)?\s*${NUM}\s*月\s*${NUM}\s*(?:日|号)${TIME_ZH}${BEFORE_ZH}`, 'g'),
    read: (m) => {
      const month = num(m[1]!);
      const day = num(m[2]!);
      checkDay(month, day, m[0]);
      return { kind: 'yearly', month, day, time: timeZh(m[3], m[4], m[5], m[6], m[0]) };
    },
  },
  // every friday 16:00 / every week on friday / weekly on fri
  {
    re: new RegExp(
      String.raw`(?<![A-Za-z])(?:(?:every|each)\s+|(?:every|each)\s+week\s+on\s+|weekly\s+on\s+)(mon|tue|wed|thu|fri|sat|sun)(?:day|sday|nesday|rsday|s|urday)?\.?(?![A-Za-z])${TIME_EN}`,
      'gi',
    ),
    read: (m) => ({ kind: 'weekly', weekday: WEEKDAY_EN[m[1]!.toLowerCase()]!, time: timeEn(m[2], m[3], m[4], m[0]) }),
  },
  // last working day of every month / every month on the last working day / end of every month
  {
    re: new RegExp(
      String.raw`(?<![A-Za-z])(?:(?:on\s+|by\s+)?(?:the\s+)?(?:last\s+(?:working|work|business)\s+day|end)\s+of\s+(?:every|each)\s+month|(?:every|each)\s+month\s+(?:on|by)\s+(?:the\s+)?last\s+(?:working|work|business)\s+day|(?:every|each)\s+month[- ]end)(?![A-Za-z])${TIME_EN}`,
      'gi',
    ),
    read: (m) => ({ kind: 'month_end', time: timeEn(m[1], m[2], m[3], m[0]) }),
  },
  // every month by the 5th / monthly on the 5th / by the 5th of every month
  {
    re: new RegExp(
      String.raw`(?<![A-Za-z])(?:(?:every|each)\s+month|monthly)\s+(?:by|on|before)\s+(?:the\s+)?(?:day\s+)?([0-9]{1,3})(?:st|nd|rd|th)?(?![0-9A-Za-z])${TIME_EN}`,
      'gi',
    ),
    read: (m) => {
      const day = Number(m[1]);
      checkDay(null, day, m[0]);
      return { kind: 'monthly', day, time: timeEn(m[2], m[3], m[4], m[0]) };
    },
  },
  {
    re: new RegExp(String.raw`(?<![A-Za-z])(?:by|on|before)\s+the\s+([0-9]{1,3})(?:st|nd|rd|th)?\s+of\s+(?:every|each)\s+month(?![A-Za-z])${TIME_EN}`, 'gi'),
    read: (m) => {
      const day = Number(m[1]);
      checkDay(null, day, m[0]);
      return { kind: 'monthly', day, time: timeEn(m[2], m[3], m[4], m[0]) };
    },
  },
  // end of every quarter / every quarter end
  {
    re: new RegExp(
      String.raw`(?<![A-Za-z])(?:(?:at\s+|by\s+)?(?:the\s+)?end\s+of\s+(?:every|each)\s+quarter|(?:every|each)\s+quarter[- ]end)(?![A-Za-z])${TIME_EN}`,
      'gi',
    ),
    read: (m) => ({ kind: 'quarter_end', time: timeEn(m[1], m[2], m[3], m[0]) }),
  },
  // every year by december 20 / every year on 12-20 / yearly by dec 20
  {
    re: new RegExp(
      String.raw`(?<![A-Za-z])(?:(?:every|each)\s+year|yearly|annually)\s+(?:by|on|before)\s+(?:(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+([0-9]{1,2})(?:st|nd|rd|th)?|([0-9]{1,2})-([0-9]{1,2}))(?![0-9A-Za-z])${TIME_EN}`,
      'gi',
    ),
    read: (m) => {
      const month = m[1] ? MONTH_EN[m[1].toLowerCase()]! : Number(m[3]);
      const day = Number(m[2] ?? m[4]);
      checkDay(month, day, m[0]);
      return { kind: 'yearly', month, day, time: timeEn(m[5], m[6], m[7], m[0]) };
    },
  },
];

/** Plainly meant as a rule, yet none of the patterns reads it. */
const UNREADABLE = [
  /(?<![A-Za-z])(?:every|each)\s+(?:month|week|quarter|year)(?![A-Za-z])/i,
  /每(?:个)?月(?:的)?\s*[0-9]{1,3}\s*(?:日|号)/,
  /每(?:个)?(?:周|星期)\s*[0-9]/,
  /每(?:一)?年(?:的)?\s*[0-9]{1,3}\s*月/,
];

/** Where a phrase must not start inside a word (the Latin patterns guard themselves). */
function atBoundary(text: string, index: number): boolean {
  return index === 0 || !/[0-9]/.test(text.charAt(index - 1));
}

function findIn(text: string, patterns: readonly Pattern[]): Found<Recurrence> | null {
  let best: Found<Recurrence> | null = null;
  for (const p of patterns) {
    p.re.lastIndex = 0;
    for (const m of text.matchAll(p.re)) {
      if (!atBoundary(text, m.index)) continue;
      const rule = p.read(m);
      if (!rule) continue;
      const end = m.index + m[0].replace(/\s+$/, '').length;
      if (!best || m.index < best.start) best = { value: rule, start: m.index, end };
      break;
    }
  }
  return best;
}

/**
 * The recurrence phrase of a title, or null. Throws ParseError 'bad_recurrence' for a phrase
 * that is meant as a rule but names no real day (每月32日, every month by the 40th).
 */
export function findRecurrence(text: string): Found<Recurrence> | null {
  const found = findIn(text, PATTERNS);
  if (found) return found;
  for (const re of UNREADABLE) {
    const m = re.exec(text);
    if (m) bad(text.slice(m.index, m.index + 24));
  }
  return null;
}

const FEEDBACK_KW = /反馈(?:周期|频次|频率)?\s*[:：]?\s*|(?<![A-Za-z])(?:feedback|report\s+progress)(?:\s+cadence)?\s*[:：]?\s*/gi;

/**
 * `反馈 每周五` / `feedback every friday`: the cadence on which the lead is asked for progress.
 * The time of the rule, if any, is not used. Throws 'bad_recurrence' when the keyword is
 * followed by a rule-looking phrase that cannot be read.
 */
export function findFeedbackCadence(text: string): Found<Recurrence> | null {
  for (const kw of text.matchAll(FEEDBACK_KW)) {
    const after = text.slice(kw.index + kw[0].length);
    if (!/^(?:每|every|each|weekly|monthly|quarterly|yearly|annually|last|end|by|on)/i.test(after)) continue;
    const found = findIn(after, PATTERNS);
    if (found?.start !== 0) bad(after.slice(0, 24));
    return { value: found.value, start: kw.index, end: kw.index + kw[0].length + found.end };
  }
  return null;
}

const LEAD_RE =
  /提前\s*([0-9]{1,4}|[一二三四五六七八九十]{1,3})\s*个?工作日(?:下发|创建|布置|派发|交办|发出)?|(?<![A-Za-z0-9])([0-9]{1,4})\s*(?:working\s+days|workdays|business\s+days)\s+(?:ahead|in\s+advance|before)(?![A-Za-z])/gi;

/** `提前5个工作日下发` / `5 workdays ahead`: how long before its deadline each instance is created. */
export function findLeadDays(text: string): Found<number> | null {
  for (const m of text.matchAll(LEAD_RE)) {
    const n = num(m[1] ?? m[2]!);
    if (!Number.isInteger(n) || n < 1 || n > MAX_LEAD_WORKDAYS) throw new ParseError('bad_lead_days', { text: m[0], max: MAX_LEAD_WORKDAYS });
    return { value: n, start: m.index, end: m.index + m[0].length };
  }
  return null;
}

const END_NUM = '([0-9]{1,4}|[一二三四五六七八九十百]{1,4})';
const END_ZH = new RegExp(
  String.raw`(?:截至|直至|直到|至|到)\s*([0-9]{4})\s*年\s*(?:([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*月(?:\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*(?:日|号))?|(底|末))(?:\s*(?:底|末))?(?:\s*(?:止|为止|结束))?|共\s*${END_NUM}\s*(?:次|期)`,
  'g',
);
const END_EN =
  /(?<![A-Za-z])(?:until|till|through|to)\s+(?:(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?:([0-9]{1,2})(?:st|nd|rd|th)?,?\s+)?([0-9]{4})|([0-9]{4})-([0-9]{1,2})(?:-([0-9]{1,2}))?|the\s+end\s+of\s+([0-9]{4}))(?![0-9A-Za-z])|(?<![A-Za-z0-9])(?:for\s+)?([0-9]{1,4})\s+(?:times|instances|occurrences)(?![A-Za-z])/gi;
/** A count above this is no count an office means (ten years of weeks is 522). */
export const MAX_SERIES_COUNT = 999;

function endFrom(y: number, m: number | null, d: number | null, whole: string): SeriesEnd {
  if (m === null) return { kind: 'until', ymd: `${y}-12-31`, month: true };
  if (!Number.isInteger(m) || m < 1 || m > 12) bad(whole);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d !== null && (!Number.isInteger(d) || d < 1 || d > last)) bad(whole);
  const ymd = `${y}-${String(m).padStart(2, '0')}-${String(d ?? last).padStart(2, '0')}`;
  return { kind: 'until', ymd, month: d === null };
}

function countOf(n: number, whole: string): SeriesEnd {
  if (!Number.isInteger(n) || n < 1 || n > MAX_SERIES_COUNT) bad(whole);
  return { kind: 'count', count: n };
}

/** `至2027年6月` / `共12次` / `until June 2027` / `12 times`: where a series ends. */
export function findSeriesEnd(text: string): Found<SeriesEnd> | null {
  let best: Found<SeriesEnd> | null = null;
  for (const re of [END_ZH, END_EN]) {
    re.lastIndex = 0;
    const m = re.exec(text);
    if (!m || (best && best.start <= m.index)) continue;
    let value: SeriesEnd;
    if (re === END_ZH) {
      if (m[5] !== undefined) value = countOf(num(m[5]), m[0]);
      else value = endFrom(Number(m[1]), m[2] !== undefined ? num(m[2]) : null, m[3] !== undefined ? num(m[3]) : null, m[0]);
    } else if (m[8] !== undefined) value = countOf(Number(m[8]), m[0]);
    else if (m[7] !== undefined) value = endFrom(Number(m[7]), null, null, m[0]);
    else if (m[4] !== undefined) value = endFrom(Number(m[4]), Number(m[5]), m[6] !== undefined ? Number(m[6]) : null, m[0]);
    else value = endFrom(Number(m[3]), MONTH_EN[m[1]!.toLowerCase()]!, m[2] !== undefined ? Number(m[2]) : null, m[0]);
    best = { value, start: m.index, end: m.index + m[0].length };
  }
  return best;
}

/** A whole text that must be one rule (the argument of `/设置 反馈 #N 每周五`). */
export function parseRecurrence(text: string): Recurrence {
  const s = text.trim();
  const found = findIn(s, PATTERNS);
  if (found?.start !== 0 || s.slice(found.end).trim()) bad(s || '—');
  return found.value;
}

/**
 * Takes the feedback cadence, the recurrence rule and (with a rule) its lead time and its end out of a
 * /交办 line, leaving `mark` where each was. Without a rule, 提前N个工作日 stays title text.
 */
export function takeRecurrence(text: string, mark: string): { text: string; series: SeriesSpec | null; feedback: Recurrence | null } {
  let s = text;
  const cut = (f: Found<unknown>) => {
    s = `${s.slice(0, f.start)}${mark}${s.slice(f.end)}`;
  };
  const feedback = findFeedbackCadence(s);
  if (feedback) cut(feedback);
  const rule = findRecurrence(s);
  if (rule) cut(rule);
  const lead = rule ? findLeadDays(s) : null;
  if (lead) cut(lead);
  const end = rule ? findSeriesEnd(s) : null;
  if (end) cut(end);
  return {
    text: s,
    series: rule ? { rule: rule.value, leadWorkdays: lead?.value ?? DEFAULT_LEAD_WORKDAYS, ...(end ? { end: end.value } : {}) } : null,
    feedback: feedback?.value ?? null,
  };
}
