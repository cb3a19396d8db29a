/**
 * /周报 订阅|退订 (/digest on|off): a leader subscribes to the weekly digest card, in p2p with
 * the bot (the card is personal). The card covers the chats the leader oversees
 * (bot/domain/roles.ts oversees and answersFor), so subscribing reveals nothing new to anyone.
 */
import { DEFAULT_SETTINGS } from '../bot/domain/types.js';
import type { KeyTail } from '../bot/i18n.js';
import type { CommandHandler } from '../bot/router.js';
import { isSubscribed, subscribe, unsubscribe } from '../db/subscriptions.js';

export const digest: CommandHandler<'digest'> = async (ctx, cmd) => {
  if (ctx.chatType !== 'p2p') {
    ctx.reply(ctx.t('digest_p2p_only'));
    return;
  }
  const { deps, tenantKey, actor, now } = ctx;
  const subscribed = await isSubscribed(deps.db, tenantKey, actor);
  // The leader digest goes out at the office's digest day and time (schedules/digest.ts).
  const when = { day: ctx.t(`digest_weekday_${String(DEFAULT_SETTINGS.digestWeekday) as KeyTail<'digest_weekday_'>}`), time: DEFAULT_SETTINGS.digestTime };
  if (cmd.subscribe) {
    if (subscribed) return ctx.reply(ctx.t('digest_sub_already', when));
    ctx.reply(ctx.t('digest_sub_ok', when));
    await ctx.commit({ also: async (tx) => void (await subscribe(tx, tenantKey, actor, now)) });
  } else {
    if (!subscribed) return ctx.reply(ctx.t('digest_unsub_none'));
    ctx.reply(ctx.t('digest_unsub_ok'));
    await ctx.commit({ also: async (tx) => void (await unsubscribe(tx, tenantKey, actor)) });
  }
};
