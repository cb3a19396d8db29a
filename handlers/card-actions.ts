/**
 * Card buttons (card.action.trigger) → the same decide() and permission checks as the typed
 * commands. The payload is not trusted: the task it names is reloaded within the clicker's
 * tenant and the clicker's role re-checked. Answers `{ toast, card }` (Lark never retries a
 * callback); the shared card in the chat is also updated in place through the outbox.
 */
import type { BotContext, CardAnswer } from '../bot/context.js';
import { readListValue, readTaskValue, type ButtonValue } from '../bot/cards/payload.js';
import type { Card } from '../bot/cards/primitives.js';
import { assigneeCard, taskCard, taskDetailCard } from '../bot/cards/task.js';
import { UserError } from '../bot/errors.js';
import type { KeyTail } from '../bot/i18n.js';
import type { CardActionHandler } from '../bot/router.js';
import { listEvents } from '../db/events.js';
import { getChatSettings } from '../db/chats.js';
import { extensionLapsed } from '../bot/cards/announce.js';
import { applyAction, loadTask } from './act.js';
import { buttonAction, TASK_BUTTONS } from './actions.js';
import { mayShowIn } from '../bot/domain/roles.js';
import { briefingCardFor } from './briefing.js';
import { detailCardFor, groupAnsweredIn, listCardFor, sendToAsker } from './show.js';

const raw = (card: Card) => ({ type: 'raw', data: card }) as unknown as Record<string, unknown>;

/** The button as the codec reads it; a value that is not one refuses the click, changing nothing. */
function pressOf<A extends string>(value: ButtonValue, names: readonly A[]) {
  const press = readTaskValue(value, names);
  if (!press) throw new UserError('card_unknown_action');
  return press;
}

export const taskButton: CardActionHandler = async (ctx, event) => {
  const press = pressOf(event.value, TASK_BUTTONS);
  const task = await loadTask(ctx, { id: press.taskId });
  const settings = await getChatSettings(ctx.deps.db, task.chatId);
  const action = buttonAction(press.a, event, { now: ctx.now, calendar: ctx.deps.calendar, endOfDay: settings.endOfDay, lang: ctx.lang });
  const { task: saved, view } = await applyAction(ctx, task, action, 'card');
  const toast =
    action.kind === 'approve_extension' && extensionLapsed(task, saved)
      ? ({ type: 'warning', content: ctx.t('task.toast.extension_expired', { n: saved.number }) } as const)
      : // Every action a button maps to has its toast.
        ({ type: 'success', content: ctx.t(`task.toast.${action.kind as KeyTail<'task.toast.'>}`, { n: saved.number }) } as const);
  // A chase message (督办 card, decisions, reminders) is redrawn as itself, with this task as it now stands.
  if (press.place === 'briefing') {
    const batch = await briefingCardFor(ctx, press.batch);
    if (batch) return { toast, card: raw(batch as Card) };
  }
  // The clicked card is replaced by its current version: the p2p card stays a p2p card.
  const card =
    event.messageId && event.messageId === task.cardMessageId
      ? taskCard(saved, view)
      : press.place === 'assignee' && saved.assignees.some((x) => x.userId === ctx.actor)
        ? assigneeCard(saved, ctx.actor, view)
        : press.place === 'detail'
          ? taskDetailCard(saved, await listEvents(ctx.deps.db, saved.id), view)
          : taskCard(saved, view);
  return { toast, card: raw(card) };
};

export const showButton: CardActionHandler = async (ctx: BotContext, event): Promise<CardAnswer> => {
  const { task, card } = await detailCardFor(ctx, { id: pressOf(event.value, ['show']).taskId });
  // Another chat's task is never posted into a group: the detail goes to the one who clicked.
  if (!mayShowIn(task, await groupAnsweredIn(ctx))) {
    sendToAsker(ctx, card, task.id);
    return { toast: { type: 'info', content: ctx.t('task.sent_p2p', { n: task.number }) } };
  }
  // 查看 from a leader's digest opens the detail as a new message rather than replacing the digest.
  if (ctx.chatId) ctx.send({ kind: 'send', to: { type: 'chat_id', id: ctx.chatId }, msgType: 'interactive', content: card });
  return {};
};

export const listButton: CardActionHandler = async (ctx, event) => {
  const { filter, page: p } = readListValue(event.value);
  // A list card in a group pages through that group's tasks only.
  return { card: raw((await listCardFor(ctx, filter, p, await groupAnsweredIn(ctx))).card) };
};
