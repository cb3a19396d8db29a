/**
 * 签收 by reaction (im.message.reaction.created_v1): an assignee putting an OK, DONE or
 * THUMBSUP reaction on the task's group card or on their own p2p card signs for it, through
 * the same decide() as /签收; the bot confirms with its own reaction on that card. Anything
 * else — another emoji, someone who is not an assignee, a task already signed for or closed,
 * a message that is no task card — does nothing and says nothing.
 */
import { settingsForDecision } from '../bot/chat-admins.js';
import { decide, isRefusal } from '../bot/domain/task.js';
import type { ReactionHandler } from '../bot/router.js';
import { assigneeCardOwner, getTaskByMessageId } from '../db/tasks.js';
import { applyAction } from './act.js';
import { reactionAction, SIGNED_REACTION } from './actions.js';

export const signByReaction: ReactionHandler = async (ctx, event) => {
  const action = reactionAction(event.emoji);
  if (!action) return;
  const { db } = ctx.deps;
  const task = await getTaskByMessageId(db, ctx.tenantKey, event.messageId);
  if (!task) return;
  const onItsCard = task.cardMessageId === event.messageId || (await assigneeCardOwner(db, ctx.tenantKey, event.messageId)) === ctx.actor;
  if (!onItsCard) return;
  // A reaction is no instruction: what the command would refuse, it quietly leaves alone.
  const { supervisorId, admins } = await settingsForDecision(ctx.deps, ctx.tenantKey, task.chatId);
  if (isRefusal(decide(task, action, ctx.actor, ctx.now, { supervisorId, admins }))) return;
  ctx.send({ kind: 'reaction', messageId: event.messageId, emojiType: SIGNED_REACTION, taskId: task.id });
  await applyAction(ctx, task, action, 'reaction');
};
