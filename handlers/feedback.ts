/**
 * 反馈周期: `/设置 反馈 #N 每周五` (or `反馈 每周五` in the /交办 line) gives a task a cadence; on
 * each cadence day its lead is asked for progress in the morning briefing (schedules/chase.ts)
 * and, if no report came, the task is on the group's one 未反馈 list that afternoon
 * (schedules/series.ts). Only the 交办人 or the 督办领导 sets or removes a cadence.
 */
import { cadenceText } from '../bot/cards/series.js';
import { settingsForDecision } from '../bot/chat-admins.js';
import { feedbackListTime, type Recurrence } from '../bot/domain/series.js';
import { isOpen, rolesOf } from '../bot/domain/roles.js';
import type { ChatSettings, Lang } from '../bot/domain/types.js';
import { t } from '../bot/i18n.js';
import { UserError } from '../bot/errors.js';
import type { CommandHandler } from '../bot/router.js';
import { appendEvents } from '../db/events.js';
import { removeCadence, setCadence } from '../db/series.js';
import { loadTask } from './act.js';

/** The line that repeats a cadence as understood. */
export function cadenceUnderstood(rule: Recurrence, settings: Pick<ChatSettings, 'workStart' | 'workEnd'>, lang: Lang): string {
  return t(lang, 'task.feedback_understood', { rule: cadenceText(rule, lang), at: feedbackListTime(settings) });
}

export const feedback: CommandHandler<'feedback'> = async (ctx, cmd) => {
  const task = await loadTask(ctx, { number: cmd.taskNumber });
  const settings = await settingsForDecision(ctx.deps, ctx.tenantKey, task.chatId);
  if (!rolesOf(task, ctx.actor, settings).isManager) throw new UserError('feedback.not_allowed', { n: task.number });
  if (!isOpen(task)) throw new UserError('feedback.not_open', { n: task.number, state: ctx.t(`task.state.${task.state}`) });
  const rule = cmd.cadence;
  ctx.reply(
    rule
      ? ctx.t('feedback.set', { n: task.number, rule: cadenceText(rule, ctx.lang), at: feedbackListTime(settings) })
      : ctx.t('feedback.off', { n: task.number }),
  );
  await ctx.commit({
    also: async (tx) => {
      if (rule) await setCadence(tx, { taskId: task.id, tenantKey: ctx.tenantKey, chatId: task.chatId, rule, setBy: ctx.actor, setAt: ctx.now });
      else await removeCadence(tx, task.id);
      await appendEvents(tx, ctx.tenantKey, task.id, [{ kind: 'feedback_set', actorId: ctx.actor, at: ctx.now, payload: { rule } }]);
    },
  });
};
