/**
 * The leave marks of the chase messages and cards: "代 张三（请假至 12月25日）" on what a deputy
 * receives, "主办请假至 12月25日" on the 督办 card. Pure; names are escaped for where they go.
 */
import { dueFellDuringLeave } from '../domain/policy.js';
import type { Lang, Task } from '../domain/types.js';
import type { CardView } from './primitives.js';
import { timeOrDayTime } from './time.js';
import { t } from '../i18n.js';
import { textSafe } from './chase.js';
import { escapeInline } from './escape.js';
import { shortDay } from './time.js';

/** "请假至 12月25日". */
export function awayUntil(lastDay: string, lang: Lang): string {
  return t(lang, 'leave.away_until', { last: shortDay(lastDay, lang) });
}

/**
 * The note of a chase item: for whom its recipients act, else that the lead is away (on the
 * supervisor's 督办); '' when nobody involved is on leave.
 */
export function leaveNote(
  actingFor: ReadonlyArray<{ userId: string; lastDay: string }>,
  leadAwayUntil: string | null,
  names: Record<string, string>,
  lang: Lang,
  target: 'text' | 'md',
): string {
  const safe = (s: string) => (target === 'text' ? textSafe(s, 40) : escapeInline(s));
  if (actingFor.length) {
    return actingFor.map((a) => t(lang, 'leave.acting_for', { who: safe(names[a.userId] ?? a.userId), last: shortDay(a.lastDay, lang) })).join(' ');
  }
  if (leadAwayUntil) return `${t(lang, 'task.card.lead')}${awayUntil(leadAwayUntil, lang)}`;
  return '';
}

const MAX_BRIEFING_ITEMS = 20;

export interface BriefingView {
  lang: Lang;
  /** 'YYYY-MM-DD HH:MM' style local formatting of a deadline. */
  when: (d: Date) => string;
}

/**
 * The one end-of-leave briefing: what waits for the person, deadlines as they stand, and 延期
 * suggested where a deadline fell during the leave (`fellDuring`). Deadlines never move by themselves.
 */
export function leaveBriefingCard(
  tasks: ReadonlyArray<{ number: number; title: string; dueAt: Date | null; fellDuring: boolean; mine: boolean }>,
  leave: { firstDay: string; lastDay: string },
  view: BriefingView,
): Record<string, unknown> {
  const { lang } = view;
  const from = shortDay(leave.firstDay, lang);
  const to = shortDay(leave.lastDay, lang);
  const elements: unknown[] = [];
  if (!tasks.length) elements.push({ tag: 'markdown', content: t(lang, 'leave.briefing.none', { from, to }) });
  else {
    elements.push({ tag: 'markdown', content: t(lang, 'leave.briefing.intro', { from, to, count: tasks.length }) });
    const lines: string[] = [];
    for (const task of tasks.slice(0, MAX_BRIEFING_ITEMS)) {
      lines.push(
        `- ${t(lang, 'leave.briefing.item', { n: task.number, title: escapeInline(task.title.slice(0, 100)), due: task.dueAt ? view.when(task.dueAt) : t(lang, 'chase.no_due') })}`,
      );
      if (task.fellDuring && task.mine) lines.push(`  ${t(lang, 'leave.briefing.suggest_extend', { n: task.number })}`);
    }
    elements.push({ tag: 'markdown', content: lines.join('\n') });
    if (tasks.length > MAX_BRIEFING_ITEMS)
      elements.push({ tag: 'markdown', content: t(lang, 'leave.briefing.more', { count: tasks.length - MAX_BRIEFING_ITEMS }) });
  }
  return {
    schema: '2.0',
    config: { update_multi: true },
    header: { title: { tag: 'plain_text', content: t(lang, 'leave.briefing.title') }, template: 'blue' },
    body: { elements },
  };
}

/** " · 请假至 12月25日" after a person's name on a card or list, while they are away. */
export function awayMark(userId: string, view: Pick<CardView, 'leaves' | 'lang'>): string {
  const l = view.leaves?.[userId];
  return l?.active ? ` · ${awayUntil(l.lastDay, view.lang)}` : '';
}

/** The 延期 hint of an open task whose deadline fell while its lead was away; '' otherwise. */
export function extendHint(task: Pick<Task, 'number' | 'dueAt' | 'assignees' | 'state'>, view: Pick<CardView, 'leaves' | 'lang' | 'names'>): string {
  if (task.state !== 'assigned' && task.state !== 'in_progress') return '';
  const lead = task.assignees.find((a) => a.role === 'lead')?.userId;
  const l = lead ? view.leaves?.[lead] : undefined;
  if (!lead || !l || !dueFellDuringLeave(task.dueAt, l)) return '';
  return t(view.lang, 'leave.due_in_leave', { who: escapeInline(view.names?.[lead] ?? ''), n: task.number });
}

/**
 * "已催办 3 次，最近一次 12月2日 09:30，已读 09:42" (or "未读"): the 催办 count and the read
 * receipt of the latest one; '' before any 催办 message went out.
 */
export function readMarkLine(
  chaseCount: number,
  mark: { sentAt: Date; readAt: Date | null } | undefined,
  view: Pick<CardView, 'lang' | 'tz' | 'now'>,
  withCount = true,
): string {
  if (!mark) return '';
  const { lang } = view;
  const sent = timeOrDayTime(mark.sentAt, view.tz, lang, view.now);
  const read = mark.readAt ? t(lang, 'read.read_at', { at: timeOrDayTime(mark.readAt, view.tz, lang, mark.sentAt) }) : t(lang, 'read.unread');
  const sep = lang === 'zh' ? '，' : ', ';
  const head = withCount ? t(lang, 'read.chased', { count: chaseCount, at: sent }) : t(lang, 'read.latest', { at: sent });
  return `${head}${sep}${read}`;
}
