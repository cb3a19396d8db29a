/**
 * /帮助 /help — the usage card; the short hint for a message that is no command; and the
 * welcome when the bot is added to a group.
 */
import { helpCard } from '../bot/cards/help.js';
import type { BotAddedHandler, CommandHandler, FallbackHandler } from '../bot/router.js';
import { listOpenEntries } from '../db/task-lists.js';

export const help: CommandHandler<'help'> = async (ctx) => {
  const card = helpCard(ctx.lang);
  if (ctx.messageId) ctx.send({ kind: 'reply', messageId: ctx.messageId, chatId: ctx.chatId ?? undefined, msgType: 'interactive', content: card });
  else if (ctx.chatId) ctx.send({ kind: 'send', to: { type: 'chat_id', id: ctx.chatId }, msgType: 'interactive', content: card });
};

/**
 * In p2p the person is likely one of the bot's assignees: when they have open tasks, point them
 * to their list and to replying on a card, rather than to the whole manual.
 */
export const hint: FallbackHandler = async (ctx) => {
  if (ctx.chatType === 'p2p') {
    const open = await listOpenEntries(ctx.deps.db, ctx.tenantKey, { kind: 'mine', userId: ctx.actor });
    if (open.length > 0) {
      ctx.reply(ctx.t('task.hint.p2p_open_tasks', { count: open.length }));
      return;
    }
  }
  ctx.reply(ctx.t('not_a_command'));
};

/** Added to a group (im.chat.member.bot.added_v1): a short hello with the three commands used most. */
export const welcome: BotAddedHandler = async (ctx) => {
  ctx.reply(ctx.t('task.welcome'));
};
