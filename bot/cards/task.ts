/**
 * Task cards, Lark card JSON 2.0 (shared, `update_multi`, so one PATCH updates it for all):
 * the group card (任务卡片) that @-mentions the assignees and carries the buttons that fit
 * the state, the p2p card each assignee gets, the /查看 detail card with the whole ledger,
 * and the due text the list shares. Pure: the handler passes `now`, the calendar and display
 * names. Every piece of user text goes through escape.ts. The pieces every card is built of
 * are primitives.ts; the /任务 list is list.ts, /帮助 help.ts.
 *
 * Button payloads are payload.ts's `taskValue`; the handler never trusts them (the task is
 * reloaded, the clicker's permission re-checked by roles.ts).
 * Lark refuses cards over 30 KB; the detail card drops the oldest history to stay under it.
 * @example taskCard(task, { lang: 'zh', now, tz: 'Asia/Shanghai', calendar, settings })
 */
import { t, type KeyTail } from '../i18n.js';
import type { Light, OutMessage, Task, TaskEvent } from '../domain/types.js';
import { lightWithReason, type LightCalendar } from '../domain/light.js';
import { provisionalYearOf } from '../domain/calendar.js';
import { isOpen, supervisorOf } from '../domain/roles.js';
import { extensionIsLive } from '../domain/task.js';
import { formatDateTime } from './time.js';
import { extensionForm, progressForm, rejectForm } from './task-forms.js';
import { awayMark, extendHint, readMarkLine } from './leave.js';
import { atUser, escapeInline, escapeMarkdown, plainText, truncate } from './escape.js';
import { CARD_MAX_BYTES, cardBytes } from './size.js';
import { taskValue, type CardActionName } from './payload.js';
import { button, buttonRow, colon, fitCard, md, paren, personMd, shell, type Card, type CardView } from './primitives.js';

export const TITLE_MAX = 200;
const NOTE_SHOWN_MAX = 500;
const HISTORY_NOTE_MAX = 200;

/** Names of the inputs inside the forms, read back from `form_value`. */
export { FORM_FIELDS } from './task-forms.js';

const LIGHT_TEMPLATE: Record<Light, string> = { red: 'red', yellow: 'orange', green: 'green' };
export const LIGHT_ICON: Record<Light, string> = { red: '🔴', yellow: '🟡', green: '🟢' };
const STATE_COLOR: Record<Task['state'], string> = {
  assigned: 'orange',
  in_progress: 'blue',
  submitted: 'violet',
  done: 'green',
  cancelled: 'neutral',
};

// ───────────────────────── formatting ─────────────────────────

/** How many characters of the title a card header shows; the body has it whole. */
export const HEADER_TITLE_MAX = 40;

/** "还剩 N 个工作日" / "今天到期" / "已逾期 N 个工作日", counted on the working calendar. */
export function dueText(task: Pick<Task, 'dueAt'> & Partial<Pick<Task, 'state' | 'submittedAt'>>, view: Pick<CardView, 'lang' | 'now' | 'calendar'>): string {
  const { lang, now, calendar } = view;
  const today = calendar.localDate(now);
  // Submitted: the clock is the reviewer's, counted from the submission.
  if (task.state === 'submitted' && task.submittedAt) {
    return t(lang, 'task.due.review', { days: Math.max(0, calendar.workdaysBetween(calendar.localDate(task.submittedAt), today)) });
  }
  if (!task.dueAt) return t(lang, 'task.due.none');
  const dueDay = calendar.localDate(task.dueAt);
  if (now.getTime() > task.dueAt.getTime()) {
    const days = calendar.workdaysBetween(dueDay, today);
    return days > 1 ? t(lang, 'task.due.overdue', { days }) : days === 1 ? t(lang, 'task.due.overdue_one') : t(lang, 'task.due.overdue_today');
  }
  if (dueDay === today) return t(lang, 'task.due.today');
  // Working days from today up to the due day; a due day off work (a holiday) counts none of its own.
  const days = calendar.workdaysBetween(today, dueDay);
  if (days <= 0) return t(lang, 'task.due.left_none');
  return days === 1 ? t(lang, 'task.due.left_one') : t(lang, 'task.due.left', { days });
}

/** "（非工作日）" when the deadline falls on a day off: kept as given, flagged wherever it is shown. */
export function offDayFlag(dueAt: Date, view: Pick<CardView, 'lang' | 'calendar'>): string {
  const cal = view.calendar as LightCalendar & { isWorkday?(ymd: string): boolean };
  if (!cal.isWorkday || cal.isWorkday(cal.localDate(dueAt))) return '';
  return paren(view.lang, t(view.lang, 'task.due.off_day'));
}

/** The button's value says which card it sits on, so the answer re-renders the same one. */
const payload = (task: Task, a: CardActionName, audience: CardAudience) => taskValue(a, task, audience);

// ───────────────────────── the task card ─────────────────────────

export type CardAudience = 'group' | 'assignee' | 'detail';

/** The fields block shared by the group card, the p2p card and the detail card. */
function fieldLines(task: Task, view: CardView, _audience: CardAudience): string[] {
  const { lang } = view;
  const L = (k: KeyTail<'task.card.'>) => t(lang, `task.card.${k}`);
  const lead = task.assignees.find((a) => a.role === 'lead');
  const co = task.assignees.filter((a) => a.role === 'co');
  // The group card mentions everyone on its first line; here names suffice.
  const mentionAssignees = false;
  const signed = (a: { acceptedAt: Date | null }) => (a.acceptedAt ? ' ✓' : '');
  const c = colon(lang);
  const sep = lang === 'zh' ? '　' : ' · ';
  const lines: string[] = [];
  if (lead) lines.push(`**${L('lead')}**${c}${personMd(lead.userId, view, mentionAssignees)}${signed(lead)}${awayMark(lead.userId, view)}`);
  if (co.length)
    lines.push(
      `**${L('co')}**${c}${co.map((a) => personMd(a.userId, view, mentionAssignees) + signed(a) + awayMark(a.userId, view)).join(lang === 'zh' ? '、' : ', ')}`,
    );

  if (task.dueAt) {
    let due = `**${L('due')}**${c}${formatDateTime(task.dueAt, view)}${offDayFlag(task.dueAt, view)}`;
    if (isOpen(task)) due += ` · ${dueText(task, view)}`;
    if (task.originalDueAt && task.originalDueAt.getTime() !== task.dueAt.getTime()) {
      due += paren(lang, t(lang, 'task.due.extended', { original: formatDateTime(task.originalDueAt, view, false) }));
    }
    lines.push(due);
    const hint = extendHint(task, view);
    if (hint) lines.push(`⚠️ ${hint}`);
    const provisional = isOpen(task) ? provisionalYearOf(task, view.calendar) : null;
    if (provisional !== null) lines.push(`⚠️ ${t(lang, 'calendar.provisional_note', { year: provisional })}`);
  } else {
    lines.push(`**${L('due')}**${c}${t(lang, 'task.due.none')}${isOpen(task) ? paren(lang, t(lang, 'task.due.none_hint', { n: task.number })) : ''}`);
  }

  // 催办 and its read receipt: the detail card (/查看) shows who was chased and whether they read it.
  const readLine = _audience === 'detail' && isOpen(task) ? readMarkLine(task.chaseCount, view.reads?.[task.id], view) : '';
  if (readLine) lines.push(`**${L('chased')}**${c}${readLine}`);

  const state = t(lang, `task.state.${task.state}`);
  if (isOpen(task)) {
    const { light, reason } = lightWithReason(task, view.now, view.calendar, view.settings);
    const why = reason ? paren(lang, t(lang, `task.light_reason.${reason}`)) : '';
    lines.push(`**${L('state')}**${c}${state} · ${t(lang, `task.light.${light}`)}${why}`);
  } else {
    lines.push(`**${L('state')}**${c}${state}${task.doneAt ? ` · ${formatDateTime(task.doneAt, view, false)}` : ''}`);
  }

  const meta: string[] = [];
  if (task.priority !== 'normal') meta.push(`**${L('priority')}**${c}${t(lang, `task.priority.${task.priority}`)}`);
  if (task.category) meta.push(`**${L('category')}**${c}${t(lang, `task.category.${task.category}`)}`);
  if (meta.length) lines.push(meta.join(sep));
  if (task.source) lines.push(`**${L('source')}**${c}${escapeInline(truncate(task.source, 200))}`);
  const supervisor = supervisorOf(task, { supervisorId: view.chatSupervisorId ?? null });
  lines.push(
    `**${L('creator')}**${c}${personMd(task.creatorId, view)}` +
      (supervisor !== task.creatorId ? `${sep}**${L('supervisor')}**${c}${personMd(supervisor, view)}` : ''),
  );
  if (task.detail) lines.push(`**${L('detail')}**${c}${escapeMarkdown(truncate(task.detail, NOTE_SHOWN_MAX))}`);
  if (task.origin && /^https:\/\/applink\.feishu\.cn\/[\w/?=&%.-]+$/.test(task.origin.link)) {
    lines.push(`**${L('origin')}**${c}[${t(lang, 'task.card.origin_link')}](${task.origin.link})`);
  }
  if (task.lastEdit) lines.push(`**${L('last_edit')}**${c}${historyLine(task.lastEdit, view)}`);
  if (task.revisitAt && task.state === 'done') lines.push(`**${L('revisit')}**${c}${formatDateTime(task.revisitAt, view)}`);
  return lines;
}

/**
 * 最新进展, each person's own: the lead's with its percent, then each co-assignee's, each with
 * a name. Tasks from before per-person progress show the task's last report.
 */
export function progressLines(task: Task, view: CardView): string[] {
  const { lang } = view;
  const c = colon(lang);
  const label = `**${t(lang, 'task.card.progress')}**`;
  const reporters = task.assignees.filter((a) => a.progress);
  const out: string[] = [];
  if (reporters.length) {
    out.push(`${label}${c}`);
    for (const a of reporters) {
      const p = a.progress!;
      const role = t(lang, a.role === 'lead' ? 'task.card.lead' : 'task.card.co');
      const bits = [role, ...(p.percent !== null ? [`${p.percent}%`] : []), formatDateTime(p.at, view, false)].join(' · ');
      const text = p.text ? escapeMarkdown(truncate(p.text, NOTE_SHOWN_MAX)) : '';
      out.push(`- ${personMd(a.userId, view)}${paren(lang, bits)}${text ? `${c}${text}` : ''}`);
    }
  } else if (task.lastProgressAt) {
    const pct = task.percent !== null ? `${task.percent}% · ` : '';
    const when = formatDateTime(task.lastProgressAt, view, false);
    const text = task.lastProgressText ? escapeMarkdown(truncate(task.lastProgressText, NOTE_SHOWN_MAX)) : '';
    out.push(`${label}${paren(lang, `${pct}${when}`)}${c}${text}`);
  } else if (isOpen(task)) {
    out.push(`${label}${c}${t(lang, 'task.card.no_progress')}`);
  }
  return [...returnedLines(task, view), ...out];
}

/** 退回: why and by whom, shown until the next submission. */
function returnedLines(task: Task, view: CardView): string[] {
  const r = task.returned;
  if (!r || task.state !== 'in_progress') return [];
  const { lang } = view;
  if (r.rework) {
    // Reopened by a 回头看 that found a problem: the 整改 round and what it asks for.
    const reason = r.reason ? t(lang, 'task.card.rework_reason', { reason: escapeMarkdown(truncate(r.reason, NOTE_SHOWN_MAX)) }) : '';
    return [
      `**${t(lang, 'task.card.rework')}**${colon(lang)}` +
        t(lang, 'task.card.rework_text', { round: r.rework, who: personMd(r.by, view), at: formatDateTime(r.at, view, false), reason }),
    ];
  }
  return [
    `**${t(lang, 'task.card.returned')}**${colon(lang)}` +
      t(lang, 'task.card.returned_text', {
        who: personMd(r.by, view),
        at: formatDateTime(r.at, view, false),
        reason: escapeMarkdown(truncate(r.reason, NOTE_SHOWN_MAX)),
      }),
  ];
}

function extensionLines(task: Task, view: CardView): string[] {
  const p = task.pendingExtension;
  if (!p || !isOpen(task)) return [];
  const lapsed = !extensionIsLive(task, view.now);
  return [
    `**${t(view.lang, 'task.card.extension')}**${colon(view.lang)}` +
      t(view.lang, 'task.card.extension_text', {
        who: personMd(p.requestedBy, view),
        due: formatDateTime(p.dueAt, view),
        reason: escapeMarkdown(truncate(p.reason, NOTE_SHOWN_MAX)),
      }) +
      (lapsed ? paren(view.lang, t(view.lang, 'task.card.extension_lapsed')) : ''),
  ];
}

/** The buttons that fit the state; who may press them is checked on click. */
export function taskButtons(task: Task, view: Pick<CardView, 'lang'>, audience: CardAudience): Card[] {
  const { lang } = view;
  const B = (k: KeyTail<'task.btn.'>) => t(lang, `task.btn.${k}`);
  const els: Card[] = [];
  if (!isOpen(task)) return els;
  const row: Card[] = [];
  if (task.state === 'assigned') row.push(button(B('accept'), payload(task, 'accept', audience), 'primary'));
  if (task.state === 'assigned' || task.state === 'in_progress') {
    row.push(button(B('submit'), payload(task, 'submit', audience), task.state === 'in_progress' ? 'primary' : 'default'));
    if (audience !== 'assignee') row.push(button(B('chase'), payload(task, 'chase', audience)));
  }
  if (task.state === 'submitted' && audience !== 'assignee') {
    row.push(button(B('approve'), payload(task, 'approve', audience), 'primary'));
  }
  if (task.pendingExtension && audience !== 'assignee') {
    row.push(button(B('approve_extension'), payload(task, 'approve_extension', audience), 'primary'));
    row.push(button(B('reject_extension'), payload(task, 'reject_extension', audience), 'danger'));
  }
  // 调整 (改期, 转办, 协办, 修改): the edit card, sent to whoever decides on the task (handlers/edit-card.ts).
  if (audience !== 'assignee') row.push(button(B('edit_menu'), payload(task, 'edit_menu', audience)));
  if (row.length) els.push(buttonRow(row));

  if (task.state === 'assigned' || task.state === 'in_progress') {
    els.push(progressForm(task, lang, B('progress'), payload(task, 'progress', audience)));
    // 申请延期 is the assignees' (roles.ts checks on submit); a pending request waits for its decision first.
    if (!task.pendingExtension) els.push(extensionForm(task, lang, B('extend'), payload(task, 'extend', audience)));
  }
  if (task.state === 'submitted' && audience !== 'assignee') {
    els.push(rejectForm(task, lang, B('reject'), payload(task, 'reject', audience)));
  }
  return els;
}

function header(task: Task, view: CardView): Card {
  const light = isOpen(task) ? lightWithReason(task, view.now, view.calendar, view.settings).light : null;
  const template = light ? LIGHT_TEMPLATE[light] : task.state === 'done' ? 'green' : 'grey';
  const icon = light ? `${LIGHT_ICON[light]} ` : task.state === 'done' ? '✅ ' : '';
  return {
    title: { tag: 'plain_text', content: plainText(`${icon}#${task.number} ${truncate(task.title, HEADER_TITLE_MAX)}`, HEADER_TITLE_MAX + 20) },
    template,
    text_tag_list: [
      { tag: 'text_tag', text: { tag: 'plain_text', content: t(view.lang, `task.state.${task.state}`) }, color: STATE_COLOR[task.state] },
      ...(task.priority === 'urgent' ? [{ tag: 'text_tag', text: { tag: 'plain_text', content: t(view.lang, 'task.priority.urgent') }, color: 'red' }] : []),
    ],
  };
}

/** The shared card in the origin chat: mentions the assignees, shows everything, carries the buttons. */
export function taskCard(task: Task, view: CardView): Card {
  const mentions = task.assignees.map((a) => atUser(a.userId)).join(' ');
  const els: Card[] = [md([`${mentions} **#${task.number}** ${escapeInline(truncate(task.title, TITLE_MAX))}`, ...fieldLines(task, view, 'group')].join('\n'))];
  const info = [...progressLines(task, view), ...extensionLines(task, view)];
  if (info.length) els.push(md(info.join('\n')));
  els.push(...taskButtons(task, view, 'group'));
  if (isOpen(task)) els.push({ tag: 'markdown', content: t(view.lang, 'task.card.reply_hint'), text_size: 'notation' });
  return fitCard(shell(header(task, view), els));
}

/** The p2p card each assignee gets: their role, the task, and the buttons an assignee uses. */
export function assigneeCard(task: Task, assigneeId: string, view: CardView): Card {
  const me = task.assignees.find((a) => a.userId === assigneeId);
  const intro = t(view.lang, me?.role === 'co' ? 'task.notice.assigned_co' : 'task.notice.assigned_lead');
  const els: Card[] = [md([intro, `**#${task.number}** ${escapeInline(truncate(task.title, TITLE_MAX))}`, ...fieldLines(task, view, 'assignee')].join('\n'))];
  const info = [...progressLines(task, view), ...extensionLines(task, view)];
  if (info.length) els.push(md(info.join('\n')));
  els.push(...taskButtons(task, view, 'assignee'));
  if (isOpen(task)) els.push({ tag: 'markdown', content: t(view.lang, 'task.card.reply_hint'), text_size: 'notation' });
  return fitCard(shell(header(task, view), els));
}

// ───────────────────────── /查看: detail with history ─────────────────────────

/** Every shared card of the task brought up to date: the group card and each assignee's p2p card. */
export function cardUpdates(task: Task, view: CardView): OutMessage[] {
  return [
    { kind: 'card_update', taskId: task.id, chatId: task.chatId, card: taskCard(task, view) },
    ...task.assignees.map(
      (a): OutMessage => ({ kind: 'card_update', taskId: task.id, chatId: task.chatId, card: assigneeCard(task, a.userId, view), assignee: a.userId }),
    ),
  ];
}

/** One ledger line: time, who, what, and the event's own text (escaped). */
export function historyLine(e: Pick<TaskEvent, 'kind' | 'actorId' | 'payload' | 'at'>, view: CardView): string {
  const { lang } = view;
  const who = e.actorId === 'bot' ? t(lang, 'task.event.bot') : personMd(e.actorId, view);
  const p = e.payload ?? {};
  // A /改期 past the deadline is an approved extension in the figures, worded as what was done.
  const what = t(lang, e.kind === 'extension_approved' && p.rescheduled === true ? 'task.event.due_extended' : `task.event.${e.kind}`);
  const str = (k: string) => (typeof p[k] === 'string' && p[k] ? escapeMarkdown(truncate(String(p[k]), HISTORY_NOTE_MAX)) : '');
  const date = (k: string) => {
    const v = p[k];
    const d = v instanceof Date ? v : typeof v === 'string' || typeof v === 'number' ? new Date(v) : null;
    return d && !Number.isNaN(d.getTime()) ? formatDateTime(d, view) : '';
  };
  const extra: string[] = [];
  switch (e.kind) {
    case 'progress':
      if (typeof p.percent === 'number') extra.push(`${p.percent}%`);
      if (str('text')) extra.push(str('text'));
      break;
    case 'submitted':
      if (str('note')) extra.push(str('note'));
      break;
    case 'returned':
    case 'cancelled':
      if (str('reason')) extra.push(str('reason'));
      break;
    case 'extension_requested':
      if (date('dueAt')) extra.push(t(lang, 'task.event.to', { due: date('dueAt') }));
      if (str('reason')) extra.push(str('reason'));
      break;
    case 'extension_approved':
    case 'due_changed':
      if (date('dueAt')) extra.push(t(lang, e.kind === 'due_changed' ? 'task.event.due_to' : 'task.event.to', { due: date('dueAt') }));
      if (date('previousDueAt')) extra.push(t(lang, 'task.event.was', { due: date('previousDueAt') }));
      if (str('reason')) extra.push(str('reason'));
      break;
    case 'reassigned':
      extra.push(`${typeof p.from === 'string' ? personMd(p.from, view) : ''} → ${typeof p.to === 'string' ? personMd(p.to, view) : ''}`);
      if (str('reason')) extra.push(str('reason'));
      break;
    case 'co_added':
    case 'co_removed':
      if (Array.isArray(p.ids)) extra.push(p.ids.map((id) => personMd(String(id), view)).join(lang === 'zh' ? '、' : ', '));
      break;
    case 'edited':
      extra.push(`${t(lang, p.field === 'detail' ? 'task.card.detail' : 'task.card.title')} ${str('text')}`);
      break;
    case 'extension_rejected':
      if (str('reason')) extra.push(str('reason'));
      break;
    case 'chased':
      if (str('note')) extra.push(str('note'));
      break;
    case 'evidence':
      // The file's name (or the link, or 图片) linking to the chat where it was sent.
      {
        const label = str('name') || t(lang, 'task.event.evidence_image');
        extra.push(typeof p.link === 'string' && /^https:\/\/applink\.feishu\.cn\/[\w/?=&%.-]+$/.test(p.link) ? `[${label}](${p.link})` : label);
      }
      break;
    case 'approved':
      if (date('revisitAt')) extra.push(`${t(lang, 'task.card.revisit')} ${date('revisitAt')}`);
      break;
    default:
      break;
  }
  const gap = lang === 'zh' ? '　' : ' · ';
  return `${formatDateTime(e.at, view, false)}${gap}${who}${gap}${what}${extra.length ? `${colon(lang)}${extra.join(gap)}` : ''}`;
}

/** /查看 #N: the card plus the whole 办理记录, oldest dropped first if the card grows too big. */
export function taskDetailCard(task: Task, events: ReadonlyArray<Pick<TaskEvent, 'kind' | 'actorId' | 'payload' | 'at'>>, view: CardView): Card {
  const top: Card[] = [md([`**#${task.number}** ${escapeInline(truncate(task.title, TITLE_MAX))}`, ...fieldLines(task, view, 'detail')].join('\n'))];
  const info = [...progressLines(task, view), ...extensionLines(task, view)];
  if (info.length) top.push(md(info.join('\n')));
  top.push(md(t(view.lang, 'task.card.counts', { ext: task.extensionCount, ret: task.returnCount, chase: task.chaseCount })));
  const buttons = taskButtons(task, view, 'detail');
  const lines = events.map((e) => historyLine(e, view));
  const build = (shown: string[], hidden: number) =>
    shell(header(task, view), [
      ...top,
      { tag: 'hr' },
      md([`**${t(view.lang, 'task.card.history')}**`, ...(hidden ? [t(view.lang, 'task.card.history_more', { count: hidden })] : []), ...shown].join('\n')),
      ...buttons,
    ]);
  // Drop the oldest lines until the card fits; halve the step while far over to stay fast.
  let dropped = 0;
  let card = build(lines, 0);
  while (cardBytes(card) > CARD_MAX_BYTES && dropped < lines.length) {
    const over = cardBytes(card) - CARD_MAX_BYTES;
    dropped = Math.min(lines.length, dropped + Math.max(1, Math.floor(over / 400)));
    card = build(lines.slice(dropped), dropped);
  }
  return fitCard(card);
}
