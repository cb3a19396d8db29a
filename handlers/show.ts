/**
 * /查看 /show #N — the task with its whole 办理记录, for anyone who can see it (its chat, its
 * people); /任务 /list [我的|本群|逾期|全部] — open tasks, red first, ten to a page, as many
 * pages as there are.
 */
import type { BotContext } from '../bot/context.js';
import { pageOfList, taskDetailCard, taskListCard, type Card, type ListFilter } from '../bot/cards/task.js';
import { maySee } from '../bot/domain/roles.js';
import type { Task } from '../bot/domain/types.js';
import { UserError } from '../bot/errors.js';
import type { CommandHandler } from '../bot/router.js';
import { chatsOverseenBy, getChatSettings } from '../db/chats.js';
import { listEvents } from '../db/events.js';
import { getTasksByIds, listOpenEntries, type ListScope } from '../db/task-lists.js';
import { cardViewFor, loadTask } from './act.js';

export async function detailCardFor(ctx: BotContext, number: number | { id: number }): Promise<{ task: Task; card: Card }> {
  const task = await loadTask(ctx, typeof number === 'number' ? { number } : number);
  const view = await cardViewFor(ctx, [task]);
  if (!maySee(task, ctx.actor, await getChatSettings(ctx.deps.db, task.chatId), ctx.chatId)) throw new UserError('task.not_found', { n: task.number });
  const events = await listEvents(ctx.deps.db, task.id);
  return { task, card: taskDetailCard(task, events, view) };
}

export const show: CommandHandler<'show'> = async (ctx, cmd) => {
  const { task, card } = await detailCardFor(ctx, cmd.taskNumber);
  answerWithCard(ctx, card, task.id);
};

export async function listCardFor(ctx: BotContext, filter: ListFilter, page: number): Promise<Card> {
  const { db } = ctx.deps;
  const groupChat = ctx.chatType === 'group' ? ctx.chatId : null;
  const scope: ListScope =
    filter === 'mine' || (filter === 'chat' && !groupChat)
      ? { kind: 'mine', userId: ctx.actor }
      : filter === 'chat'
        ? { kind: 'chat', chatId: groupChat! }
        : filter === 'overdue'
          ? { kind: 'overdue', chatId: groupChat, userId: ctx.actor, now: ctx.now }
          : { kind: 'all', userId: ctx.actor, chatId: groupChat, overseenChatIds: await chatsOverseenBy(db, ctx.tenantKey, ctx.actor) };
  // One working-hours setting for the whole list, so the page and its figures agree.
  const settings = await getChatSettings(db, ctx.chatId ?? '');
  const list = pageOfList(await listOpenEntries(db, ctx.tenantKey, scope), page, await cardViewFor(ctx, [], settings));
  const tasks = await getTasksByIds(db, list.ids);
  return taskListCard(list, tasks, filter, await cardViewFor(ctx, tasks, settings));
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
