/**
 * 提醒 / 催办 / 督办 / 回头看 messages (SPEC §4): one message per recipient per slot. Pure: the
 * batch of reminders for one recipient, language and a calendar for local times in; the message
 * out. User text (titles, progress) is escaped for card markdown and defanged for text
 * messages, so a title can never @-mention or link anything.
 *
 * - group 催办 (`chatChaseText`): one text message per chat per slot listing every overdue task
 *   due there, grouped by lead with one `<at user_id="ou_…"></at>` each, "逾期第 N 天"; the
 *   交办人 of tasks at the escalation step are mentioned once on the last line.
 * - p2p briefing (`briefingCard`): one card JSON 2.0 per person per slot, with sections in this
 *   order: 督办 (escalated tasks, 催办 / 查看), 待您决定 (submissions to review and extension
 *   requests, 通过 / 查看, 同意延期 / 驳回延期), 回头看 (成效巩固 / 需要整改), and the person's own
 *   reminders (unsigned, due tomorrow, due soon, progress asks). At most `MAX_ACTION_ITEMS` items
 *   with buttons and `MAX_LINES` plain lines; the rest is "另有 N 项 · /任务 …" (a card has an
 *   element limit; Lark refuses a card past it).
 * - every button's value carries `v: 'b'` and `b`: the card's items as a short reference
 *   (`es12.rv15`), so an answer redraws this same card for the person who clicked it.
 *
 * @example briefingCard([{ kind: 'escalate', task }], view)
 * // → { schema: '2.0', header: { title: { content: '督办：1 项逾期事项' }, template: 'red' }, body: { elements: [...] } }
 */
import type { LightCalendar } from '../domain/light.js';
import type { Reminder, ReminderKind } from '../domain/policy.js';
import { isOpen, leadOf } from '../domain/roles.js';
import type { Lang, OutMessage, Task } from '../domain/types.js';
import { t, type KeyTail, type MessageKey } from '../i18n.js';
import { atUser, escapeInline, escapeMarkdown, escapeText, plainText, truncate } from './escape.js';
import { taskValue, type CardActionName } from './payload.js';
import { monthDayTime } from './time.js';
import { datePicker, fieldLabel, formContainer, submitButton, textInput } from './form.js';
import { dueText as leftText, offDayFlag } from './task.js';

export interface ChaseView {
  lang: Lang;
  now: Date;
  calendar: LightCalendar & { localTime(d: Date): string; isWorkday?(ymd: string): boolean };
  /** Display names by open_id (directory cache); unknown ones show as a mention. */
  names?: Record<string, string>;
}

/** One line of a batch: the task and what it is reminded of. */
export interface BatchItem {
  task: Task;
  kind: ReminderKind;
  /** The 交办人 is mentioned too (group 催办 from the escalation step on). */
  mentionCreator?: boolean;
  /** This run's 催办 bumps the task's count: the card shows the count after it. */
  chasedNow?: boolean;
  /** Who the group 催办 mentions for it instead of the lead (the deputy of a lead on leave). */
  mention?: string;
  /** A line the caller made safe: "代 张三（请假至 12月25日）", "主办请假至 …", the read marks. */
  note?: string;
}

/**
 * Items with buttons per card: a markdown and a button row (column_set, 2 columns, 2 buttons)
 * each, 6 components, so 20 items and the section heads stay under the 200 components a
 * JSON 2.0 card may hold (https://open.feishu.cn/document/uAjLw4CM/ukzMukzMukzM/feishu-cards/card-json-v2-structure).
 */
export const MAX_ACTION_ITEMS = 20;
/** Plain reminder lines per card, and overdue lines per group 催办. */
export const MAX_LINES = 30;

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

function dueText(task: Task, view: ChaseView): string {
  return task.dueAt ? monthDayTime(task.dueAt, view) + offDayFlag(task.dueAt, view) : t(view.lang, 'chase.no_due');
}

/**
 * The deadline and the time left, as the task card says them (bot/cards/task.ts: the same
 * instant, the same 非工作日 flag, the same "还剩 N 个工作日" / "已逾期 N 个工作日"):
 * "时限 2月8日 18:00（非工作日）· 到期前已无工作日".
 */
export function dueLeft(task: Task, view: ChaseView): string {
  if (!task.dueAt) return t(view.lang, 'chase.no_due');
  return t(view.lang, 'chase.due_left', { due: dueText(task, view), left: leftText({ dueAt: task.dueAt }, view) });
}

/** "3 个工作日" / "1 working day" / "3 working days". */
function workdays(n: number, lang: Lang): string {
  return t(lang, n === 1 ? 'chase.workdays_one' : 'chase.workdays', { days: n });
}

/** "已催办 2 次" / "chased twice". */
function chasedTimes(n: number, lang: Lang): string {
  return t(lang, n === 0 ? 'chase.chased_never' : n === 1 ? 'chase.chased_once' : n === 2 ? 'chase.chased_twice' : 'chase.chased_times', { count: n });
}

/** Working days the task is overdue at `now` (0 when it is not). */
export function overdueDaysOf(task: Pick<Task, 'dueAt'>, view: ChaseView): number {
  if (!task.dueAt || task.dueAt.getTime() >= view.now.getTime()) return 0;
  return Math.max(0, view.calendar.workdaysBetween(view.calendar.localDate(task.dueAt), view.calendar.localDate(view.now)));
}

/** Working days a decision has waited at `now`: since the submission, or the extension request. */
export function waitedDaysOf(task: Pick<Task, 'state' | 'submittedAt' | 'pendingExtension'>, view: ChaseView): number {
  const since = task.state === 'submitted' ? task.submittedAt : (task.pendingExtension?.requestedAt ?? null);
  if (!since) return 0;
  return Math.max(0, view.calendar.workdaysBetween(view.calendar.localDate(since), view.calendar.localDate(view.now)));
}

/**
 * The group 催办 of one chat for one slot: every overdue task listed under its lead, each lead
 * mentioned once, the 交办人 of escalated tasks once on the last line.
 */
export function chatChaseText(items: readonly BatchItem[], view: ChaseView): string {
  const { lang } = view;
  const byLead = new Map<string, BatchItem[]>();
  for (const it of items) {
    const lead = it.mention ?? leadOf(it.task) ?? '';
    byLead.set(lead, [...(byLead.get(lead) ?? []), it]);
  }
  const lines: string[] = [t(lang, 'chase.batch.group_title', { count: items.length })];
  let shown = 0;
  for (const [lead, list] of byLead) {
    if (shown >= MAX_LINES) break;
    lines.push(atInText(lead) || '—');
    for (const it of list) {
      if (shown >= MAX_LINES) break;
      shown++;
      lines.push(
        t(lang, 'chase.batch.group_line', {
          n: it.task.number,
          title: textSafe(it.task.title, 60),
          days: overdueDaysOf(it.task, view),
          due: dueText(it.task, view),
        }) + (it.note ? ` · ${it.note}` : ''),
      );
    }
  }
  if (items.length > shown) lines.push(t(lang, 'chase.batch.more', { count: items.length - shown, command: t(lang, 'chase.batch.more_overdue') }));
  const leads = new Set(byLead.keys());
  const cc = [...new Set(items.filter((i) => i.mentionCreator).map((i) => i.task.creatorId))].filter((c) => !leads.has(c));
  if (cc.length) lines.push(t(lang, 'chase.overdue_cc', { mention: cc.map(atInText).join(' ') }));
  lines.push(t(lang, 'chase.batch.group_hint'));
  return lines.join('\n');
}

function button(label: string, value: Record<string, unknown>, type: 'primary' | 'default' | 'danger' = 'default') {
  return { tag: 'button', text: { tag: 'plain_text', content: label }, type, behaviors: [{ type: 'callback', value }] };
}

function buttonRow(buttons: ReturnType<typeof button>[]) {
  return {
    tag: 'column_set',
    flex_mode: 'flow',
    horizontal_spacing: '8px',
    columns: buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [b] })),
  };
}

const md = (content: string) => ({ tag: 'markdown', content });

/** Two letters per kind in a card reference. */
const CODE: Record<ReminderKind, string> = {
  unsigned: 'un',
  due_tomorrow: 'dt',
  due_soon: 'ds',
  overdue: 'ov',
  escalate: 'es',
  stale: 'st',
  revisit: 'rs',
  review: 'rv',
  review_escalate: 're',
  extension: 'ex',
  extension_escalate: 'ee',
  feedback: 'fb',
};
const KIND_OF = new Map(Object.entries(CODE).map(([k, c]) => [c, k as ReminderKind]));

/** `[{ kind: 'escalate', task: { id: 12 } }]` → 'es12'. */
export function batchRef(items: ReadonlyArray<{ kind: ReminderKind; task: Pick<Task, 'id'> }>): string {
  return items.map((i) => `${CODE[i.kind]}${i.task.id}`).join('.');
}

/** 'es12.rv15' → [{ kind: 'escalate', taskId: 12 }, …]; null for anything else. */
export function parseBatchRef(ref: unknown): Array<{ kind: ReminderKind; taskId: number }> | null {
  if (typeof ref !== 'string' || ref.length > 400) return null;
  const out: Array<{ kind: ReminderKind; taskId: number }> = [];
  for (const part of ref.split('.')) {
    const m = /^([a-z]{2})([1-9][0-9]{0,15})$/.exec(part);
    const kind = m ? KIND_OF.get(m[1]!) : undefined;
    const taskId = m ? Number(m[2]) : Number.NaN;
    if (!kind || !Number.isSafeInteger(taskId)) return null;
    out.push({ kind, taskId });
  }
  return out.length && out.length <= MAX_ACTION_ITEMS + MAX_LINES ? out : null;
}

type Section = 'escalate' | 'decide' | 'revisit' | 'mine';
function sectionOf(kind: ReminderKind): Section {
  if (kind === 'escalate') return 'escalate';
  if (kind === 'review' || kind === 'review_escalate' || kind === 'extension' || kind === 'extension_escalate') return 'decide';
  if (kind === 'revisit') return 'revisit';
  return 'mine';
}

/** Whether the item still asks something of its reader (else it is shown settled, without buttons). */
function stillActionable(it: BatchItem): boolean {
  const s = it.task.state;
  switch (sectionOf(it.kind)) {
    case 'escalate':
      return s === 'assigned' || s === 'in_progress';
    case 'decide':
      return it.kind.startsWith('review') ? s === 'submitted' : Boolean(it.task.pendingExtension) && isOpen(it.task);
    case 'revisit':
      return s === 'done';
    case 'mine':
      return isOpen(it.task);
  }
}

function settledLine(it: BatchItem, view: ChaseView): string {
  return t(view.lang, 'chase.batch.settled', {
    n: it.task.number,
    title: escapeInline(truncate(it.task.title, 60)),
    state: t(view.lang, `task.state.${it.task.state}`),
  });
}

/**
 * 最新进展 on a 督办 item: each person's latest word with their name (the lead's percent on the
 * lead's line only); tasks from before per-person progress show the task's last report.
 */
function progressOf(task: Task, view: ChaseView): string {
  const reporters = task.assignees.filter((a) => a.progress);
  if (reporters.length) {
    return reporters
      .map((a) => {
        const p = a.progress!;
        return t(view.lang, a.role === 'lead' ? 'chase.escalate.progress_lead' : 'chase.escalate.progress_co', {
          who: personOf(a.userId, view),
          percent: p.percent !== null ? ` ${p.percent}%` : '',
          at: monthDayTime(p.at, view),
          text: escapeMarkdown(truncate(p.text, 120)),
        });
      })
      .join('\n');
  }
  if (task.lastProgressAt) {
    return t(view.lang, 'chase.escalate.progress', {
      at: monthDayTime(task.lastProgressAt, view),
      text: escapeMarkdown(truncate(task.lastProgressText ?? '', 120)),
    });
  }
  return t(view.lang, 'chase.escalate.no_progress');
}

/** A person on a card, by name when the directory knows them (only those asked to act are mentioned). */
function personOf(openId: string, view: ChaseView): string {
  const name = view.names?.[openId];
  return name ? escapeInline(name) : atUser(openId);
}

function escalateItem(it: BatchItem, view: ChaseView): string {
  const { task } = it;
  const lead = leadOf(task);
  return `${t(view.lang, 'chase.escalate.body', {
    n: task.number,
    title: escapeInline(truncate(task.title, 100)),
    lead: lead ? personOf(lead, view) : '—',
    creator: personOf(task.creatorId, view),
    due: dueLeft(task, view),
    chased: chasedTimes(task.chaseCount + (it.chasedNow ? 1 : 0), view.lang),
  })}\n${progressOf(task, view)}${it.note ? `\n${it.note}` : ''}`;
}

function decideItem(it: BatchItem, view: ChaseView): string {
  const { task } = it;
  const base = { n: task.number, title: escapeInline(truncate(task.title, 100)), waited: workdays(waitedDaysOf(task, view), view.lang) };
  if (it.kind === 'review' || it.kind === 'review_escalate') {
    return t(view.lang, 'chase.batch.review', {
      ...base,
      at: task.submittedAt ? monthDayTime(task.submittedAt, view) : '—',
      creator: personOf(task.creatorId, view),
    });
  }
  const ext = task.pendingExtension;
  return t(view.lang, 'chase.batch.extension', {
    ...base,
    due: dueLeft(task, view),
    asked: ext ? monthDayTime(ext.dueAt, view) : '—',
    reason: ext ? escapeMarkdown(truncate(ext.reason, 120)) : '',
    creator: personOf(task.creatorId, view),
  });
}

function revisitItem(it: BatchItem, view: ChaseView): string {
  const { task } = it;
  return t(view.lang, 'chase.revisit.body', {
    n: task.number,
    title: escapeInline(truncate(task.title, 100)),
    done: task.doneAt ? monthDayTime(task.doneAt, view) : '—',
    at: task.revisitAt ? monthDayTime(task.revisitAt, view) : '—',
  });
}

function mineLine(it: BatchItem, view: ChaseView): string {
  const { task } = it;
  // sectionOf files only a person's own reminders under 'mine'.
  return (
    t(view.lang, `chase.batch.mine.${it.kind as KeyTail<'chase.batch.mine.'>}`, {
      n: task.number,
      title: escapeInline(truncate(task.title, 60)),
      due: dueLeft(task, view),
    }) + (it.note ? ` · ${it.note}` : '')
  );
}

function buttonsOf(it: BatchItem, view: ChaseView, ref: string): ReturnType<typeof button>[] {
  const value = (a: CardActionName) => taskValue(a, it.task, 'briefing', ref);
  const l = (k: MessageKey) => t(view.lang, k);
  switch (it.kind) {
    case 'escalate':
      return [button(l('chase.button.chase'), value('chase'), 'danger'), button(l('chase.button.show'), value('show'))];
    case 'review':
    case 'review_escalate':
      return [button(l('chase.button.approve'), value('approve'), 'primary'), button(l('chase.button.show'), value('show'))];
    case 'extension':
    case 'extension_escalate':
      return [
        button(l('chase.button.approve_extension'), value('approve_extension'), 'primary'),
        button(l('chase.button.reject_extension'), value('reject_extension')),
      ];
    case 'revisit':
      // 需要整改 is the submit button of the item's form below (reworkForm): it needs a deadline.
      return [button(l('chase.button.revisit_ok'), value('revisit_ok'), 'primary')];
    default:
      return [];
  }
}

/** The names of a 回头看 item's 整改 form and its fields (unique in the card: one form per task). */
export function reworkFields(taskId: number): { form: string; due: string; note: string; submit: string } {
  return { form: `rework_${taskId}`, due: `rework_due_${taskId}`, note: `rework_note_${taskId}`, submit: `rework_submit_${taskId}` };
}

/**
 * 需要整改 with what it takes: the 整改 deadline (a date picker, required) and what is asked, in a
 * form whose submit button reopens the task (handlers/revisit.ts). Form container rules:
 * https://open.feishu.cn/document/feishu-cards/card-json-v2-components/containers/form-container
 */
function reworkForm(it: BatchItem, view: ChaseView, ref: string) {
  const f = reworkFields(it.task.id);
  const l = (k: MessageKey) => t(view.lang, k);
  return formContainer(f.form, [
    fieldLabel(l('chase.rework.due'), true),
    datePicker(f.due, { placeholder: l('chase.rework.due_placeholder'), required: true }),
    textInput(f.note, { placeholder: l('chase.rework.note_placeholder'), maxLength: 500 }),
    submitButton(l('chase.button.revisit_redo'), taskValue('revisit_redo', it.task, 'briefing', ref), f.submit, 'danger'),
  ]);
}

const SECTION_ORDER: readonly Section[] = ['escalate', 'decide', 'revisit', 'mine'];

/**
 * One person's message for one slot (see the module comment). The same items rendered again
 * later (after a button answer) show each task as it stands then: a settled item loses its buttons.
 */
export function briefingCard(items: readonly BatchItem[], view: ChaseView, ref = batchRef(items)): Record<string, unknown> {
  const { lang } = view;
  const bySection = new Map<Section, BatchItem[]>();
  for (const it of items) bySection.set(sectionOf(it.kind), [...(bySection.get(sectionOf(it.kind)) ?? []), it]);
  const elements: unknown[] = [];
  let actions = 0;
  let lines = 0;
  const hidden: Record<Section, number> = { escalate: 0, decide: 0, revisit: 0, mine: 0 };
  for (const section of SECTION_ORDER) {
    const list = bySection.get(section);
    if (!list?.length) continue;
    elements.push(md(`**${t(lang, `chase.batch.section.${section}`, { count: list.length })}**`));
    if (section === 'mine') {
      const shown: string[] = [];
      for (const it of list) {
        if (lines >= MAX_LINES) {
          hidden.mine++;
          continue;
        }
        lines++;
        shown.push(stillActionable(it) ? mineLine(it, view) : settledLine(it, view));
      }
      if (shown.length) elements.push(md(shown.join('\n')));
      continue;
    }
    for (const it of list) {
      if (actions >= MAX_ACTION_ITEMS) {
        hidden[section]++;
        continue;
      }
      actions++;
      if (!stillActionable(it)) {
        elements.push(md(settledLine(it, view)));
        continue;
      }
      elements.push(md(section === 'escalate' ? escalateItem(it, view) : section === 'decide' ? decideItem(it, view) : revisitItem(it, view)));
      const bs = buttonsOf(it, view, ref);
      if (bs.length) elements.push(buttonRow(bs));
      if (it.kind === 'revisit') elements.push(reworkForm(it, view, ref));
    }
  }
  for (const section of SECTION_ORDER) {
    if (!hidden[section]) continue;
    const command = t(lang, section === 'escalate' ? 'chase.batch.more_overdue' : section === 'decide' ? 'chase.batch.more_review' : 'chase.batch.more_mine');
    elements.push(md(t(lang, 'chase.batch.more', { count: hidden[section], command })));
  }
  const has = (s: Section) => Boolean(bySection.get(s)?.length);
  const [titleKey, template] = has('escalate')
    ? (['chase.batch.title.escalate', 'red'] as const)
    : has('decide')
      ? (['chase.batch.title.decide', 'orange'] as const)
      : has('revisit')
        ? (['chase.batch.title.revisit', 'turquoise'] as const)
        : (['chase.batch.title.mine', 'blue'] as const);
  const count = has('escalate') ? bySection.get('escalate')!.length : has('decide') ? bySection.get('decide')!.length : items.length;
  return {
    schema: '2.0',
    config: { update_multi: true },
    header: { title: { tag: 'plain_text', content: plainText(t(lang, titleKey, { count }), 100) }, template },
    body: { elements },
  };
}

/**
 * The once-a-year notice, in the chat, that a year's holiday schedule is not published yet:
 * its admins are mentioned (none known: the chat alone).
 */
export function calendarMissingMessages(chatId: string, admins: readonly string[], year: number, lang: Lang): OutMessage[] {
  const at = admins.map(atInText).filter(Boolean).join(' ');
  const s = t(lang, 'chase.calendar_missing', { year });
  return [{ kind: 'send', to: { type: 'chat_id', id: chatId }, msgType: 'text', content: { text: at ? `${at} ${s}` : s } }];
}

/** Reminder → batch item, for the job. */
export function itemOf(task: Task, r: Reminder, chasedNow: boolean): BatchItem {
  return { task, kind: r.kind, mentionCreator: r.kind === 'overdue' && r.userIds.includes(task.creatorId), chasedNow };
}
