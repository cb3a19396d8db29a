/**
 * /查看 /show #N — the task with its whole 办理记录, for anyone who can see it (its chat, its
 * people); /任务 /list [我的|本群|逾期|全部] — open tasks, red first, ten to a page.
 */
import type { BotContext } from '../bot/context.js';
import { taskDetailCard, taskListCard, type Card, type ListFilter } from '../bot/cards/task.js';
import type { Task } from '../bot/domain/types.js';
import { UserError } from '../bot/errors.js';
import type { CommandHandler } from '../bot/router.js';
import { getChatSettings } from '../db/chats.js';
import { listEvents } from '../db/events.js';
import { listOpenTasks } from '../db/task-lists.js';
import { cardViewFor, loadTask, supervisorOf } from './act.js';

/** Whether the actor may see the task: it is in this chat, or they are one of its people. */
export function canSee(ctx: BotContext, task: Task, chatSupervisorId: string | null): boolean {
  if (ctx.chatId === task.chatId) return true;
  const a = ctx.actor;
  return a === task.creatorId || a === supervisorOf(task, { chatSupervisorId }) || task.assignees.some((x) => x.userId === a);
}

export async function detailCardFor(ctx: BotContext, number: number | { id: number }): Promise<{ task: Task; card: Card }> {
  const task = await loadTask(ctx, typeof number === 'number' ? { number } : number);
  const view = await cardViewFor(ctx, [task]);
  if (!canSee(ctx, task, view.chatSupervisorId ?? null)) throw new UserError('task.not_found', { n: task.number });
  const events = await listEvents(ctx.deps.db, task.id);
  return { task, card: taskDetailCard(task, events, view) };
}

export const show: CommandHandler<'show'> = async (ctx, cmd) => {
  const { task, card } = await detailCardFor(ctx, cmd.taskNumber);
  answerWithCard(ctx, card, task.id);
};

export async function listCardFor(ctx: BotContext, filter: ListFilter, page: number): Promise<Card> {
  const scope =
    filter === 'mine' || (filter === 'chat' && (!ctx.chatId || ctx.chatType === 'p2p'))
      ? ({ kind: 'mine', userId: ctx.actor } as const)
      : filter === 'chat'
        ? ({ kind: 'chat', chatId: ctx.chatId! } as const)
        : filter === 'overdue'
          ? ({ kind: 'overdue', chatId: ctx.chatType === 'group' ? ctx.chatId : null, userId: ctx.actor, now: ctx.now } as const)
          : ({ kind: 'all' } as const);
  const tasks = await listOpenTasks(ctx.deps.db, ctx.tenantKey, scope);
  const settings = ctx.chatId ? await getChatSettings(ctx.deps.db, ctx.chatId) : undefined;
  const view = await cardViewFor(ctx, tasks, settings);
  return taskListCard(tasks, filter, page, view);
}

export const list: CommandHandler<'list'> = async (ctx, cmd) => {
  answerWithCard(ctx, await listCardFor(ctx, cmd.scope, cmd.page));
};

/** Replies to the command with a card (replies to it then count as progress when about one task). */
function answerWithCard(ctx: BotContext, card: Card, taskId?: number): void {
  const content = card as Record<string, unknown>;
  if (ctx.messageId) ctx.send({ kind: 'reply', messageId: ctx.messageId, chatId: ctx.chatId ?? undefined, msgType: 'interactive', content, taskId });
  else if (ctx.chatId) ctx.send({ kind: 'send', to: { type: 'chat_id', id: ctx.chatId }, msgType: 'interactive', content, taskId });
}
