/**
 * Edits from cards. 调整 on a task card sends whoever decides on the task (roles.ts: the 交办人
 * or the 督办领导) the edit card (bot/cards/edits.ts editCard) in their p2p chat; anyone else
 * gets the same refusal /改期 would give. Each of its forms (card.action.trigger with
 * `form_value`) becomes the same Action as the typed command — 改期 from the date and time
 * pickers read by the command's time parser, 转办 from the person picker, 加协办 / 减协办, 修改
 * 标题 / 详情 — through applyAction, so a card cannot do what the command would refuse. The
 * answer is a toast and the edit card redrawn as the task now stands.
 */
import { refusalError } from '../bot/cards/announce.js';
import { EDIT_FIELDS, EDIT_PEOPLE_MAX, editCard } from '../bot/cards/edits.js';
import { readTaskValue, type CardActionName } from '../bot/cards/payload.js';
import type { Card } from '../bot/cards/primitives.js';
import { settingsForDecision } from '../bot/chat-admins.js';
import type { BotContext, CardAnswer } from '../bot/context.js';
import { mayAct, rolesOf } from '../bot/domain/roles.js';
import type { Action } from '../bot/domain/task.js';
import type { Task } from '../bot/domain/types.js';
import { UserError } from '../bot/errors.js';
import { formOf, pickedDeadlineText } from '../bot/lark/form.js';
import { MAX_NOTE_CHARS, MAX_TITLE_CHARS, normalizeText } from '../bot/parse/command.js';
import { ParseError } from '../bot/parse/errors.js';
import { parseTime } from '../bot/parse/time.js';
import type { CardActionEvent, CardActionHandler } from '../bot/router.js';
import { getChatSettings } from '../db/chats.js';
import { applyAction, cardViewFor, loadTask } from './act.js';
import { sendToAsker } from './show.js';

export const EDIT_SUBMITS = ['edit_due', 'edit_reassign', 'edit_add', 'edit_remove', 'edit_title', 'edit_detail'] as const satisfies readonly CardActionName[];
type EditSubmit = (typeof EDIT_SUBMITS)[number];

const raw = (card: Card) => ({ type: 'raw', data: card }) as unknown as Record<string, unknown>;

/** Whom the edit card's pickers offer: the task's chat's members, as Lark lists them (bounded). */
async function peopleOf(ctx: BotContext, task: Task): Promise<string[]> {
  try {
    return (await ctx.deps.lark.listChatMembers(task.chatId, EDIT_PEOPLE_MAX)).map((m) => m.openId);
  } catch (err) {
    ctx.deps.log.debug({ err, chat_id: task.chatId }, 'chat members unavailable; the pickers offer the task’s people');
    return [task.creatorId, ...task.assignees.map((a) => a.userId)];
  }
}

async function editCardFor(ctx: BotContext, task: Task): Promise<Card> {
  return editCard(task, await cardViewFor(ctx, [task]), await peopleOf(ctx, task));
}

/** 调整: the edit card to the one who may edit, privately; the refusal of /改期 to anyone else. */
export const editMenu: CardActionHandler = async (ctx, event) => {
  const press = readTaskValue(event.value, ['edit_menu'] as const);
  if (!press) throw new UserError('card_unknown_action');
  const task = await loadTask(ctx, { id: press.taskId });
  if (task.state === 'done' || task.state === 'cancelled') {
    const view = await cardViewFor(ctx, [task]);
    throw refusalError({ refused: task.state === 'done' ? 'already_done' : 'cancelled' }, { kind: 'edit', field: 'title', text: '' }, task, view);
  }
  const { supervisorId, admins } = await settingsForDecision(ctx.deps, ctx.tenantKey, task.chatId);
  const notAllowed = mayAct(rolesOf(task, ctx.actor, { supervisorId, admins }), 'edit');
  if (notAllowed) throw refusalError({ refused: notAllowed }, { kind: 'edit', field: 'title', text: '' }, task, await cardViewFor(ctx, [task]));
  sendToAsker(ctx, await editCardFor(ctx, task), task.id);
  return { toast: { type: 'info', content: ctx.t('task.edit.sent_p2p', { n: task.number }) } };
};

function text(event: CardActionEvent, name: string, max: number): string {
  const v = normalizeText(formOf(event).text(name));
  const length = [...v].length;
  if (length > max) throw new ParseError(max === MAX_TITLE_CHARS ? 'title_too_long' : 'note_too_long', { max, length });
  return v;
}

/** The form of the edit card → its Action; what cannot be read is refused, not guessed. */
async function editAction(ctx: BotContext, a: EditSubmit, event: CardActionEvent, task: Task): Promise<Action> {
  const f = formOf(event);
  const F = EDIT_FIELDS;
  switch (a) {
    case 'edit_due': {
      const date = f.date(F.dueDate);
      if (!date) throw new UserError('task.edit.pick_due');
      const settings = await getChatSettings(ctx.deps.db, task.chatId);
      const dueAt = parseTime(pickedDeadlineText(date, f.time(F.dueTime)), {
        now: ctx.now,
        calendar: ctx.deps.calendar,
        endOfDay: settings.endOfDay,
        lang: ctx.lang,
      });
      return { kind: 'change_due', dueAt, reason: text(event, F.dueReason, MAX_NOTE_CHARS) || null };
    }
    case 'edit_reassign': {
      const lead = f.person(F.lead);
      if (!lead) throw new UserError('task.edit.pick_person');
      return { kind: 'reassign', lead, reason: text(event, F.leadReason, MAX_NOTE_CHARS) || null };
    }
    case 'edit_add':
    case 'edit_remove': {
      const ids = f.persons(a === 'edit_add' ? F.coAdd : F.coRemove);
      if (ids.length === 0) throw new UserError('task.edit.pick_person');
      return a === 'edit_add' ? { kind: 'add_co', ids } : { kind: 'remove_co', ids };
    }
    case 'edit_title':
      return { kind: 'edit', field: 'title', text: text(event, F.title, MAX_TITLE_CHARS) };
    case 'edit_detail':
      return { kind: 'edit', field: 'detail', text: text(event, F.detail, MAX_NOTE_CHARS) };
  }
}

/** A form of the edit card submitted: the same decision as the typed edit, then the card redrawn. */
export const editSubmit: CardActionHandler = async (ctx, event): Promise<CardAnswer> => {
  const press = readTaskValue(event.value, EDIT_SUBMITS);
  if (!press) throw new UserError('card_unknown_action');
  const task = await loadTask(ctx, { id: press.taskId });
  const action = await editAction(ctx, press.a, event, task);
  const { task: saved } = await applyAction(ctx, task, action, 'card');
  const toast = {
    type: 'success',
    content: ctx.t(`task.toast.${action.kind as 'change_due' | 'reassign' | 'add_co' | 'remove_co' | 'edit'}`, { n: saved.number }),
  } as const;
  return { toast, card: raw(await editCardFor(ctx, saved)) };
};
