/**
 * 提醒 / 催办 / 督办 / 回头看 messages (SPEC §4): what each Reminder of bot/domain/policy.ts
 * looks like on Lark. Pure: task, reminder, language and a calendar for local times in;
 * OutMessages out. User text (titles, progress) is escaped for card markdown and defanged
 * for text messages, so a title can never @-mention or link anything.
 *
 * - chat 催办: a text message in the task's chat, `<at user_id="ou_…"></at>` of the 承办人
 *   (and the 交办人 from the escalation step on), "逾期第 N 天".
 * - 督办: a card JSON 2.0 to the 督办领导 (p2p) with 催办 / 查看 buttons whose callback value is
 *   `{ a: 'chase' | 'show', task: <id>, n: <number> }`.
 * - 回头看: a card to the 交办人 with 成效巩固 / 需要整改 → `{ a: 'revisit_ok' | 'revisit_redo', task, n }`.
 * - the rest: p2p text; a reply to any of them is progress on the task (taskId is set).
 *
 * @example reminderMessages(task, reminder, { lang: 'zh', calendar })
 * // → [{ kind: 'send', to: { type: 'chat_id', id: 'oc_1' }, msgType: 'text', content: { text: '<at user_id="ou_lead"></at> 催办：…' } }]
 */
import { t } from '../i18n.js';
import type { Lang, OutMessage, Task } from '../domain/types.js';
import type { Reminder } from '../domain/policy.js';
import { atUser, escapeInline, escapeMarkdown, escapeText, plainText, truncate } from './escape.js';

export interface ChaseView {
  lang: Lang;
  calendar: { localDate(d: Date): string; localTime(d: Date): string };
}

const OPEN_ID = /^[A-Za-z0-9_-]+$/;

/** A mention inside a text message (msg_type text); only ids we resolved, never user text. */
export function atInText(openId: string): string {
  return OPEN_ID.test(openId) && openId !== 'all' ? `<at user_id="${openId}"></at>` : '';
}

/**
 * User text inside a text message: Lark parses `<at …>` tags and `[text](url)` links there, so
 * the brackets become their full-width look-alikes; invisible characters go, length is bounded.
 */
export function textSafe(text: string, max = 100): string {
  return escapeText(plainText(text, max));
}

/** '2026-12-01T10:00Z' → '12月1日 18:00' / 'Dec 1 18:00' in the office's time zone. */
export function formatWhen(d: Date, view: ChaseView): string {
  const [, m, day] = view.calendar.localDate(d).split('-').map(Number);
  const time = view.calendar.localTime(d);
  if (view.lang === 'zh') return `${m}月${day}日 ${time}`;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][m! - 1];
  return `${month} ${day} ${time}`;
}

function dueText(task: Task, view: ChaseView): string {
  return task.dueAt ? formatWhen(task.dueAt, view) : t(view.lang, 'chase.no_due');
}

const text = (s: string) => ({ text: s });

function button(label: string, value: Record<string, unknown>, type: 'primary' | 'default' | 'danger' = 'default') {
  return {
    tag: 'button',
    text: { tag: 'plain_text', content: label },
    type,
    behaviors: [{ type: 'callback', value }],
  };
}

function buttonRow(buttons: ReturnType<typeof button>[]) {
  return {
    tag: 'column_set',
    flex_mode: 'flow',
    horizontal_spacing: '8px',
    columns: buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [b] })),
  };
}

function card(title: string, template: 'red' | 'orange' | 'blue' | 'turquoise', elements: unknown[]): Record<string, unknown> {
  return {
    schema: '2.0',
    config: { update_multi: true },
    header: { title: { tag: 'plain_text', content: plainText(title, 100) }, template },
    body: { elements },
  };
}

/**
 * 督办 card to the 督办领导: the overdue task, who holds it, the latest progress, and 催办 / 查看.
 */
export function escalationCard(task: Task, overdueDays: number, view: ChaseView): Record<string, unknown> {
  const { lang } = view;
  const lead = task.assignees.find((a) => a.role === 'lead') ?? task.assignees[0];
  const progress = task.lastProgressAt
    ? t(lang, 'chase.escalate.progress', {
        at: formatWhen(task.lastProgressAt, view),
        text: escapeMarkdown(truncate(task.lastProgressText ?? '', 300)),
      })
    : t(lang, 'chase.escalate.no_progress');
  return card(t(lang, 'chase.escalate.title', { n: task.number, days: overdueDays }), 'red', [
    {
      tag: 'markdown',
      content: t(lang, 'chase.escalate.body', {
        title: escapeInline(truncate(task.title, 100)),
        lead: lead ? atUser(lead.userId) : '—',
        creator: atUser(task.creatorId),
        due: dueText(task, view),
        days: overdueDays,
        chased: task.chaseCount,
      }),
    },
    { tag: 'markdown', content: progress },
    buttonRow([
      button(t(lang, 'chase.button.chase'), { a: 'chase', task: task.id, n: task.number }, 'danger'),
      button(t(lang, 'chase.button.show'), { a: 'show', task: task.id, n: task.number }),
    ]),
  ]);
}

/** 回头看 card to the 交办人: does the result of a done task hold? */
export function revisitCard(task: Task, view: ChaseView): Record<string, unknown> {
  const { lang } = view;
  return card(t(lang, 'chase.revisit.title', { n: task.number }), 'turquoise', [
    {
      tag: 'markdown',
      content: t(lang, 'chase.revisit.body', {
        title: escapeInline(truncate(task.title, 100)),
        done: task.doneAt ? formatWhen(task.doneAt, view) : '—',
        at: task.revisitAt ? formatWhen(task.revisitAt, view) : '—',
      }),
    },
    buttonRow([
      button(t(lang, 'chase.button.revisit_ok'), { a: 'revisit_ok', task: task.id, n: task.number }, 'primary'),
      button(t(lang, 'chase.button.revisit_redo'), { a: 'revisit_redo', task: task.id, n: task.number }, 'danger'),
    ]),
  ]);
}

/** The messages of one planned reminder. */
export function reminderMessages(
  task: Task,
  r: Reminder,
  view: ChaseView,
  extra: { unsignedHours?: number; dueSoonHours?: number; staleDays?: number } = {},
): OutMessage[] {
  const { lang } = view;
  const title = textSafe(task.title);
  const base = { n: task.number, title, due: dueText(task, view) };
  const urgent = r.urgentTo.length ? { urgentTo: r.urgentTo } : {};
  const p2pText = (s: string): OutMessage[] =>
    r.userIds.map((u) => ({
      kind: 'send',
      to: { type: 'open_id', id: u },
      msgType: 'text',
      content: text(s),
      taskId: task.id,
      ...(r.urgentTo.includes(u) ? { urgentTo: [u] } : {}),
    }));

  switch (r.kind) {
    case 'unsigned':
      return p2pText(t(lang, 'chase.unsigned', { ...base, hours: extra.unsignedHours ?? 2 }));
    case 'due_tomorrow':
      return p2pText(t(lang, 'chase.due_tomorrow', base));
    case 'due_soon':
      return p2pText(t(lang, 'chase.due_soon', { ...base, hours: extra.dueSoonHours ?? 2 }));
    case 'stale':
      return p2pText(t(lang, 'chase.stale', { ...base, days: extra.staleDays ?? 3 }));
    case 'overdue': {
      const [lead, ...cc] = r.userIds;
      let s = t(lang, 'chase.overdue', { ...base, mention: atInText(lead ?? ''), days: r.overdueDays ?? 1 });
      if (cc.length) s += `\n${t(lang, 'chase.overdue_cc', { mention: cc.map(atInText).join(' ') })}`;
      return [{ kind: 'send', to: { type: 'chat_id', id: task.chatId }, msgType: 'text', content: text(s), taskId: task.id, ...urgent }];
    }
    case 'escalate':
      return r.userIds.map((u) => ({
        kind: 'send',
        to: { type: 'open_id', id: u },
        msgType: 'interactive',
        content: escalationCard(task, r.overdueDays ?? 0, view),
        taskId: task.id,
        ...urgent,
      }));
    case 'revisit':
      return r.userIds.map((u) => ({
        kind: 'send',
        to: { type: 'open_id', id: u },
        msgType: 'interactive',
        content: revisitCard(task, view),
        taskId: task.id,
      }));
  }
}

/**
 * The one-time warning that a year has no working calendar: p2p to each chat admin, or to the
 * chat itself when it has no known admin.
 */
export function calendarMissingMessages(chatId: string, admins: readonly string[], year: number, lang: Lang): OutMessage[] {
  const s = t(lang, 'chase.calendar_missing', { year });
  if (admins.length === 0) return [{ kind: 'send', to: { type: 'chat_id', id: chatId }, msgType: 'text', content: text(s) }];
  return admins.map((u) => ({ kind: 'send', to: { type: 'open_id', id: u }, msgType: 'text', content: text(s) }));
}
