/**
 * 回头看 answers (SPEC §4): the revisit card's 成效巩固 / 需要整改 buttons. Only the assigner or
 * the supervising leader answers; the answer is one event on the task's log, said once in its
 * group. A done task stays done (the state diagram has no way back); rework is a new 交办,
 * which the group message suggests with the task's number as its source.
 */
import type { CardActionHandler } from '../bot/router.js';
import { mayAnswerRevisit } from '../bot/domain/roles.js';
import type { OutMessage } from '../bot/domain/types.js';
import { UserError } from '../bot/errors.js';
import { atText, titleText } from '../bot/cards/announce.js';
import { readTaskValue } from '../bot/cards/payload.js';
import { cardViewFor, loadTask } from './act.js';
import { briefingCardFor } from './briefing.js';

export const revisitButton: CardActionHandler = async (ctx, event) => {
  const press = readTaskValue(event.value, ['revisit_ok', 'revisit_redo'] as const);
  if (!press) throw new UserError('card_unknown_action');
  const holds = press.a === 'revisit_ok';
  const task = await loadTask(ctx, { id: press.taskId });
  const view = await cardViewFor(ctx, [task]);
  const verb = ctx.t('revisit.verb');
  if (!mayAnswerRevisit(task, ctx.actor, { supervisorId: view.chatSupervisorId ?? null })) {
    throw new UserError('task.refuse.not_creator_or_supervisor', { verb, n: task.number });
  }
  if (task.state !== 'done') throw new UserError('revisit.not_done', { n: task.number });
  const text = ctx.t(holds ? 'revisit.holds' : 'revisit.rework', { n: task.number, title: titleText(task), who: atText(ctx.actor, view) });
  const message: OutMessage = { kind: 'send', to: { type: 'chat_id', id: task.chatId }, msgType: 'text', content: { text }, taskId: task.id };
  const saved = await ctx.commit({
    task: { value: task, expectedVersion: task.version },
    events: [{ kind: 'revisit_answered', actorId: ctx.actor, payload: { holds, revisitAt: task.revisitAt?.toISOString() ?? null }, at: ctx.now }],
    messages: [message],
    claims: [{ key: `t:${task.id}:revisit-answer:${task.revisitAt?.toISOString() ?? 'none'}`, kind: 'revisit_answer', taskId: task.id }],
  });
  const card = press.place === 'briefing' ? await briefingCardFor(ctx, press.batch) : null;
  const redraw = card ? { card: { type: 'raw', data: card } as unknown as Record<string, unknown> } : {};
  if (!saved) return { toast: { type: 'info', content: ctx.t('revisit.already', { n: task.number }) }, ...redraw };
  return { toast: { type: 'success', content: ctx.t(holds ? 'revisit.toast_holds' : 'revisit.toast_rework', { n: task.number }) }, ...redraw };
};
