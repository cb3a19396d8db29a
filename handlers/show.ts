/**
 * /查看 /show #N — the task with its whole 办理记录, for anyone who can see it (its chat, its
 * people); /任务 /list [我的|本群|逾期|全部|待我审批] — open tasks, red first, ten to a page, as many
 * pages as there are. 待我审批 (review) is what waits for the asker's decision across their chats.
 */
import type { BotContext } from '../bot/context.js';
import { pageOfList, taskListCard } from '../bot/cards/list.js';
import type { ListFilter } from '../bot/cards/payload.js';
import type { Card } from '../bot/cards/primitives.js';
import { taskDetailCard } from '../bot/cards/task.js';
import { maySee, mayShowIn, sightOf } from '../bot/domain/roles.js';
import type { Task } from '../bot/domain/types.js';
import { UserError } from '../bot/errors.js';
import type { CommandHandler } from '../bot/router.js';
import { chatsSupervisedBy, getChat, getChatSettings } from '../db/chats.js';
import { chatsOverseenNow, settingsForDecision } from '../bot/chat-admins.js';
import { listEvents } from '../db/events.js';
import { getTasksByIds, listOpenEntries, type ListScope } from '../db/task-lists.js';
import { cardViewFor, loadTask } from './act.js';
import { listSeries } from './series.js';

export async function detailCardFor(ctx: BotContext, number: number | { id: number }): Promise<{ task: Task; card: Card }> {
  const task = await loadTask(ctx, typeof number === 'number' ? { number } : number);
  const view = await cardViewFor(ctx, [task]);
  if (!maySee(task, ctx.actor, await settingsForDecision(ctx.deps, ctx.tenantKey, task.chatId), ctx.chatId))
    throw new UserError('task.not_found', { n: task.number });
  const events = await listEvents(ctx.deps.db, task.id);
  return { task, card: taskDetailCard(task, events, view) };
}

/**
 * The group an answer would be posted in, or null for a p2p chat. A card click carries only
 * the chat's id: a chat not known as p2p counts as a group (the safe side).
 */
export async function groupAnsweredIn(ctx: BotContext): Promise<string | null> {
  if (!ctx.chatId) return null;
  if (ctx.messageId) return ctx.chatType === 'group' ? ctx.chatId : null;
  return (await getChat(ctx.deps.db, ctx.chatId))?.chatType === 'p2p' ? null : ctx.chatId;
}

/** The card to the asker in p2p (by open_id: no chat needs to be known). */
export function sendToAsker(ctx: BotContext, card: Card, taskId?: number): void {
  ctx.send({ kind: 'send', to: { type: 'open_id', id: ctx.actor }, msgType: 'interactive', content: card as Record<string, unknown>, taskId });
}

export const show: CommandHandler<'show'> = async (ctx, cmd) => {
  const { task, card } = await detailCardFor(ctx, cmd.taskNumber);
  // Another chat's task is never posted into this group, whoever asks: it goes to the asker.
  if (!mayShowIn(task, await groupAnsweredIn(ctx))) {
    sendToAsker(ctx, card, task.id);
    ctx.reply(ctx.t('task.sent_p2p', { n: task.number }));
    return;
  }
  answerWithCard(ctx, card, task.id);
};

/**
 * The /任务 card. Answered in a group (`groupChatId`), it lists only that group's tasks;
 * `hidden` says the same list outside the group would hold more (other chats' tasks).
 */
export async function listCardFor(
  ctx: BotContext,
  filter: ListFilter,
  page: number,
  groupChatId: string | null = null,
): Promise<{ card: Card; hidden: boolean }> {
  const { db } = ctx.deps;
  const groupChat = ctx.chatType === 'group' ? ctx.chatId : null;
  const scopeIn = async (inChat: string | undefined): Promise<ListScope> =>
    filter === 'mine' || (filter === 'chat' && !groupChat)
      ? { kind: 'mine', userId: ctx.actor, inChat }
      : filter === 'chat'
        ? { kind: 'chat', chatId: groupChat! }
        : filter === 'overdue'
          ? { kind: 'overdue', chatId: groupChat, userId: ctx.actor, now: ctx.now }
          : filter === 'review'
            ? { kind: 'review', userId: ctx.actor, supervisedChatIds: await chatsSupervisedBy(db, ctx.tenantKey, ctx.actor), inChat }
            : { kind: 'all', sight: sightOf(ctx.actor, groupChat, await chatsOverseenNow(ctx.deps, ctx.tenantKey, ctx.actor)), inChat };
  const entries = await listOpenEntries(db, ctx.tenantKey, await scopeIn(groupChatId ?? undefined));
  const hidden =
    groupChatId !== null &&
    (filter === 'mine' || filter === 'all' || filter === 'review') &&
    (await listOpenEntries(db, ctx.tenantKey, await scopeIn(undefined))).length > entries.length;
  // One working-hours setting for the whole list, so the page and its figures agree.
  const settings = await getChatSettings(db, ctx.chatId ?? '');
  const list = pageOfList(entries, page, await cardViewFor(ctx, [], settings));
  const tasks = await getTasksByIds(db, list.ids);
  return { card: taskListCard(list, tasks, filter, await cardViewFor(ctx, tasks, settings)), hidden };
}

export const list: CommandHandler<'list'> = async (ctx, cmd) => {
  if (cmd.scope === 'series') return listSeries(ctx); // 任务 周期
  const group = await groupAnsweredIn(ctx);
  const here = await listCardFor(ctx, cmd.scope, cmd.page, group);
  if (here.hidden) {
    // The whole list holds other chats' tasks: it goes to the asker, the group hears where.
    sendToAsker(ctx, (await listCardFor(ctx, cmd.scope, cmd.page, null)).card);
    ctx.reply(ctx.t('task.list_sent_p2p'));
    return;
  }
  answerWithCard(ctx, here.card);
};

/** Replies to the command with a card (replies to it then count as progress when about one task). */
function answerWithCard(ctx: BotContext, card: Card, taskId?: number): void {
  const content = card as Record<string, unknown>;
  if (ctx.messageId) ctx.send({ kind: 'reply', messageId: ctx.messageId, chatId: ctx.chatId ?? undefined, msgType: 'interactive', content, taskId });
  else if (ctx.chatId) ctx.send({ kind: 'send', to: { type: 'chat_id', id: ctx.chatId }, msgType: 'interactive', content, taskId });
}
