/** The messages of a new task, whoever made it (/交办, a series' instance). Pure. */
import type { OutMessage, Task } from '../domain/types.js';
import type { CardView } from './primitives.js';
import { assigneeCard, taskCard } from './task.js';

/** What a new task sends: its card in the chat (加急 for 紧急) and a p2p card to each assignee. */
export function newTaskMessages(saved: Task, view: CardView): OutMessage[] {
  const assignees = saved.assignees.map((a) => a.userId);
  const out: OutMessage[] = [
    {
      kind: 'send',
      to: { type: 'chat_id', id: saved.chatId },
      msgType: 'interactive',
      content: taskCard(saved, view),
      taskId: saved.id,
      purpose: 'task_card',
      ...(saved.priority === 'urgent' ? { urgentTo: assignees } : {}),
    },
  ];
  for (const id of assignees) {
    out.push({
      kind: 'send',
      to: { type: 'open_id', id },
      msgType: 'interactive',
      content: assigneeCard(saved, id, view),
      taskId: saved.id,
      purpose: 'assignee_card',
    });
  }
  return out;
}
