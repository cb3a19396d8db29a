/**
 * /通过 /approve #N [回头看 <时间>] — the creator or supervisor approves (handlers/actions.ts's
 * table otherwise). It has its own handler only for the 回头看 time: one outside working time
 * (a holiday, a weekend, the night) moves to the next working morning — when the revisit job
 * could ask — and the reply says so.
 */
import type { BotContext } from '../bot/context.js';
import { formatDateTime } from '../bot/cards/time.js';
import type { CommandHandler } from '../bot/router.js';
import { getChatSettings } from '../db/chats.js';
import { applyAction, loadTask } from './act.js';

/** The revisit time as asked, or the next working morning when it falls outside working time. */
async function workingRevisit(ctx: BotContext, chatId: string, at: Date): Promise<{ at: Date; moved: boolean }> {
  const cal = ctx.deps.calendar;
  const s = await getChatSettings(ctx.deps.db, chatId);
  if (cal.isWorkingTime(at, { start: s.workStart, end: s.workEnd }, s.quiet)) return { at, moved: false };
  const ymd = cal.localDate(at);
  const morning = cal.isWorkday(ymd) && cal.localTime(at) < s.workStart ? ymd : cal.nextWorkday(ymd);
  return { at: cal.at(morning, s.dueTomorrowTime), moved: true };
}

export const approve: CommandHandler<'approve'> = async (ctx, cmd) => {
  const task = await loadTask(ctx, { number: cmd.taskNumber });
  const revisit = cmd.revisitAt ? await workingRevisit(ctx, task.chatId, cmd.revisitAt) : null;
  const view = { lang: ctx.lang, tz: ctx.deps.config.DUBAN_TZ, now: ctx.now };
  const note =
    revisit?.moved && cmd.revisitAt
      ? ctx.t('task.reply.revisit_moved', { asked: formatDateTime(cmd.revisitAt, view), at: formatDateTime(revisit.at, view) })
      : null;
  // One answer: the approval's reply carries the moved time.
  const answering: BotContext = note ? { ...ctx, reply: (text: string) => ctx.reply(`${text}\n${note}`) } : ctx;
  await applyAction(answering, task, { kind: 'approve', revisitAt: revisit?.at ?? null }, 'command');
};
