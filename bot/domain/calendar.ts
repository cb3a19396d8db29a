/**
 * Working days and working hours on China's official calendar (法定节假日 and 调休 make-up
 * days), plus the time-zone arithmetic everything else builds on. Pure: no clock, no I/O.
 *
 * Where the days come from, in order:
 * 1. overrides (the `calendar_overrides` table, filled by `npm run job -- calendar import`);
 * 2. the `chinese-days` package, for the years it holds data for (2004–2026 in 1.5.7);
 * 3. otherwise the year is provisional: the statutory holidays the law fixes (bot/domain/holidays.ts,
 *    computed from the lunar calendar and the solar terms) and the weekends are off, and the year
 *    is recorded in `missingYears` so the caller can say so (SPEC §5) — `chinese-days` itself
 *    answers `isWorkday('2027-10-01') === true` without a word. Only 调休 (bridging days and
 *    make-up working days) is unknown until the State Council's schedule is imported.
 *
 * Dates are 'YYYY-MM-DD' strings in the office's zone; instants are `Date`s.
 * @example
 *   const cal = new WorkCalendar({ tz: 'Asia/Shanghai' });
 *   cal.isWorkday('2026-10-08')            // → true (the day after the National Day week)
 *   cal.addWorkdays('2026-09-30', 1)       // → '2026-10-08'
 */
import chineseDays from 'chinese-days';
import { statutoryHolidays } from './holidays.js';

export interface CalendarOverride {
  date: string; // YYYY-MM-DD
  kind: 'holiday' | 'workday';
  name?: string | null;
}

/** Working hours of a day, 'HH:MM', [start, end). */
export interface WorkingHours {
  start: string;
  end: string;
}

/** 免打扰 window, 'HH:MM', [start, end); wraps midnight when start > end; empty when equal. */
export interface QuietWindow {
  start: string;
  end: string;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Longest run of non-working days any search walks before giving up (a broken override table). */
const MAX_SEARCH_DAYS = 3_700;

const YMD_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HHMM_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

// ---- 'YYYY-MM-DD' arithmetic: zone-free, on the proleptic Gregorian calendar -------------

/** Days since 1970-01-01 of a 'YYYY-MM-DD' (throws on anything that is not a real date). */
export function ymdToDays(ymd: string): number {
  // Digits read by char code and the civil-from-days formula: this runs for every day looked at.
  if (ymd.length === 10 && ymd.charCodeAt(4) === 45 && ymd.charCodeAt(7) === 45) {
    const y = digits(ymd, 0, 4);
    const mo = digits(ymd, 5, 7);
    const d = digits(ymd, 8, 10);
    if (y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= monthLength(y, mo)) return daysFromCivil(y, mo, d);
    if (YMD_RE.test(ymd)) throw new RangeError(`no such date: ${ymd}`);
  }
  throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(ymd)}`);
}

/** The number written by s[from, to) in ASCII digits, or -1. */
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

function monthLength(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export function daysToYmd(days: number): string {
  const d = new Date(days * DAY_MS);
  return `${pad4(d.getUTCFullYear())}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

export function isValidYmd(ymd: string): boolean {
  try {
    ymdToDays(ymd);
    return true;
  } catch {
    return false;
  }
}

export function addDays(ymd: string, n: number): string {
  return daysToYmd(ymdToDays(ymd) + n);
}

/** 1 = Monday … 7 = Sunday. */
export function weekdayOf(ymd: string): number {
  const dow = new Date(ymdToDays(ymd) * DAY_MS).getUTCDay();
  return dow === 0 ? 7 : dow;
}

export function ymdOf(year: number, month: number, day: number): string {
  return `${pad4(year)}-${pad2(month)}-${pad2(day)}`;
}

/** Number of days in a month (month 1–12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Minutes since midnight of an 'HH:MM' (throws on a malformed one). */
export function hhmmToMinutes(hhmm: string): number {
  const m = HHMM_RE.exec(hhmm);
  if (!m) throw new RangeError(`not an HH:MM time: ${JSON.stringify(hhmm)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function minutesToHhmm(minutes: number): string {
  return `${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
function pad4(n: number): string {
  return String(n).padStart(4, '0');
}

// ---- how far ahead --------------------------------------------------------------------

/** Deadlines, 回头看 times and extensions lie at most this many years ahead. */
export const MAX_YEARS_AHEAD = 10;

/** The last date a deadline may fall on when today is `todayYmd`: the same day ten years on (02-29 → 02-28). */
export function latestAllowedDate(todayYmd: string): string {
  const y = Number(todayYmd.slice(0, 4)) + MAX_YEARS_AHEAD;
  const m = Number(todayYmd.slice(5, 7));
  const d = Math.min(Number(todayYmd.slice(8, 10)), daysInMonth(y, m));
  return ymdOf(y, m, d);
}

// ---- the calendar -------------------------------------------------------------------------

/** Years `chinese-days` holds data for; shared by every calendar, computed once per year asked. */
const packageYears = new Map<number, boolean>();

function packageHasYear(year: number): boolean {
  let has = packageYears.get(year);
  if (has === undefined) {
    // Every published year contains 元旦, so a year without a single listed holiday has no data.
    // Local noon: the package formats dates with local getters, and parses a 'YYYY-MM-DD' string
    // as UTC midnight — a string would be read as the day before on a host west of Greenwich.
    has = chineseDays.getHolidaysInRange(new Date(year, 0, 1, 12), new Date(year, 11, 31, 12), false).length > 0;
    packageYears.set(year, has);
  }
  return has;
}

function packageIsWorkday(ymd: string): boolean {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  return chineseDays.isWorkday(new Date(y, m - 1, d, 12));
}

/** The statutory holiday a date is, by law (元旦, 春节, …), or null. */
export function statutoryNameOf(ymd: string): string | null {
  const days = statutoryHolidays(Number(ymd.slice(0, 4)));
  return days?.find((h) => h.date === ymd)?.name ?? null;
}

/**
 * The first provisional year a deadline falls in or counts its working days through (from the
 * task's assignment to its deadline), or null: the card and the reply say the deadline is
 * counted on the statutory holidays alone until that year's schedule is published.
 */
export function provisionalYearOf(
  task: { createdAt: Date; dueAt: Date | null },
  calendar: { localDate(d: Date): string; isProvisional?(year: number): boolean },
): number | null {
  if (!task.dueAt || !calendar.isProvisional) return null;
  const first = Number(calendar.localDate(task.createdAt).slice(0, 4));
  const last = Number(calendar.localDate(task.dueAt).slice(0, 4));
  for (let y = Math.min(first, last); y <= last && y <= first + MAX_YEARS_AHEAD + 1; y++) if (calendar.isProvisional(y)) return y;
  return null;
}

export class WorkCalendar {
  readonly tz: string;
  private readonly overrideByDate = new Map<string, CalendarOverride>();
  private readonly overrideYears = new Set<number>();
  private readonly missing = new Set<number>();
  /** Per-year tables of working days, with prefix counts: built once per year asked. */
  private readonly tables = new Map<number, YearTable>();
  private lastTable: YearTable | null = null;
  private readonly fmt: Intl.DateTimeFormat;
  /** Offset (minutes) per 15-minute bucket: zone transitions fall on quarter hours. */
  private readonly offsetMemo = new Map<number, number>();
  /** Offset per UTC day when it holds all day, null on a day the zone changes. */
  private readonly dayOffsetMemo = new Map<number, number | null>();

  constructor(opts: { tz: string; overrides?: CalendarOverride[] }) {
    this.tz = opts.tz;
    // Throws RangeError for an unknown zone: better at start-up than a wrong deadline later.
    this.fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: opts.tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    for (const o of opts.overrides ?? []) {
      if (!isValidYmd(o.date)) throw new RangeError(`calendar override with a bad date: ${JSON.stringify(o.date)}`);
      if (o.kind !== 'holiday' && o.kind !== 'workday') {
        throw new RangeError(`calendar override ${o.date} with a bad kind: ${JSON.stringify(o.kind)}`);
      }
      this.overrideByDate.set(o.date, { date: o.date, kind: o.kind, name: o.name ?? null });
      this.overrideYears.add(Number(o.date.slice(0, 4)));
    }
  }

  /**
   * Provisional years a working day was read in: neither `chinese-days` nor an import holds the
   * State Council's schedule, so the statutory holidays and weekends are off and 调休 is unknown.
   * Callers tell the log and the chats.
   */
  get missingYears(): ReadonlySet<number> {
    return this.missing;
  }

  /** Whether a year's official schedule is known: package data, or at least one override for it. */
  hasData(year: number): boolean {
    return packageHasYear(year) || this.overrideYears.has(year);
  }

  /** A year without the State Council's schedule: its working days are counted provisionally. */
  isProvisional(year: number): boolean {
    return !this.hasData(year);
  }

  /** Where a date's working-day status comes from. */
  sourceOf(ymd: string): 'imported' | 'official' | 'statutory' | 'week' {
    if (this.overrideByDate.has(ymd)) return 'imported';
    const year = Number(ymd.slice(0, 4));
    if (packageHasYear(year)) return 'official';
    if (statutoryNameOf(ymd)) return 'statutory';
    return 'week';
  }

  /** The override for a date, if any. */
  override(ymd: string): CalendarOverride | undefined {
    return this.overrideByDate.get(ymd);
  }

  // ---- zone helpers ----

  /** Offset of the zone from UTC at an instant, in minutes (480 for Asia/Shanghai): chrono's `timezone`. */
  offsetMinutes(d: Date): number {
    const ms = d.getTime();
    // A UTC day whose start and end have the same offset has it throughout (zones change at
    // most once a day): one memo entry per day, finer buckets only on the days of a change.
    const day = Math.floor(ms / DAY_MS);
    let whole = this.dayOffsetMemo.get(day);
    if (whole === undefined) {
      const a = this.bucketOffset(day * DAY_MS);
      whole = a === this.bucketOffset((day + 1) * DAY_MS - 15 * MINUTE_MS) ? a : null;
      if (this.dayOffsetMemo.size > 50_000) this.dayOffsetMemo.clear();
      this.dayOffsetMemo.set(day, whole);
    }
    return whole ?? this.bucketOffset(ms);
  }

  /** Offset per 15-minute bucket: zone transitions fall on quarter hours. */
  private bucketOffset(ms: number): number {
    const bucket = Math.floor(ms / (15 * MINUTE_MS));
    let off = this.offsetMemo.get(bucket);
    if (off === undefined) {
      const p = this.parts(bucket * 15 * MINUTE_MS);
      const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
      off = Math.round((wall - bucket * 15 * MINUTE_MS) / MINUTE_MS);
      if (this.offsetMemo.size > 50_000) this.offsetMemo.clear();
      this.offsetMemo.set(bucket, off);
    }
    return off;
  }

  /** 'YYYY-MM-DD' of an instant in the zone. */
  localDate(d: Date): string {
    const w = new Date(d.getTime() + this.offsetMinutes(d) * MINUTE_MS);
    return `${pad4(w.getUTCFullYear())}-${pad2(w.getUTCMonth() + 1)}-${pad2(w.getUTCDate())}`;
  }

  /** 'HH:MM' of an instant in the zone. */
  localTime(d: Date): string {
    const w = new Date(d.getTime() + this.offsetMinutes(d) * MINUTE_MS);
    return `${pad2(w.getUTCHours())}:${pad2(w.getUTCMinutes())}`;
  }

  /** 1 = Monday … 7 = Sunday. */
  weekday(ymd: string): number {
    return weekdayOf(ymd);
  }

  /**
   * The instant of a local wall time. A wall time skipped by a DST jump is moved forward by the
   * jump (02:30 → 03:30); one that occurs twice is the earlier — Temporal's 'compatible'.
   */
  at(ymd: string, hhmm: string): Date {
    const wall = ymdToDays(ymd) * DAY_MS + hhmmToMinutes(hhmm) * MINUTE_MS;
    return new Date(this.wallToInstant(wall));
  }

  // ---- working days ----

  /** Whether a date is a working day: one lookup in its year's table. */
  isWorkday(ymd: string): boolean {
    const day = ymdToDays(ymd); // validates ymd
    const t = this.tableOfDay(day);
    return t.work[day - t.first] === 1;
  }

  private computeWorkday(ymd: string): boolean {
    const weekday = weekdayOf(ymd);
    const o = this.overrideByDate.get(ymd);
    if (o) return o.kind === 'workday';
    const year = Number(ymd.slice(0, 4));
    if (packageHasYear(year)) return packageIsWorkday(ymd);
    // An imported year lists its exceptions; the other days follow the week and the law. A
    // provisional year: the law's holidays and the weekends are off; 调休 is not known yet.
    if (!this.overrideYears.has(year)) this.missing.add(year);
    return weekday <= 5 && !statutoryNameOf(ymd);
  }

  /**
   * The n-th working day after `ymd` (n ≥ 1). n = 0 is `ymd` itself when it is a working day,
   * else the next one. A negative n is a RangeError. O(years spanned).
   */
  addWorkdays(ymd: string, n: number): string {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`addWorkdays needs a whole n ≥ 0, got ${n}`);
    if (n === 0) return this.isWorkday(ymd) ? ymd : this.nextWorkday(ymd);
    const day = ymdToDays(ymd);
    let t = this.tableOfDay(day);
    // Working days of t after `day`, then whole years, then the one the n-th falls in.
    let want = t.prefix[day - t.first + 1]! + n;
    let idleYears = 0;
    while (want > t.total) {
      want -= t.total;
      const next = this.table(t.year + 1);
      idleYears = next.total === 0 ? idleYears + 1 : 0;
      if (idleYears * 365 > MAX_SEARCH_DAYS) throw new Error(`no working day within ${MAX_SEARCH_DAYS} days after ${ymd}`);
      t = next;
    }
    return daysToYmd(t.first + firstReaching(t.prefix, want));
  }

  /** The first working day strictly after `ymd`. */
  nextWorkday(ymd: string): string {
    return this.addWorkdays(ymd, 1);
  }

  /** The last working day strictly before `ymd`. O(years spanned). */
  prevWorkday(ymd: string): string {
    const day = ymdToDays(ymd);
    let t = this.tableOfDay(day);
    let before = t.prefix[day - t.first]!;
    let idleYears = 0;
    while (before === 0) {
      t = this.table(t.year - 1);
      before = t.total;
      idleYears = before === 0 ? idleYears + 1 : 0;
      if (idleYears * 365 > MAX_SEARCH_DAYS) throw new Error(`no working day within ${MAX_SEARCH_DAYS} days before ${ymd}`);
    }
    return daysToYmd(t.first + firstReaching(t.prefix, before));
  }

  /**
   * Working days d with from < d ≤ to: 0 when to = from, and antisymmetric for to < from
   * (−(working days d with to < d ≤ from)). So `workdaysBetween(due, today)` is the number of
   * working days a task is overdue (≤ 0 while not overdue), and
   * `workdaysBetween(x, addWorkdays(x, n)) === n` for n ≥ 1. O(years spanned).
   */
  workdaysBetween(fromYmd: string, toYmd: string): number {
    const from = ymdToDays(fromYmd);
    const to = ymdToDays(toYmd);
    if (to === from) return 0;
    const [lo, hi, sign] = to > from ? [from, to, 1] : [to, from, -1];
    const count = this.sumDays(lo + 1, hi + 1, (t) => t.prefix);
    return count === 0 ? 0 : sign * count; // never -0
  }

  /** The last working day of a month (month 1–12): what 月底 means for a deadline. */
  lastWorkdayOfMonth(year: number, month: number): string {
    const last = ymdOf(year, month, daysInMonth(year, month));
    return this.isWorkday(last) ? last : this.prevWorkday(last);
  }

  // ---- working hours ----

  /**
   * Whether an instant is on a working day, within [hours.start, hours.end), and outside the
   * 免打扰 window (which may wrap midnight: 21:00–08:00).
   */
  isWorkingTime(d: Date, hours: WorkingHours, quiet?: QuietWindow | null): boolean {
    const ymd = this.localDate(d);
    if (!this.isWorkday(ymd)) return false;
    const minute = this.minuteOfDay(d);
    const segments = allowedSegments(hours, quiet);
    return segments.some(([s, e]) => minute >= s && minute < e);
  }

  /** `d` itself when it is working time, else the earliest working-time instant after it. */
  nextWorkingMoment(d: Date, hours: WorkingHours, quiet?: QuietWindow | null): Date {
    const segments = allowedSegments(hours, quiet);
    if (segments.length === 0) {
      throw new RangeError(`no working time left between ${hours.start}–${hours.end} and quiet ${quiet?.start}–${quiet?.end}`);
    }
    let ymd = this.localDate(d);
    const minute = this.minuteOfDay(d);
    if (this.isWorkday(ymd)) {
      for (const [s, e] of segments) {
        if (minute >= s && minute < e) return d;
        if (s > minute) {
          const t = this.at(ymd, minutesToHhmm(s));
          if (t.getTime() > d.getTime()) return t;
        }
      }
    }
    ymd = this.nextWorkday(ymd);
    return this.at(ymd, minutesToHhmm(segments[0]![0]));
  }

  /**
   * Working time between two instants, in minutes (fractional when they are not on whole
   * minutes). Working days only, inside `hours`; 免打扰 does not shorten the working day.
   * Negative when b is before a. O(years spanned): the whole days between the two ends come
   * from the year tables' prefix sums of working milliseconds.
   */
  workingMinutesBetween(a: Date, b: Date, hours: WorkingHours): number {
    if (b.getTime() < a.getTime()) return -this.workingMinutesBetween(b, a, hours);
    const start = hhmmToMinutes(hours.start);
    const end = hhmmToMinutes(hours.end);
    if (end <= start) return 0;
    const startHhmm = minutesToHhmm(start);
    const endHhmm = minutesToHhmm(end);
    const aMs = a.getTime();
    const bMs = b.getTime();
    const firstDay = ymdToDays(this.localDate(a));
    const lastDay = ymdToDays(this.localDate(b));
    const part = (day: number): number => {
      const ymd = daysToYmd(day);
      if (!this.isWorkday(ymd)) return 0;
      const s = Math.max(aMs, this.at(ymd, startHhmm).getTime());
      const e = Math.min(bMs, this.at(ymd, endHhmm).getTime());
      return e > s ? e - s : 0;
    };
    if (firstDay === lastDay) return part(firstDay) / MINUTE_MS;
    const key = `${startHhmm}-${endHhmm}`;
    const middle = lastDay - firstDay > 1 ? this.sumDays(firstDay + 1, lastDay, (t) => this.msPrefix(t, key, startHhmm, endHhmm)) : 0;
    return (part(firstDay) + middle + part(lastDay)) / MINUTE_MS;
  }

  /**
   * The earliest instant t ≥ d with `workingMinutesBetween(d, t) === minutes` — e.g. "2 working
   * hours after assignment". 0 gives d itself. A budget that runs out exactly at the end of a
   * working day ends there (18:00), not at the next morning's start. O(years spanned).
   */
  addWorkingMinutes(d: Date, minutes: number, hours: WorkingHours): Date {
    if (!(minutes >= 0) || !Number.isFinite(minutes)) throw new RangeError(`addWorkingMinutes needs minutes ≥ 0, got ${minutes}`);
    if (minutes === 0) return d;
    const start = hhmmToMinutes(hours.start);
    const end = hhmmToMinutes(hours.end);
    if (end <= start) throw new RangeError(`empty working hours ${hours.start}–${hours.end}`);
    const startHhmm = minutesToHhmm(start);
    const endHhmm = minutesToHhmm(end);
    const key = `${startHhmm}-${endHhmm}`;
    let left = minutes * MINUTE_MS;
    const ymd = this.localDate(d);
    if (this.isWorkday(ymd)) {
      const s = Math.max(d.getTime(), this.at(ymd, startHhmm).getTime());
      const e = this.at(ymd, endHhmm).getTime();
      if (e > s) {
        if (e - s >= left) return new Date(s + left);
        left -= e - s;
      }
    }
    // The first later day by whose end the budget is used up, from the prefix sums.
    const day = ymdToDays(ymd);
    let t = this.tableOfDay(day);
    let prefix = this.msPrefix(t, key, startHhmm, endHhmm);
    let want = prefix[day - t.first + 1]! + left;
    let idleYears = 0;
    while (want > prefix[prefix.length - 1]!) {
      want -= prefix[prefix.length - 1]!;
      t = this.table(t.year + 1);
      prefix = this.msPrefix(t, key, startHhmm, endHhmm);
      idleYears = prefix[prefix.length - 1] === 0 ? idleYears + 1 : 0;
      if (idleYears * 365 > MAX_SEARCH_DAYS) throw new Error(`addWorkingMinutes did not finish: ${minutes} minutes from ${d.toISOString()}`);
    }
    const i = firstReaching(prefix, want);
    return new Date(this.at(daysToYmd(t.first + i), startHhmm).getTime() + (want - prefix[i]!));
  }

  // ---- year tables ----

  /** The table of a year: built once, from overrides, the package or the week. */
  private table(year: number): YearTable {
    let t = this.tables.get(year);
    if (t) return t;
    if (year < 1 || year > 9999) throw new RangeError(`year ${year} is outside the calendar (1–9999)`);
    const first = ymdToDays(ymdOf(year, 1, 1));
    const length = daysInMonth(year, 2) === 29 ? 366 : 365;
    const work = new Uint8Array(length);
    const prefix = new Int32Array(length + 1);
    for (let i = 0; i < length; i++) {
      work[i] = this.computeWorkday(daysToYmd(first + i)) ? 1 : 0;
      prefix[i + 1] = prefix[i]! + work[i]!;
    }
    t = { year, first, work, prefix, total: prefix[length]!, ms: new Map() };
    this.tables.set(year, t);
    return t;
  }

  private tableOfDay(day: number): YearTable {
    const last = this.lastTable;
    if (last && day >= last.first && day < last.first + last.work.length) return last;
    const t = this.table(new Date(day * DAY_MS).getUTCFullYear());
    this.lastTable = t;
    return t;
  }

  /** Prefix sums of working milliseconds inside [start, end) of a year's days, per working hours. */
  private msPrefix(t: YearTable, key: string, startHhmm: string, endHhmm: string): Float64Array {
    let p = t.ms.get(key);
    if (p) return p;
    const length = t.work.length;
    p = new Float64Array(length + 1);
    for (let i = 0; i < length; i++) {
      let span = 0;
      if (t.work[i]) {
        const ymd = daysToYmd(t.first + i);
        span = Math.max(0, this.at(ymd, endHhmm).getTime() - this.at(ymd, startHhmm).getTime());
      }
      p[i + 1] = p[i]! + span;
    }
    t.ms.set(key, p);
    return p;
  }

  /** Σ over days lo ≤ d < hi of what `prefixOf` sums, year table by year table. */
  private sumDays(lo: number, hi: number, prefixOf: (t: YearTable) => ArrayLike<number>): number {
    let total = 0;
    let day = lo;
    while (day < hi) {
      const t = this.tableOfDay(day);
      const p = prefixOf(t);
      const stop = Math.min(hi, t.first + t.work.length);
      total += p[stop - t.first]! - p[day - t.first]!;
      day = stop;
    }
    return total;
  }

  // ---- internals ----

  /** Minutes since local midnight, fractional. */
  private minuteOfDay(d: Date): number {
    const local = d.getTime() + this.offsetMinutes(d) * MINUTE_MS;
    return (((local % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS;
  }

  private parts(ms: number): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
    const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
    for (const p of this.fmt.formatToParts(ms)) {
      if (p.type in out) out[p.type as keyof typeof out] = Number(p.value);
    }
    return out;
  }

  private wallToInstant(wall: number): number {
    const before = this.offsetMinutes(new Date(wall - DAY_MS));
    const after = this.offsetMinutes(new Date(wall + DAY_MS));
    let best: number | null = null;
    for (const off of before === after ? [before] : [before, after]) {
      const t = wall - off * MINUTE_MS;
      if (this.offsetMinutes(new Date(t)) === off && (best === null || t < best)) best = t;
    }
    // In a gap: reading the wall time with the offset from before the jump lands after it.
    return best ?? wall - before * MINUTE_MS;
  }
}

/** A year's working days: `prefix[i]` counts the working days among its first i days. */
interface YearTable {
  year: number;
  /** Days since 1970-01-01 of January 1. */
  first: number;
  work: Uint8Array;
  prefix: Int32Array;
  total: number;
  /** Prefix sums of working milliseconds, per 'HH:MM-HH:MM' of working hours. */
  ms: Map<string, Float64Array>;
}

/** The least i with prefix[i + 1] ≥ want (prefix is non-decreasing, want ≤ its last value). */
function firstReaching(prefix: ArrayLike<number>, want: number): number {
  let lo = 0;
  let hi = prefix.length - 2;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (prefix[mid + 1]! >= want) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Minute ranges of a day inside working hours and outside the quiet window. */
function allowedSegments(hours: WorkingHours, quiet?: QuietWindow | null): Array<[number, number]> {
  const start = hhmmToMinutes(hours.start);
  const end = hhmmToMinutes(hours.end);
  if (end <= start) return [];
  let segments: Array<[number, number]> = [[start, end]];
  if (quiet) {
    const qs = hhmmToMinutes(quiet.start);
    const qe = hhmmToMinutes(quiet.end);
    const blocked: Array<[number, number]> =
      qs < qe
        ? [[qs, qe]]
        : qs > qe
          ? [
              [qs, 1440],
              [0, qe],
            ]
          : [];
    for (const [bs, be] of blocked) {
      segments = segments.flatMap(([s, e]): Array<[number, number]> => {
        if (be <= s || bs >= e) return [[s, e]];
        const out: Array<[number, number]> = [];
        if (bs > s) out.push([s, bs]);
        if (be < e) out.push([be, e]);
        return out;
      });
    }
  }
  return segments.sort((x, y) => x[0] - y[0]);
}
