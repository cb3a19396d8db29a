/**
 * 回头看 answers (SPEC §4): the revisit card's 成效巩固 button and its 需要整改 form. Only the
 * assigner or the supervising leader answers, once per 回头看 (a claim on its time).
 * - 成效巩固 closes the revisit: one event on the task's log, said once in its group.
 * - 需要整改 reopens the task for a 整改 round (bot/domain/task.ts reopenForRework): the deadline
 *   picked on the card (required), the requirement typed there shown on the task's cards, the
 *   round in the ledger's event, and the lead told in the group, mentioned.
 */
import type { CardActionHandler } from '../bot/router.js';
import { mayAnswerRevisit, leadOf } from '../bot/domain/roles.js';
import { isRefusal, reopenForRework } from '../bot/domain/task.js';
import type { OutMessage } from '../bot/domain/types.js';
import { UserError } from '../bot/errors.js';
import { atText, titleText } from '../bot/cards/announce.js';
import { reworkFields } from '../bot/cards/chase.js';
import { readTaskValue } from '../bot/cards/payload.js';
import { personText } from '../bot/cards/primitives.js';
import { cardUpdates } from '../bot/cards/task.js';
import { formatDateTime } from '../bot/cards/time.js';
import { formOf, pickedDeadlineText } from '../bot/lark/form.js';
import { MAX_NOTE_CHARS, normalizeText } from '../bot/parse/command.js';
import { ParseError } from '../bot/parse/errors.js';
import { parseTime } from '../bot/parse/time.js';
import { getChatSettings } from '../db/chats.js';
import { countReworks } from '../db/events.js';
import { claimedKeys } from '../db/reminders.js';
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
  // Answered before (the claim of this 回头看, or of the last one for a reopened task): say so first.
  const claims = [{ key: `t:${task.id}:revisit-answer:${task.revisitAt?.toISOString() ?? 'none'}`, kind: 'revisit_answer', taskId: task.id }];
  if ((await claimedKeys(ctx.deps.db, [claims[0]!.key])).size || (task.state !== 'done' && (await countReworks(ctx.deps.db, task.id)) > 0)) {
    const card = press.place === 'briefing' ? await briefingCardFor(ctx, press.batch) : null;
    return { toast: { type: 'info', content: ctx.t('revisit.already', { n: task.number }) }, ...(card ? { card: { type: 'raw', data: card } } : {}) };
  }
  if (task.state !== 'done') throw new UserError('revisit.not_done', { n: task.number });
  let saved: unknown;
  let round = 0;
  if (holds) {
    const text = ctx.t('revisit.holds', { n: task.number, title: titleText(task), who: atText(ctx.actor, view) });
    const message: OutMessage = { kind: 'send', to: { type: 'chat_id', id: task.chatId }, msgType: 'text', content: { text }, taskId: task.id };
    saved = await ctx.commit({
      task: { value: task, expectedVersion: task.version },
      events: [{ kind: 'revisit_answered', actorId: ctx.actor, payload: { holds, revisitAt: task.revisitAt?.toISOString() ?? null }, at: ctx.now }],
      messages: [message],
      claims,
    });
  } else {
    // The form's 整改 deadline, read as the command's time parser reads a picked date.
    const fields = reworkFields(task.id);
    const form = formOf(event);
    const picked = form.date(fields.due);
    if (!picked) throw new UserError('revisit.rework_due_required', { n: task.number });
    const dueAt = parseTime(pickedDeadlineText(picked, null), {
      now: ctx.now,
      calendar: ctx.deps.calendar,
      endOfDay: (await getChatSettings(ctx.deps.db, task.chatId)).endOfDay,
      lang: ctx.lang,
    });
    const note = normalizeText(form.text(fields.note));
    if ([...note].length > MAX_NOTE_CHARS) throw new ParseError('note_too_long', { max: MAX_NOTE_CHARS, length: [...note].length });
    round = (await countReworks(ctx.deps.db, task.id)) + 1;
    const decision = reopenForRework(task, { dueAt, note: note || null, round }, ctx.actor, ctx.now);
    if (isRefusal(decision)) throw new UserError('task.refuse.due_in_past');
    const lead = leadOf(decision.task);
    const text = ctx.t('revisit.reopened', {
      n: task.number,
      title: titleText(task),
      who: personText(ctx.actor, view),
      round,
      due: formatDateTime(dueAt, view),
      lead: lead ? atText(lead, view) : '',
      note: note ? ctx.t('revisit.reopened_note', { note: titleText({ ...task, title: note }) }) : '',
    });
    const message: OutMessage = { kind: 'send', to: { type: 'chat_id', id: task.chatId }, msgType: 'text', content: { text }, taskId: task.id };
    saved = await ctx.commit({
      task: { value: decision.task, expectedVersion: task.version },
      events: decision.events,
      messages: (s) => (s ? [message, ...cardUpdates(s, view)] : []),
      claims,
    });
  }
  const card = press.place === 'briefing' ? await briefingCardFor(ctx, press.batch) : null;
  const redraw = card ? { card: { type: 'raw', data: card } as unknown as Record<string, unknown> } : {};
  if (!saved) return { toast: { type: 'info', content: ctx.t('revisit.already', { n: task.number }) }, ...redraw };
  return {
    toast: { type: 'success', content: holds ? ctx.t('revisit.toast_holds', { n: task.number }) : ctx.t('revisit.toast_rework', { n: task.number, round }) },
    ...redraw,
  };
};
