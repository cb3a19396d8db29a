/** The messages of a new task, whoever made it (/交办, a series' instance). Pure. */
import type { OutMessage, Task } from '../domain/types.js';
import type { CardView } from './primitives.js';
import { assigneeCard, taskCard } from './task.js';

/**
 * What a new task sends: its card in the chat (加急 for 紧急) and a p2p card to each assignee.
 * `inChatAlready`: the chat's card is there (the 交办 form's card became the task's), so only
 * the p2p cards go, each carrying the 加急.
 */
export function newTaskMessages(saved: Task, view: CardView, o: { inChatAlready?: boolean } = {}): OutMessage[] {
  const assignees = saved.assignees.map((a) => a.userId);
  const urgent = saved.priority === 'urgent';
  const out: OutMessage[] = [];
  if (!o.inChatAlready) {
    out.push({
      kind: 'send',
      to: { type: 'chat_id', id: saved.chatId },
      msgType: 'interactive',
      content: taskCard(saved, view),
      taskId: saved.id,
      purpose: 'task_card',
      ...(urgent ? { urgentTo: assignees } : {}),
    });
  }
  for (const id of assignees) {
    out.push({
      kind: 'send',
      to: { type: 'open_id', id },
      msgType: 'interactive',
      content: assigneeCard(saved, id, view),
      taskId: saved.id,
      purpose: 'assignee_card',
      ...(urgent && o.inChatAlready ? { urgentTo: [id] } : {}),
    });
  }
  return out;
}
