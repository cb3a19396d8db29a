/**
 * /交办 /assign @主办 [@协办…] 标题 [截止 …] [!紧急|!重要] [#类别] [来源 …]. Writes the task
 * and its first ledger event, and in the same transaction queues the shared task card in the
 * chat (@-mentioning the assignees; 加急 for 紧急) and a p2p card to each assignee.
 */
import { assigneeCard, taskCard } from '../bot/cards/task.js';
import { mayAssign } from '../bot/domain/roles.js';
import { newTask } from '../bot/domain/task.js';
import type { OutMessage } from '../bot/domain/types.js';
import { UserError } from '../bot/errors.js';
import type { CommandHandler } from '../bot/router.js';
import { settingsForDecision } from '../bot/chat-admins.js';
import { cardViewFor } from './act.js';

export const assign: CommandHandler<'assign'> = async (ctx, cmd, event) => {
  const settings = await settingsForDecision(ctx.deps, ctx.tenantKey, event.chatId);
  if (!mayAssign(ctx.actor, settings)) {
    throw new UserError('task.not_assigner');
  }
  const { task, events } = newTask({
    tenantKey: ctx.tenantKey,
    number: 0, // given by the store, in the same transaction
    title: cmd.title,
    category: cmd.category,
    source: cmd.source,
    priority: cmd.priority,
    creatorId: ctx.actor,
    supervisorId: null, // falls back to the chat's 督办领导, whoever that is when it matters
    chatId: event.chatId,
    leadId: cmd.lead,
    coIds: cmd.co,
    dueAt: cmd.dueAt,
    dueRule:
      cmd.dueAt && cmd.dueWorkdays
        ? { workdays: cmd.dueWorkdays, from: ctx.deps.calendar.localDate(ctx.now), time: ctx.deps.calendar.localTime(cmd.dueAt) }
        : null,
    now: ctx.now,
  });
  const view = await cardViewFor(ctx, [task], settings);
  await ctx.commit({
    task: { value: task, expectedVersion: null },
    events,
    messages: (saved) => {
      if (!saved) return [];
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
    },
  });
};
