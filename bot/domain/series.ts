/**
 * 周期任务 (a series): one task per period of a recurrence rule (bot/parse/recurrence.ts), each
 * its own #N. Pure: the rule, the working calendar and dates in; periods, deadlines and the
 * creation day of each instance out.
 *
 * A period is named by its nominal date (`2027-02-05` for 每月5日 in February; the last day of
 * the month or quarter for 每月最后一个工作日 / 每季度末). Its deadline is that date, or — when
 * the date is not a working day — the working day before it (`moved`); 每月最后一个工作日 is the
 * last working day by definition and never "moved". An instance is created `leadWorkdays`
 * working days before its deadline day (on the deadline day itself when 0).
 *
 * The same rules give a task's feedback cadence: its cadence days are the deadline days of the
 * rule's periods.
 * @example
 *   deadlinesFrom({ kind: 'monthly', day: 5, time: null }, '2027-01-01', 3, cal)
 *   // → [{ period: '2027-01-05', due: '2027-01-05', moved: false }, { period: '2027-02-05', due: '2027-02-04', moved: true }, …]
 */
import { addDays, daysInMonth, hhmmToMinutes, minutesToHhmm, weekdayOf, ymdOf } from './calendar.js';
import type { Category, Priority } from './types.js';

/** A recurrence rule; `time` is the deadline's time of day ('HH:MM'), null for the end of the working day. */
export type Recurrence =
  /** weekday 1 = Monday … 7 = Sunday */
  | { kind: 'weekly'; weekday: number; time: string | null }
  | { kind: 'monthly'; day: number; time: string | null }
  /** the last working day of each month */
  | { kind: 'month_end'; time: string | null }
  /** the last day of March, June, September and December */
  | { kind: 'quarter_end'; time: string | null }
  | { kind: 'yearly'; month: number; day: number; time: string | null };

/** What each instance of a series is made of: who, in which chat, what, and the rule (db/series.ts stores it). */
export interface SeriesInput {
  tenantKey: string;
  chatId: string;
  creatorId: string;
  leadId: string;
  coIds: string[];
  title: string;
  category: Category | null;
  source: string | null;
  priority: Priority;
  rule: Recurrence;
}

/** The part of WorkCalendar (bot/domain/calendar.ts) the series rules use. */
export interface SeriesCalendar {
  isWorkday(ymd: string): boolean;
  prevWorkday(ymd: string): string;
  lastWorkdayOfMonth(year: number, month: number): string;
}

/** Where a series ends: the last nominal date a period may have (至2027年6月), or a number of instances (共12次). */
export type SeriesEnd = { kind: 'until'; ymd: string; month: boolean } | { kind: 'count'; count: number };

export interface SeriesSpec {
  rule: Recurrence;
  /** Working days before the deadline day an instance is created. */
  leadWorkdays: number;
  /** Absent: the series runs until it is stopped. */
  end?: SeriesEnd | null;
}

/**
 * The first `count` periods from the one of `first` on, enumerated in bounded chunks and never
 * past `latest` (a YYYY-MM-DD): the last of them, or null when the count reaches beyond `latest`.
 * With `count` Infinity: the last period on or before `latest`.
 */
export function nthPeriod(rule: Recurrence, first: Deadline, count: number, latest: string, cal: SeriesCalendar): Deadline | null {
  let last = first;
  for (let made = 1; made < count; ) {
    // A deadline may move before the previous period's nominal date: search from the last deadline day.
    const more = deadlinesFrom(rule, last.due, MAX_PERIODS, cal).filter((d) => d.period > last.period);
    if (more.length === 0) return count === Number.POSITIVE_INFINITY ? last : null;
    for (const d of more) {
      if (d.period > latest) return count === Number.POSITIVE_INFINITY ? last : null;
      last = d;
      if (++made === count) break;
    }
  }
  return last;
}

export interface Deadline {
  /** The period's nominal date: the instance's key within its series. */
  period: string;
  /** The deadline day (a working day). */
  due: string;
  /** True when the nominal date was a day off and the deadline moved to the working day before. */
  moved: boolean;
}

/** At most this many periods are enumerated in one call (a year of weeks, with room). */
const MAX_PERIODS = 60;

/** The nominal date of the period that contains or follows `ymd` (the first nominal date ≥ ymd). */
export function nominalOnOrAfter(rule: Recurrence, ymd: string): string {
  const y = Number(ymd.slice(0, 4));
  const m = Number(ymd.slice(5, 7));
  switch (rule.kind) {
    case 'weekly': {
      const delta = (rule.weekday - weekdayOf(ymd) + 7) % 7;
      return addDays(ymd, delta);
    }
    case 'monthly': {
      for (let i = 0; i < 2; i++) {
        const yy = y + Math.floor((m - 1 + i) / 12);
        const mm = ((m - 1 + i) % 12) + 1;
        const d = ymdOf(yy, mm, Math.min(rule.day, daysInMonth(yy, mm)));
        if (d >= ymd) return d;
      }
      throw new Error('unreachable');
    }
    case 'month_end':
      return ymdOf(y, m, daysInMonth(y, m));
    case 'quarter_end': {
      const qm = Math.ceil(m / 3) * 3;
      return ymdOf(y, qm, daysInMonth(y, qm));
    }
    case 'yearly': {
      for (let i = 0; i < 2; i++) {
        const d = ymdOf(y + i, rule.month, Math.min(rule.day, daysInMonth(y + i, rule.month)));
        if (d >= ymd) return d;
      }
      throw new Error('unreachable');
    }
  }
}

/** The deadline day of a period (its nominal date, or the working day before it). */
export function deadlineOf(rule: Recurrence, period: string, cal: SeriesCalendar): Deadline {
  if (rule.kind === 'month_end') {
    const due = cal.lastWorkdayOfMonth(Number(period.slice(0, 4)), Number(period.slice(5, 7)));
    return { period, due, moved: false };
  }
  if (cal.isWorkday(period)) return { period, due: period, moved: false };
  return { period, due: cal.prevWorkday(period), moved: true };
}

/**
 * The periods whose deadline day is on or after `fromYmd`, in order, at most `count` of them.
 * (A period's deadline may move before its nominal date, so the search starts a little earlier.)
 */
export function deadlinesFrom(rule: Recurrence, fromYmd: string, count: number, cal: SeriesCalendar): Deadline[] {
  const out: Deadline[] = [];
  // The longest run of days off is under three weeks: a deadline moves back at most that far.
  let probe = addDays(fromYmd, -21);
  for (let i = 0; out.length < Math.min(count, MAX_PERIODS) && i < MAX_PERIODS + 30; i++) {
    const period = nominalOnOrAfter(rule, probe);
    const d = deadlineOf(rule, period, cal);
    if (d.due >= fromYmd) out.push(d);
    probe = addDays(period, 1);
  }
  return out;
}

/** The day an instance with this deadline day is created: `lead` working days before it. */
export function creationDay(dueYmd: string, lead: number, cal: SeriesCalendar): string {
  let d = dueYmd;
  for (let i = 0; i < lead; i++) d = cal.prevWorkday(d);
  return d;
}

/** Whether `ymd` is a cadence day of the rule (a deadline day of one of its periods). */
export function isCadenceDay(rule: Recurrence, ymd: string, cal: SeriesCalendar): boolean {
  if (!cal.isWorkday(ymd)) return false;
  const [first] = deadlinesFrom(rule, ymd, 1, cal);
  return first?.due === ymd;
}

/** The cadence day before `ymd` (strictly), or null when none lies within the search window. */
export function previousCadenceDay(rule: Recurrence, ymd: string, cal: SeriesCalendar): string | null {
  // Periods are at most a year apart: look back one period and the longest run of days off.
  const back = { weekly: 14, monthly: 70, month_end: 70, quarter_end: 130, yearly: 400 }[rule.kind];
  const list = deadlinesFrom(rule, addDays(ymd, -back), MAX_PERIODS, cal).filter((d) => d.due < ymd);
  return list.length ? list[list.length - 1]!.due : null;
}

/** Minutes before the end of working hours at which a cadence day's 未反馈 list goes to the group. */
export const FEEDBACK_LIST_BEFORE_END_MINUTES = 30;

/** When a cadence day's 未反馈 list is posted: half an hour before the end of working hours ('HH:MM'). */
export function feedbackListTime(settings: { workStart: string; workEnd: string }): string {
  const end = hhmmToMinutes(settings.workEnd);
  const start = hhmmToMinutes(settings.workStart);
  return minutesToHhmm(Math.max(start, end - FEEDBACK_LIST_BEFORE_END_MINUTES));
}
