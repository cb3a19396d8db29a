/** /帮助 /help — the usage card; and the one-line hint for a message that is no command. */
import { helpCard } from '../bot/cards/task.js';
import type { CommandHandler, FallbackHandler } from '../bot/router.js';

export const help: CommandHandler<'help'> = async (ctx) => {
  const card = helpCard(ctx.lang);
  if (ctx.messageId) ctx.send({ kind: 'reply', messageId: ctx.messageId, chatId: ctx.chatId ?? undefined, msgType: 'interactive', content: card });
  else if (ctx.chatId) ctx.send({ kind: 'send', to: { type: 'chat_id', id: ctx.chatId }, msgType: 'interactive', content: card });
};

export const hint: FallbackHandler = async (ctx) => {
  ctx.reply(ctx.t('not_a_command'));
};
