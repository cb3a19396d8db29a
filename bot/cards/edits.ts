/**
 * The messages an edit sends beyond the card updates: whoever joins the task (a new 主办 by
 * /转办, new 协办 by /加协办) gets their p2p task card, and whoever leaves it (the old 主办, a
 * removed 协办) sees their p2p card turn into a short note saying so, without buttons. Pure.
 */
import type { Action } from '../domain/task.js';
import type { OutMessage, Task } from '../domain/types.js';
import { t } from '../i18n.js';
import { escapeMarkdown, plainText, truncate } from './escape.js';
import { personMd, type Card, type CardView } from './primitives.js';
import { assigneeCard } from './task.js';
import { formatDateTime } from './time.js';

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
