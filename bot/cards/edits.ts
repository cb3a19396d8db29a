/**
 * Edits on cards: the 调整 card with a form per edit (editCard), and the messages an edit sends beyond the card updates: whoever joins the task (a new 主办 by
 * /转办, new 协办 by /加协办) gets their p2p task card, and whoever leaves it (the old 主办, a
 * removed 协办) sees their p2p card turn into a short note saying so, without buttons. Pure.
 */
import type { Action } from '../domain/task.js';
import type { OutMessage, Task } from '../domain/types.js';
import { t, type KeyTail } from '../i18n.js';
import { escapeMarkdown, plainText, truncate } from './escape.js';
import { datePicker, fieldLabel, formContainer, personSelect, personsSelect, sideBySide, submitButton, textInput, timePicker } from './form.js';
import { taskValue } from './payload.js';
import { fitCard, md, personMd, shell, type Card, type CardView } from './primitives.js';
import { assigneeCard } from './task.js';
import { formatDateTime, partsOf } from './time.js';

/** Who the edit brings onto the task and who it takes off. */
export function movedPeople(next: Task, before: Task): { joined: string[]; left: string[] } {
  const was = new Set(before.assignees.map((a) => a.userId));
  const now = new Set(next.assignees.map((a) => a.userId));
  return { joined: [...now].filter((id) => !was.has(id)), left: [...was].filter((id) => !now.has(id)) };
}

/** The p2p card of someone who left the task: what happened, by whom, and that nothing more is asked. */
export function leftCard(task: Task, action: Action, actor: string, view: CardView): Card {
  const reassigned = action.kind === 'reassign';
  const title = escapeMarkdown(truncate(task.title, 200));
  const text = t(view.lang, reassigned ? 'task.card.moved' : 'task.card.removed', {
    n: task.number,
    title,
    who: personMd(actor, view),
    to: reassigned ? personMd(action.lead, view) : '',
    at: formatDateTime(task.updatedAt, view),
  });
  return {
    schema: '2.0',
    config: { update_multi: true },
    header: {
      title: { tag: 'plain_text', content: plainText(`#${task.number} ${truncate(task.title, 40)}`, 60) },
      template: 'grey',
      text_tag_list: [
        {
          tag: 'text_tag',
          text: { tag: 'plain_text', content: t(view.lang, reassigned ? 'task.card.moved_title' : 'task.card.removed_title') },
          color: 'neutral',
        },
      ],
    },
    body: { elements: [{ tag: 'markdown', content: text }] },
  };
}

/** New people's p2p cards, and the note on the cards of those who left. */
export function editMessages(next: Task, before: Task, action: Action, actor: string, view: CardView): OutMessage[] {
  const { joined, left } = movedPeople(next, before);
  return [
    ...joined.map(
      (id): OutMessage => ({
        kind: 'send',
        to: { type: 'open_id', id },
        msgType: 'interactive',
        content: assigneeCard(next, id, view),
        taskId: next.id,
        purpose: 'assignee_card',
      }),
    ),
    ...left.map((id): OutMessage => ({ kind: 'card_update', taskId: next.id, chatId: next.chatId, card: leftCard(next, action, actor, view), assignee: id })),
  ];
}

/** Names of the edit card's fields, read back from `form_value` (handlers/edit-card.ts). */
export const EDIT_FIELDS = {
  dueDate: 'edit_due_date',
  dueTime: 'edit_due_time',
  dueReason: 'edit_due_reason',
  lead: 'edit_lead',
  leadReason: 'edit_lead_reason',
  coAdd: 'edit_co_add',
  coRemove: 'edit_co_remove',
  title: 'edit_title',
  detail: 'edit_detail',
} as const;

/**
 * 调整 #N: the edit card sent to the 交办人 or 督办领导 who pressed 调整 on the task card — one small
 * form per edit (form-container page: each form at the card's root with its own submit button):
 * 改期 (a date and a time picker, a reason), 转办 (a person picker, a reason), 加协办 and 减协办
 * (person pickers), 修改 标题 and 详情. Every submission goes through the same decide() as the
 * typed /改期 /转办 /加协办 /减协办 /修改. `people`: whom the pickers offer (the task's chat's members;
 * in a p2p chat Lark has nobody else to offer).
 */
export function editCard(task: Task, view: CardView, people: readonly string[]): Card {
  const { lang, now } = view;
  const L = (k: KeyTail<'task.edit.'>) => t(lang, `task.edit.${k}`);
  const F = EDIT_FIELDS;
  const hm = task.dueAt ? partsOf(task.dueAt, view.tz) : null;
  const due = task.dueAt && hm ? { date: view.calendar.localDate(task.dueAt), time: `${hm.hour}:${hm.minute}` } : null;
  const co = task.assignees.filter((a) => a.role === 'co').map((a) => a.userId);
  const options = [...new Set(people)].slice(0, EDIT_PEOPLE_MAX);
  const v = (a: Parameters<typeof taskValue>[0]) => taskValue(a, task);
  const els: Card[] = [
    md(
      t(lang, 'task.edit.intro', {
        n: task.number,
        title: escapeMarkdown(truncate(task.title, 200)),
        due: task.dueAt ? formatDateTime(task.dueAt, { lang, tz: view.tz, now }) : t(lang, 'task.due.none'),
        lead: personMd(task.assignees.find((a) => a.role === 'lead')?.userId ?? '', view),
      }),
    ),
    formContainer(`edit_due_${task.id}`, [
      fieldLabel(L('due'), true),
      sideBySide([
        datePicker(F.dueDate, { placeholder: L('due_date'), value: due?.date ?? null }),
        timePicker(F.dueTime, { placeholder: L('due_time'), value: due?.time ?? null }),
      ]),
      textInput(F.dueReason, { placeholder: L('reason'), maxLength: 500 }),
      submitButton(L('due_submit'), v('edit_due'), 'edit_due_submit'),
    ]),
    formContainer(`edit_lead_${task.id}`, [
      fieldLabel(L('lead'), true),
      personSelect(F.lead, { placeholder: L('lead_placeholder'), options }),
      textInput(F.leadReason, { placeholder: L('reason'), maxLength: 500 }),
      submitButton(L('lead_submit'), v('edit_reassign'), 'edit_reassign_submit'),
    ]),
    formContainer(`edit_add_${task.id}`, [
      fieldLabel(L('co_add'), true),
      personsSelect(F.coAdd, { placeholder: L('co_placeholder'), options }),
      submitButton(L('co_add_submit'), v('edit_add'), 'edit_add_submit'),
    ]),
    ...(co.length
      ? [
          formContainer(`edit_remove_${task.id}`, [
            fieldLabel(L('co_remove'), true),
            personsSelect(F.coRemove, { placeholder: L('co_placeholder'), options: co }),
            submitButton(L('co_remove_submit'), v('edit_remove'), 'edit_remove_submit', 'danger'),
          ]),
        ]
      : []),
    formContainer(`edit_title_${task.id}`, [
      fieldLabel(L('title'), true),
      textInput(F.title, { value: truncate(task.title, 200), maxLength: 200 }),
      submitButton(L('title_submit'), v('edit_title'), 'edit_title_submit'),
    ]),
    formContainer(`edit_detail_${task.id}`, [
      fieldLabel(L('detail'), true),
      textInput(F.detail, { value: task.detail ? truncate(task.detail, 1000) : '', placeholder: L('detail_placeholder'), maxLength: 1000, multiline: true }),
      submitButton(L('detail_submit'), v('edit_detail'), 'edit_detail_submit'),
    ]),
  ];
  return fitCard(
    shell({ title: { tag: 'plain_text', content: plainText(`${L('title_prefix')} #${task.number} ${truncate(task.title, 30)}`, 60) }, template: 'blue' }, els),
  );
}

/** At most this many people in a picker of the edit card (its size stays bounded). */
export const EDIT_PEOPLE_MAX = 100;
