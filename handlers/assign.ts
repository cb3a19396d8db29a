/**
 * /交办 /assign @主办 [@协办…] 标题 [截止 …] [!紧急|!重要] [#类别] [来源 …], and the 交办 form
 * (handlers/assign-form.ts): both end in createTask. It writes the task and its first ledger
 * event, and in the same transaction queues the shared task card in the chat (@-mentioning the
 * assignees; 加急 for 紧急) and a p2p card to each assignee. A line with a recurrence rule
 * (每月5日前) sets up a series instead (handlers/series.ts); `反馈 每周五` gives the task a
 * feedback cadence, written in the same transaction.
 */
import { newTaskMessages } from '../bot/cards/new-task.js';
import type { CardView } from '../bot/cards/primitives.js';
import type { BotContext } from '../bot/context.js';
import { mayAssign } from '../bot/domain/roles.js';
import { newTask, type Evidence } from '../bot/domain/task.js';
import type { Category, ChatSettings, OriginMessage, Priority, Task } from '../bot/domain/types.js';
import { UserError } from '../bot/errors.js';
import type { CommandHandler } from '../bot/router.js';
import { settingsForDecision } from '../bot/chat-admins.js';
import { recordBotMessage } from '../db/tasks.js';
import { setCadence } from '../db/series.js';
import type { Recurrence } from '../bot/domain/series.js';
import { cadenceUnderstood } from './feedback.js';
import { assignSeries } from './series.js';
import { cardViewFor } from './act.js';

export interface TaskRequest {
  chatId: string;
  lead: string;
  co: string[];
  title: string;
  detail?: string | null;
  dueAt: Date | null;
  dueWorkdays?: number | null;
  priority: Priority;
  category: Category | null;
  source: string | null;
  /** 督办领导 of this task; null falls back to the chat's, whoever that is when it matters. */
  supervisorId?: string | null;
  /** The message the task was made from (handlers/assign-message.ts), linked back from its cards. */
  origin?: OriginMessage | null;
  /** A file or image that message carried: evidence on the task from the start. */
  evidence?: Evidence | null;
  /** 反馈周期: the cadence its lead is asked for progress on. */
  feedback?: Recurrence | null;
}

/** The chat's settings for deciding, once the actor is known to be one who may assign there. */
export async function assignerSettings(ctx: BotContext, chatId: string): Promise<ChatSettings> {
  const settings = await settingsForDecision(ctx.deps, ctx.tenantKey, chatId);
  if (!mayAssign(ctx.actor, settings)) throw new UserError('task.not_assigner');
  return settings;
}

/**
 * The one way a task is created. `onCard`: the message that becomes the task's shared card
 * (the submitted 交办 form turns into it), so no second card is sent to the chat; the 加急 of a
 * 紧急 task then rides on each assignee's p2p card, spending the same daily budget.
 */
export async function createTask(
  ctx: BotContext,
  req: TaskRequest,
  settings: ChatSettings,
  onCard?: { messageId: string },
): Promise<{ task: Task; view: CardView }> {
  const { task, events } = newTask({
    tenantKey: ctx.tenantKey,
    number: 0, // given by the store, in the same transaction
    title: req.title,
    detail: req.detail ?? null,
    category: req.category,
    source: req.source,
    priority: req.priority,
    creatorId: ctx.actor,
    supervisorId: req.supervisorId ?? null,
    chatId: req.chatId,
    leadId: req.lead,
    coIds: req.co,
    dueAt: req.dueAt,
    origin: req.origin ?? null,
    dueRule:
      req.dueAt && req.dueWorkdays
        ? { workdays: req.dueWorkdays, from: ctx.deps.calendar.localDate(ctx.now), time: ctx.deps.calendar.localTime(req.dueAt) }
        : null,
    now: ctx.now,
  });
  const feedback = req.feedback ?? null;
  if (feedback) {
    events[0]!.payload.feedback = feedback;
    ctx.reply(cadenceUnderstood(feedback, settings, ctx.lang));
  }
  const view = await cardViewFor(ctx, [task], settings);
  let savedId = 0;
  const saved = await ctx.commit({
    task: { value: task, expectedVersion: null },
    events: req.evidence
      ? [...events, { kind: 'evidence', actorId: ctx.actor, at: ctx.now, payload: { ...req.evidence, name: req.evidence.name.slice(0, 200) } }]
      : events,
    messages: (saved) => {
      if (!saved) return [];
      savedId = saved.id;
      return newTaskMessages(saved, view, { inChatAlready: !!onCard });
    },
    also: async (tx, saved) => {
      if (onCard) {
        await recordBotMessage(
          tx,
          { messageId: onCard.messageId, tenantKey: ctx.tenantKey, taskId: savedId, chatId: req.chatId, cardFor: null, groupCard: true },
          ctx.now,
        );
      }
      if (feedback && saved)
        await setCadence(tx, { taskId: saved.id, tenantKey: ctx.tenantKey, chatId: saved.chatId, rule: feedback, setBy: ctx.actor, setAt: ctx.now });
    },
  });
  if (!saved) throw new Error('the new task was not saved');
  return { task: saved, view };
}

export const assign: CommandHandler<'assign'> = async (ctx, cmd, event) => {
  const settings = await assignerSettings(ctx, event.chatId);
  if (cmd.series) return assignSeries(ctx, { ...cmd, series: cmd.series }, event, settings);
  await createTask(ctx, { ...cmd, chatId: event.chatId }, settings);
};
