/**
 * The 交办 form (bot/cards/assign-form.ts): `/交办` without a 主办 or a 事项 answers with it,
 * filled in with what was given; the p2p menu's 新建督办 and the 新建 button of /任务 open it
 * blank. Submitting it (card.action.trigger with `form_value`) creates the task through the
 * same createTask as the command, and the form card turns into the task card. A refusal names
 * the field in a toast and answers the form again as it was typed.
 */
import { assignFromMessage } from './assign-message.js';
import { ASSIGN_FIELDS, assignFieldLabel, assignFormCard, DUE_SHORTCUTS, type AssignField, type AssignFormValues } from '../bot/cards/assign-form.js';
import { taskCard } from '../bot/cards/task.js';
import type { BotContext, CardAnswer } from '../bot/context.js';
import type { Category, ChatSettings, Priority } from '../bot/domain/types.js';
import { UserError } from '../bot/errors.js';
import { formOf, FormFieldError, pickedDeadlineText, type FormValues } from '../bot/lark/form.js';
import { MAX_ASSIGNEES, MAX_NOTE_CHARS, MAX_TITLE_CHARS, normalizeText, type AssignDraft } from '../bot/parse/command.js';
import { ParseError } from '../bot/parse/errors.js';
import { parseTime, workdaySpanOf } from '../bot/parse/time.js';
import { explain, type CardActionHandler, type CommandHandler } from '../bot/router.js';
import { getChat } from '../db/chats.js';
import { getTaskByMessageId } from '../db/tasks.js';
import { colleaguesOf } from '../db/users.js';
import { cardViewFor } from './act.js';
import { assignerSettings, createTask, type TaskRequest } from './assign.js';

const F = ASSIGN_FIELDS;
const MAX_SOURCE_CHARS = 200;
/** How many colleagues a p2p form's person selectors offer: three selectors of 100 open_ids keep the card near 20 KB, under Lark's 30 KB. */
const P2P_PEOPLE = 100;
const CATEGORIES: readonly Category[] = ['decision', 'special', 'livelihood'];
const PRIORITIES: readonly Priority[] = ['normal', 'high', 'urgent'];

/** A refusal of one field: the toast names it. */
class FieldRefusal extends Error {
  constructor(
    readonly field: AssignField,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const chars = (s: string) => [...s].length;

/** The people the person selectors offer: none in a group (Lark offers its members), colleagues in p2p. */
async function peopleFor(ctx: BotContext, chatType: 'group' | 'p2p'): Promise<string[]> {
  return chatType === 'p2p' ? colleaguesOf(ctx.deps.db, ctx.tenantKey, P2P_PEOPLE) : [];
}

/** A chat the bot knows as a group is one; any other (a p2p chat with the bot, never stored) is treated as p2p. */
async function chatTypeOf(ctx: BotContext, chatId: string): Promise<'group' | 'p2p'> {
  return (await getChat(ctx.deps.db, chatId))?.chatType === 'group' ? 'group' : 'p2p';
}

/** The form as a fresh message in a chat (the menu in p2p, the 新建 button of a list). */
export async function sendAssignForm(ctx: BotContext, to: { type: 'chat_id' | 'open_id'; id: string }, chatType: 'group' | 'p2p'): Promise<void> {
  const card = assignFormCard({}, { lang: ctx.lang, people: await peopleFor(ctx, chatType) });
  ctx.send({ kind: 'send', to, msgType: 'interactive', content: card });
}

/** 新建 on a /任务 card: the form as a new message in that chat, for whoever may assign there. */
export const newTaskButton: CardActionHandler = async (ctx): Promise<CardAnswer> => {
  if (!ctx.chatId) {
    await sendAssignForm(ctx, { type: 'open_id', id: ctx.actor }, 'p2p');
    return { toast: { type: 'info', content: ctx.t('form.sent') } };
  }
  const chatType = await chatTypeOf(ctx, ctx.chatId);
  if (chatType === 'group') await assignerSettings(ctx, ctx.chatId);
  await sendAssignForm(ctx, { type: 'chat_id', id: ctx.chatId }, chatType);
  return { toast: { type: 'info', content: ctx.t('form.sent') } };
};

/** `/交办` with nothing, or with only part of what a task needs: the form, filled in. */
export const assignFormCommand: CommandHandler<'assign_form'> = async (ctx, cmd, event) => {
  // A reply naming a 主办 and no 事项: the replied-to message is the task (handlers/assign-message.ts).
  if (event.parentId && cmd.draft.lead && !cmd.draft.title) return assignFromMessage(ctx, { ...cmd.draft, lead: cmd.draft.lead }, event);
  await assignerSettings(ctx, event.chatId);
  const values = valuesOfDraft(ctx, cmd.draft);
  const missing = [...(cmd.draft.lead ? [] : ['lead' as const]), ...(cmd.draft.title ? [] : ['title' as const])];
  const gaveSomething = Boolean(
    cmd.draft.lead || cmd.draft.title || cmd.draft.dueAt || cmd.draft.source || cmd.draft.category || cmd.draft.priority !== 'normal',
  );
  const note = gaveSomething
    ? ctx.t('form.assign.note.missing', { fields: missing.map((f) => `「${assignFieldLabel(f, ctx.lang)}」`).join(ctx.lang === 'zh' ? '、' : ', ') })
    : null;
  const card = assignFormCard(values, { lang: ctx.lang, note, people: await peopleFor(ctx, event.chatType) });
  ctx.send({ kind: 'reply', messageId: event.messageId, chatId: event.chatId, msgType: 'interactive', content: card });
};

function valuesOfDraft(ctx: BotContext, d: AssignDraft): AssignFormValues {
  const cal = ctx.deps.calendar;
  return {
    title: d.title,
    lead: d.lead,
    co: d.co,
    dueDate: d.dueAt ? cal.localDate(d.dueAt) : null,
    dueTime: d.dueAt ? cal.localTime(d.dueAt) : null,
    category: d.category,
    priority: d.priority,
    source: d.source ?? undefined,
  };
}

/** The submitted form, read field by field; each problem names its field. */
function readRequest(ctx: BotContext, f: FormValues, chatId: string, settings: ChatSettings): TaskRequest {
  const field = <T>(name: AssignField, read: () => T): T => {
    try {
      return read();
    } catch (err) {
      if (err instanceof FormFieldError) throw new FieldRefusal(name, ctx.t('form.bad_value', { field: assignFieldLabel(name, ctx.lang) }));
      if (err instanceof ParseError || err instanceof UserError) {
        const bare = err instanceof ParseError ? new ParseError(err.code, err.params) : new UserError(err.key, err.params);
        throw new FieldRefusal(name, ctx.t('form.assign.field_problem', { field: assignFieldLabel(name, ctx.lang), problem: explain(ctx.lang, bare) }));
      }
      throw err;
    }
  };
  const missing = (name: AssignField) => new FieldRefusal(name, ctx.t('form.assign.missing', { field: assignFieldLabel(name, ctx.lang) }));

  const title = field('title', () => {
    const s = normalizeText(f.text(F.title)).replace(/\s+/g, ' ').trim();
    if (chars(s) > MAX_TITLE_CHARS) throw new ParseError('title_too_long', { max: MAX_TITLE_CHARS, length: chars(s) });
    return s;
  });
  if (!title) throw missing('title');
  const lead = field('lead', () => f.person(F.lead));
  if (!lead) throw missing('lead');
  const co = field('co', () => f.persons(F.co)).filter((id) => id !== lead);
  if (co.length + 1 > MAX_ASSIGNEES)
    throw new FieldRefusal(
      'co',
      ctx.t('form.assign.field_problem', {
        field: assignFieldLabel('co', ctx.lang),
        problem: explain(ctx.lang, new ParseError('too_many_assignees', { max: MAX_ASSIGNEES, count: co.length + 1 })),
      }),
    );
  const detail = field('detail', () => {
    const s = normalizeText(f.text(F.detail)).trim();
    if (chars(s) > MAX_NOTE_CHARS) throw new ParseError('note_too_long', { max: MAX_NOTE_CHARS, length: chars(s) });
    return s || null;
  });
  const due = field('dueDate', () => deadline(ctx, f, settings));
  const category = field('category', () => {
    const v = f.option(F.category);
    if (v !== null && !CATEGORIES.includes(v as Category)) throw new FormFieldError(F.category);
    return v as Category | null;
  });
  const priority = field('priority', () => {
    const v = f.option(F.priority);
    if (v !== null && !PRIORITIES.includes(v as Priority)) throw new FormFieldError(F.priority);
    return (v ?? 'normal') as Priority;
  });
  const source = field('source', () => {
    const s = normalizeText(f.text(F.source)).replace(/\s+/g, ' ').trim();
    if (chars(s) > MAX_SOURCE_CHARS) throw new ParseError('note_too_long', { max: MAX_SOURCE_CHARS, length: chars(s) });
    return s || null;
  });
  const supervisorId = field('supervisor', () => f.person(F.supervisor));
  return { chatId, lead, co, title, detail, dueAt: due.dueAt, dueWorkdays: due.dueWorkdays, priority, category, source, supervisorId };
}

/**
 * 截止: a picked date (and time), or a shortcut (and a time), read by the command's time
 * parser so it means what typing it would. Both a date and a shortcut is refused, not guessed.
 */
function deadline(ctx: BotContext, f: FormValues, settings: ChatSettings): { dueAt: Date | null; dueWorkdays: number | null } {
  const date = f.date(F.dueDate);
  const time = f.time(F.dueTime);
  const quick = f.option(F.dueShortcut);
  const tctx = { now: ctx.now, calendar: ctx.deps.calendar, endOfDay: settings.endOfDay, lang: ctx.lang };
  if (date && quick) throw new UserError('form.assign.due_both');
  if (quick) {
    const shortcut = DUE_SHORTCUTS.find((s) => s.value === quick);
    if (!shortcut) throw new FormFieldError(F.dueShortcut);
    const at = parseTime(shortcut.phrase, tctx);
    const dueWorkdays = workdaySpanOf(shortcut.phrase);
    if (!time) return { dueAt: at, dueWorkdays };
    const day = { date: ctx.deps.calendar.localDate(at), offsetMinutes: null };
    return { dueAt: parseTime(pickedDeadlineText(day, time), tctx), dueWorkdays };
  }
  if (date) return { dueAt: parseTime(pickedDeadlineText(date, time), tctx), dueWorkdays: null };
  if (time) throw new UserError('form.assign.time_without_date');
  return { dueAt: null, dueWorkdays: null };
}

/** What was typed, to answer a refused form with (nothing unreadable is put back). */
function typedValues(f: FormValues): AssignFormValues {
  const safe = <T>(read: () => T, fallback: T): T => {
    try {
      return read();
    } catch {
      return fallback;
    }
  };
  const option = <T extends string>(name: string, allowed: readonly T[]) => {
    const v = safe(() => f.option(name), null);
    return v && (allowed as readonly string[]).includes(v) ? (v as T) : null;
  };
  return {
    title: safe(() => f.text(F.title), ''),
    detail: safe(() => f.text(F.detail), ''),
    lead: safe(() => f.person(F.lead), null),
    co: safe(() => f.persons(F.co), []),
    dueDate: safe(() => f.date(F.dueDate)?.date ?? null, null),
    dueTime: safe(() => f.time(F.dueTime)?.time ?? null, null),
    dueShortcut: option(
      F.dueShortcut,
      DUE_SHORTCUTS.map((s) => s.value),
    ),
    category: option(F.category, CATEGORIES),
    priority: option(F.priority, PRIORITIES) ?? 'normal',
    source: safe(() => f.text(F.source), ''),
    supervisor: safe(() => f.person(F.supervisor), null),
  };
}

/** 交办 pressed on the form. */
export const assignFormSubmit: CardActionHandler = async (ctx, event): Promise<CardAnswer> => {
  const chatId = event.chatId;
  if (!chatId || !event.messageId) throw new UserError('card_unknown_action');
  // Pressed twice (or answered late and pressed again): the task it made, not a second one.
  const made = await getTaskByMessageId(ctx.deps.db, ctx.tenantKey, event.messageId);
  if (made && made.chatId === chatId) {
    return { toast: { type: 'info', content: ctx.t('form.assign.done', { n: made.number }) }, card: raw(taskCard(made, await cardViewFor(ctx, [made]))) };
  }
  const settings = await assignerSettings(ctx, chatId);
  const f = formOf(event);
  let req: TaskRequest;
  try {
    req = readRequest(ctx, f, chatId, settings);
  } catch (err) {
    if (!(err instanceof FieldRefusal)) throw err;
    const card = assignFormCard(typedValues(f), {
      lang: ctx.lang,
      note: ctx.t('form.assign.note.refused', { reason: err.reason }),
      people: await peopleFor(ctx, await chatTypeOf(ctx, chatId)),
    });
    return { toast: { type: 'warning', content: err.reason }, card: raw(card) };
  }
  const { task, view } = await createTask(ctx, req, settings, { messageId: event.messageId });
  return { toast: { type: 'success', content: ctx.t('form.assign.done', { n: task.number }) }, card: raw(taskCard(task, view)) };
};

const raw = (card: Record<string, unknown>) => ({ type: 'raw', data: card }) as unknown as Record<string, unknown>;
