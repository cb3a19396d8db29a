/**
 * 周期任务 and 反馈周期 in words: the rule, the reply to the creating command, an instance's
 * detail line, the /撤销 choice card, the /任务 周期 list and the group's 未反馈 list. Pure.
 */
import { t } from '../i18n.js';
import { deadlinesFrom, type Deadline, type Recurrence, type SeriesEnd, type SeriesInput } from '../domain/series.js';
import type { WorkCalendar } from '../domain/calendar.js';
import { newTask, type Decision } from '../domain/task.js';
import type { ChatSettings, Lang, Task } from '../domain/types.js';
import { leadOf } from '../domain/roles.js';
import { atInText, textSafe } from './chase.js';
import { escapeInline } from './escape.js';
import { taskValue } from './payload.js';
import { button, buttonRow, md } from './primitives.js';
import { dayWithWeekday, EN_MONTH_LONG, EN_WEEKDAY_N, ZH_WEEKDAY_N } from './time.js';

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
}

/** The rule as the office says it: 每月5日前, 每周五16:00前; English "every month by the 5th". */
export function ruleText(rule: Recurrence, lang: Lang): string {
  const time = rule.time ? (lang === 'zh' ? rule.time : ` ${rule.time}`) : '';
  switch (rule.kind) {
    case 'weekly':
      return t(lang, 'series.rule.weekly', { weekday: lang === 'zh' ? ZH_WEEKDAY_N[rule.weekday]! : EN_WEEKDAY_N[rule.weekday]!, time });
    case 'monthly':
      return t(lang, 'series.rule.monthly', { day: lang === 'zh' ? rule.day : ordinal(rule.day), time });
    case 'month_end':
      return t(lang, 'series.rule.month_end', { time });
    case 'quarter_end':
      return t(lang, 'series.rule.quarter_end', { time });
    case 'yearly':
      return t(lang, 'series.rule.yearly', { month: lang === 'zh' ? rule.month : EN_MONTH_LONG[rule.month]!, day: rule.day, time });
  }
}

/** A cadence in words (no "前", no time): 每周五, every friday. */
export function cadenceText(rule: Recurrence, lang: Lang): string {
  switch (rule.kind) {
    case 'weekly':
      return t(lang, 'series.cadence.weekly', { weekday: lang === 'zh' ? ZH_WEEKDAY_N[rule.weekday]! : EN_WEEKDAY_N[rule.weekday]! });
    case 'monthly':
      return t(lang, 'series.cadence.monthly', { day: lang === 'zh' ? rule.day : ordinal(rule.day) });
    case 'month_end':
      return t(lang, 'series.cadence.month_end');
    case 'quarter_end':
      return t(lang, 'series.cadence.quarter_end');
    case 'yearly':
      return t(lang, 'series.cadence.yearly', { month: lang === 'zh' ? rule.month : EN_MONTH_LONG[rule.month]!, day: rule.day });
  }
}

/** The period an instance stands for: 2027年2月 for monthly rules, 2月5日 for weekly ones, 2027年 for yearly. */
export function periodText(rule: Recurrence, period: string, lang: Lang): string {
  const [y, m, d] = period.split('-').map(Number) as [number, number, number];
  if (rule.kind === 'weekly') return t(lang, 'series.period_day', { month: m, day: d, monthName: EN_MONTH_LONG[m]! });
  if (rule.kind === 'yearly') return String(y);
  return t(lang, 'series.period_month', { year: y, month: m, monthName: EN_MONTH_LONG[m]! });
}

/** The detail line of an instance: which series, which period, and a moved deadline said so. */
export function instanceDetail(rule: Recurrence, d: Deadline, lang: Lang): string {
  const base = t(lang, 'series.instance_detail', { rule: ruleText(rule, lang), period: periodText(rule, d.period, lang) });
  return d.moved ? base + t(lang, 'series.instance_moved', { nominal: dayWithWeekday(d.period, lang), due: dayWithWeekday(d.due, lang) }) : base;
}

/** A deadline line of the creating reply. */
export function deadlineLine(d: Deadline, time: string, lang: Lang, thisYear: string): string {
  const due = `${dayWithWeekday(d.due, lang, thisYear)} ${time}`;
  return d.moved ? t(lang, 'series.next_line_moved', { due, nominal: dayWithWeekday(d.period, lang, thisYear) }) : t(lang, 'series.next_line', { due });
}

export interface SeriesReplyInput {
  title: string;
  rule: Recurrence;
  leadWorkdays: number;
  lead: string;
  co: string[];
  next: Deadline[];
  time: string;
  firstNumber: number | null;
  firstDay: string;
  feedback: Recurrence | null;
  feedbackAt: string;
  today: string;
  end?: SeriesEnd | null;
  /** The last instance's deadline when the series ends. */
  last?: Deadline | null;
}

/** Where a series ends in words: 至2027年6月 / 至2027年6月20日 / 共12次; until June 2027 / 12 times. */
export function endText(end: SeriesEnd, lang: Lang): string {
  if (end.kind === 'count') return t(lang, 'series.end.count', { n: end.count });
  const [y, m, d] = end.ymd.split('-').map(Number) as [number, number, number];
  return end.month
    ? t(lang, 'series.end.month', { year: y, month: m, monthName: EN_MONTH_LONG[m]! })
    : t(lang, 'series.end.day', { year: y, month: m, day: d, monthName: EN_MONTH_LONG[m]! });
}

/** The reply to `/交办 … 每月5日前`: what was understood (the rule in words, the next deadlines, who). */
export function seriesCreatedText(x: SeriesReplyInput, lang: Lang, names: Record<string, string>): string {
  const who = (id: string) => `@${names[id] ?? id}`;
  const year = x.today.slice(0, 4);
  return t(lang, 'series.created', {
    title: x.title,
    rule: ruleText(x.rule, lang),
    lead: who(x.lead),
    co: x.co.length ? t(lang, 'series.co', { co: x.co.map(who).join(' ') }) : '',
    days: x.leadWorkdays,
    next: x.next.map((d) => deadlineLine(d, x.time, lang, year)).join('\n'),
    first:
      x.firstNumber !== null
        ? t(lang, 'series.first_now', { n: x.firstNumber })
        : t(lang, 'series.first_later', { day: dayWithWeekday(x.firstDay, lang, year) }),
    feedback: x.feedback ? t(lang, 'series.feedback_line', { rule: cadenceText(x.feedback, lang), at: x.feedbackAt }) : '',
    end: x.end
      ? t(lang, 'series.end_line', { end: endText(x.end, lang), last: x.last ? `${dayWithWeekday(x.last.due, lang, year)} ${x.time}` : '—' })
      : t(lang, 'series.end_none'),
  });
}

/**
 * The question /撤销 #N asks about an instance: only this one, or the whole series. The
 * buttons carry the task id and the series id; the handler reloads both within the tenant.
 * Card JSON 2.0: https://open.feishu.cn/document/feishu-cards/card-json-v2-structure
 */
export function cancelChoiceCard(
  task: Pick<Task, 'id' | 'number' | 'title'>,
  seriesId: number,
  rule: Recurrence,
  reason: string | null,
  lang: Lang,
  chosen?: 'one' | 'all',
): Record<string, unknown> {
  const base = { ...taskValue('series_cancel', task), s: seriesId, ...(reason ? { r: reason.slice(0, 200) } : {}) };
  const one = t(lang, 'series.cancel_instance', { n: task.number });
  const all = t(lang, 'series.cancel_series');
  const elements: unknown[] = [md(t(lang, 'series.cancel_ask', { n: task.number, title: escapeInline(task.title), rule: ruleText(rule, lang) }))];
  if (chosen) elements.push(md(t(lang, 'series.cancel_choice_made', { choice: chosen === 'one' ? one : all })));
  else {
    elements.push(buttonRow([button(one, { ...base, w: 'one' }, 'default'), button(all, { ...base, w: 'all' }, 'danger')]));
  }
  return {
    schema: '2.0',
    config: { update_multi: true },
    header: { title: { tag: 'plain_text', content: t(lang, 'series.cancel_ask_title', { n: task.number }) }, template: 'orange' },
    body: { elements },
  };
}

export interface SeriesListRow {
  title: string;
  rule: Recurrence;
  leadId: string;
  next: Deadline | null;
  time: string;
  made: number;
  lastNumber: number | null;
  end?: SeriesEnd | null;
}

/** At most this many series in one /任务 周期 answer. */
export const SERIES_LIST_MAX = 30;

/** /任务 周期: the chat's active series, each with its rule, lead and next deadline. */
export function seriesListText(rows: readonly SeriesListRow[], total: number, lang: Lang, names: Record<string, string>, today: string): string {
  if (rows.length === 0) return t(lang, 'series.list_empty');
  const lines = [t(lang, 'series.list_title', { count: total })];
  for (const r of rows) {
    lines.push(
      t(lang, 'series.list_line', {
        title: r.title,
        rule: ruleText(r.rule, lang),
        lead: `@${names[r.leadId] ?? r.leadId}`,
        next: r.next ? `${dayWithWeekday(r.next.due, lang, today.slice(0, 4))} ${r.time}` : t(lang, 'series.list_no_next'),
        made: r.made,
        last: r.lastNumber ? t(lang, 'series.list_last', { n: r.lastNumber }) : '',
        end: r.end ? t(lang, 'series.list_end', { end: endText(r.end, lang) }) : '',
      }),
    );
  }
  if (total > rows.length) lines.push(t(lang, 'series.list_more', { count: total - rows.length }));
  return lines.join('\n');
}

/** At most this many tasks in one 未反馈 list; the rest are counted. */
export const MISSING_LIST_MAX = 30;

/** The group's one 未反馈 list of a cadence day: tasks whose lead has not reported, each lead mentioned. */
export function missingFeedbackText(tasks: readonly Task[], day: string, lang: Lang): string {
  const lines = [t(lang, 'feedback.missing_title', { date: dayWithWeekday(day, lang), count: tasks.length })];
  for (const task of tasks.slice(0, MISSING_LIST_MAX)) {
    const lead = leadOf(task);
    lines.push(t(lang, 'feedback.missing_line', { n: task.number, title: textSafe(task.title, 60), lead: lead ? atInText(lead) : '—' }));
  }
  if (tasks.length > MISSING_LIST_MAX) lines.push(t(lang, 'series.list_more', { count: tasks.length - MISSING_LIST_MAX }));
  lines.push(t(lang, 'feedback.missing_hint'));
  return lines.join('\n');
}

/** The deadline time of a series' instances: the rule's, else the chat's end of the working day. */
export function timeOf(s: { rule: Recurrence }, settings: Pick<ChatSettings, 'endOfDay'>): string {
  return s.rule.time ?? settings.endOfDay;
}

/** The next deadlines of a series from `now` on (those whose moment has not passed). */
export function upcomingDeadlines(s: { rule: Recurrence }, settings: ChatSettings, cal: WorkCalendar, now: Date, count: number): Deadline[] {
  const time = timeOf(s, settings);
  return deadlinesFrom(s.rule, cal.localDate(now), count + 1, cal)
    .filter((d) => cal.at(d.due, time).getTime() > now.getTime())
    .slice(0, count);
}

/** The task of one period of a series, as newTask makes any task; its detail names the series and the period. */
export function instanceOf(s: SeriesInput & { id?: number }, d: Deadline, settings: ChatSettings, cal: WorkCalendar, lang: Lang, now: Date): Decision {
  const dueAt = cal.at(d.due, timeOf(s, settings));
  const decision = newTask({
    tenantKey: s.tenantKey,
    number: 0,
    title: s.title,
    detail: instanceDetail(s.rule, d, lang),
    category: s.category,
    source: s.source,
    priority: s.priority,
    creatorId: s.creatorId,
    supervisorId: null,
    chatId: s.chatId,
    leadId: s.leadId,
    coIds: s.coIds,
    dueAt,
    dueRule: null,
    now,
  });
  decision.events[0]!.payload.series = { ...(s.id ? { id: s.id } : {}), rule: s.rule, period: d.period, moved: d.moved };
  return decision;
}
