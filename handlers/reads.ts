/**
 * im.message.message_read_v1: a person read the bot's p2p messages. The reads of 催办 and 督办
 * messages are kept (first read only) as evidence: the 督办 card, /查看 and the 台账 show them,
 * and the ladder steps on them (bot/domain/policy.ts).
 */
import type { SystemHandler } from '../bot/router.js';
import { recordReads } from '../db/reads.js';

export const messageRead: SystemHandler = async (ctx, event) => {
  if (event.kind !== 'messageRead') return;
  await ctx.commit({ also: async (tx) => void (await recordReads(tx, event.reader, event.messageIds, new Date(event.readAt), ctx.now)) });
};
