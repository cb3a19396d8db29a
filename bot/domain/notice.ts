/**
 * The State Council's holiday notice (国务院办公厅关于YYYY年部分节假日安排的通知) as published, read
 * into calendar overrides for `npm run job -- calendar import <file>`. Pure: text in, days out.
 *
 * Each numbered item is one holiday and must be read whole, or the notice is refused naming the
 * line:
 *   一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
 *   二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
 *   一、元旦：1月1日放假，与周末连休。            一、元旦：1月1日（周三）放假1天，不调休。
 * A weekday in brackets must be that date's; a "共N天" must be the length of the range. A
 * sentence beginning 鼓励 (an encouragement, e.g. to take 除夕 off as annual leave) changes no
 * day. The other lines (title, addressees, preamble, closing, signature) are prose: the year is
 * read from the title (…关于2026年部分节假日安排的通知) unless given.
 */
import { type CalendarOverride, isValidYmd, weekdayOf, ymdOf, ymdToDays, daysToYmd } from './calendar.js';

export interface NoticeDay extends CalendarOverride {
  name: string;
  /** The notice line it came from (1-based). */
  line: number;
}

export interface ReadNotice {
  year: number;
  days: NoticeDay[];
}

const CN_NUM = '一二三四五六七八九十';
const WEEKDAYS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7 };

/** Whether a text looks like the notice rather than JSON or CSV: its title, or a numbered item. */
export function looksLikeNotice(text: string): boolean {
  const t = normalize(text);
  return /部分节假日安排/.test(t) || /^[一二三四五六七八九十]+、[^\n：]+：/m.test(t);
}

/** Full-width and half-width punctuation read alike; spaces inside a line are dropped. */
function normalize(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\(/g, '（')
    .replace(/\)/g, '）')
    .replace(/:/g, '：')
    .replace(/,/g, '，')
    .replace(/;/g, '；')
    .replace(/[ \t\u3000\u00A0]+/g, '');
}

/**
 * Reads a notice. Throws an Error naming the line when an item cannot be read, when the year
 * is unknown or contradicts `year`, or when a date is listed twice.
 */
export function parseNotice(text: string, opts: { year?: number } = {}): ReadNotice {
  const lines = normalize(text).split(/\r?\n/);
  let year = opts.year;
  lines.forEach((line, i) => {
    const m = /关于(\d{4})年部分节假日安排/.exec(line);
    if (!m) return;
    const titled = Number(m[1]);
    if (year !== undefined && year !== titled) {
      throw new Error(`calendar notice: line ${i + 1}: the title is for ${titled}, but --year ${year} was given`);
    }
    year = titled;
  });
  if (year === undefined) throw new Error('calendar notice: no year: the title (…关于2027年部分节假日安排的通知) is missing; give it with --year 2027');
  const y = year;
  const days: NoticeDay[] = [];
  const seen = new Map<string, number>();
  const push = (date: string, kind: 'holiday' | 'workday', name: string, line: number) => {
    const prev = seen.get(date);
    if (prev) throw new Error(`calendar notice: line ${line}: ${date} is already listed on line ${prev}`);
    seen.set(date, line);
    days.push({ date, kind, name, line });
  };
  let items = 0;
  lines.forEach((line, i) => {
    const lineNo = i + 1;
    const item = new RegExp(`^[${CN_NUM}]+、([^：]+)：(.+)$`).exec(line);
    if (!item) return;
    items++;
    const name = item[1]!;
    const fail = (why: string): never => {
      throw new Error(`calendar notice: line ${lineNo}: ${why}: ${line}`);
    };
    const sentences = item[2]!.split('。').filter((s) => s !== '');
    let holidays = 0;
    for (const sentence of sentences) {
      if (sentence.startsWith('鼓励')) continue;
      const off = readHolidaySentence(sentence, y, fail);
      if (off) {
        for (const d of off) push(d, 'holiday', name, lineNo);
        holidays += off.length;
        continue;
      }
      const on = readWorkdaySentence(sentence, y, fail);
      if (on) {
        for (const d of on) push(d, 'workday', `${name}调休`, lineNo);
        continue;
      }
      fail(`cannot read "${sentence}"`);
    }
    if (holidays === 0) fail('no days off in this item');
  });
  if (items === 0) throw new Error('calendar notice: no numbered items (一、元旦：…) found');
  return { year: y, days: days.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)) };
}

/** 'M月D日' with an optional bracket such as （周四）, （星期日）, （农历除夕、周二）. */
const DAY = '(?:(\\d{4})年)?(?:(\\d{1,2})月)?(\\d{1,2})日(?:（([^）]*)）)?';

function dateOf(
  year: number,
  yearText: string | undefined,
  month: number | undefined,
  day: number,
  bracket: string | undefined,
  fail: (why: string) => never,
): string {
  const y = yearText ? Number(yearText) : year;
  if (month === undefined) fail(`a date without its month`);
  const ymd = ymdOf(y, month!, day);
  if (!isValidYmd(ymd)) fail(`${y}年${month}月${day}日 is not a date`);
  const w = bracket ? /(?:周|星期)([一二三四五六日天])/.exec(bracket) : null;
  if (w && WEEKDAYS[w[1]!] !== weekdayOf(ymd)) fail(`${ymd} is not a ${w[0]}`);
  return ymd;
}

/** "A（…）至B（…）放假…，共N天", "A放假1天，不调休", "A放假，与周末连休" → the days off. */
function readHolidaySentence(s: string, year: number, fail: (why: string) => never): string[] | null {
  const m = new RegExp(`^${DAY}(?:至${DAY})?放假(?:调休)?(?:(\\d+)天)?(?:，(?:共(\\d+)天|与周末连休|不调休))*$`).exec(s);
  if (!m) return null;
  const first = dateOf(year, m[1], m[2] ? Number(m[2]) : undefined, Number(m[3]), m[4], fail);
  let last = first;
  if (m[7]) {
    const month = m[6] ? Number(m[6]) : Number(first.slice(5, 7));
    last = dateOf(m[5] ? Number(m[5]) : Number(first.slice(0, 4)), m[5], month, Number(m[7]), m[8], fail);
  }
  const from = ymdToDays(first);
  const to = ymdToDays(last);
  if (to < from) fail(`${last} is before ${first}`);
  const count = to - from + 1;
  for (const n of [m[9], m[10]]) if (n !== undefined && Number(n) !== count) fail(`${first} to ${last} is ${count} days, not ${n}`);
  return Array.from({ length: count }, (_, k) => daysToYmd(from + k));
}

/** "A（周日）、B（周六）上班" → the make-up working days. */
function readWorkdaySentence(s: string, year: number, fail: (why: string) => never): string[] | null {
  const m = new RegExp(`^(${DAY}(?:、${DAY})*)上班$`).exec(s);
  if (!m) return null;
  const out: string[] = [];
  const one = new RegExp(DAY, 'g');
  for (const d of m[1]!.matchAll(one)) out.push(dateOf(year, d[1], d[2] ? Number(d[2]) : undefined, Number(d[3]), d[4], fail));
  return out;
}
