/**
 * The one path every task change takes, whether it came as a typed command, a reply to a bot
 * message or a card button: load the task within the event's tenant, decide with
 * domain/task.ts, and commit the new state, its ledger events, the in-place updates of the
 * group card and the assignees' p2p cards, and the announcements in one transaction. A refusal becomes a UserError: the router answers
 * with the sentence (or a toast) and nothing is written.
 */
import type { BotContext } from '../bot/context.js';
import { leaveMarks } from '../db/leave.js';
import { readsOfTasks } from '../db/reads.js';
import { announcement, notices, refusalError } from '../bot/cards/announce.js';
import type { CardView } from '../bot/cards/primitives.js';
import { cardUpdates } from '../bot/cards/task.js';
import { editMessages, movedPeople } from '../bot/cards/edits.js';
import { leadOf } from '../bot/domain/roles.js';
import { decide, isRefusal, type Action } from '../bot/domain/task.js';
import type { ChatSettings, Task } from '../bot/domain/types.js';
import { UserError } from '../bot/errors.js';
import { getChatSettings } from '../db/chats.js';
import { settingsForDecision } from '../bot/chat-admins.js';
import { getTaskById, getTaskByNumber } from '../db/tasks.js';
import { lookupUsers } from '../bot/directory.js';

/** How the action came: a typed command, a reply to a bot message, a card button, or a reaction on a card (answered by the bot's own reaction). */
export type Via = 'command' | 'reply' | 'card' | 'reaction';

/** Loads a task of the event's tenant; another tenant's task is "not found", never shown. */
export async function loadTask(ctx: BotContext, ref: { number: number } | { id: number }): Promise<Task> {
  const task = 'number' in ref ? await getTaskByNumber(ctx.deps.db, ctx.tenantKey, ref.number) : await getTaskById(ctx.deps.db, ref.id);
  if (!task || task.tenantKey !== ctx.tenantKey) {
    throw new UserError('task.not_found', { n: 'number' in ref ? ref.number : '?' });
  }
  return task;
}

/** Everything a card needs beyond the task: names, the chat's leader and settings, the clock. */
export async function cardViewFor(ctx: BotContext, tasks: readonly Task[], settings?: ChatSettings): Promise<CardView> {
  const chatSettings = settings ?? (tasks[0] ? await getChatSettings(ctx.deps.db, tasks[0].chatId) : null);
  const ids = new Set<string>();
  for (const t of tasks) {
    ids.add(t.creatorId);
    if (t.supervisorId) ids.add(t.supervisorId);
    for (const a of t.assignees) ids.add(a.userId);
    if (t.pendingExtension) ids.add(t.pendingExtension.requestedBy);
    if (t.returned) ids.add(t.returned.by);
  }
  if (chatSettings?.supervisorId) ids.add(chatSettings.supervisorId);
  const dir = await lookupUsers(ctx.deps, ctx.tenantKey, [...ids]);
  const names: Record<string, string> = {};
  for (const [id, e] of dir) if (e.name && e.name !== id) names[id] = e.name;
  return {
    lang: ctx.lang,
    now: ctx.now,
    tz: ctx.deps.config.DUBAN_TZ,
    calendar: ctx.deps.calendar,
    settings: chatSettings ?? (await getChatSettings(ctx.deps.db, ctx.chatId ?? '')),
    chatSupervisorId: chatSettings?.supervisorId ?? null,
    names,
    ...(await leaveAndReadMarks(ctx, tasks)),
  };
}

/** "请假至" of the tasks' people and the read marks of their latest 催办 (CardView.leaves, .reads). */
async function leaveAndReadMarks(ctx: BotContext, tasks: readonly Task[]): Promise<Pick<CardView, 'leaves' | 'reads'>> {
  if (!tasks.length) return {};
  const people = [...new Set(tasks.flatMap((t) => t.assignees.map((a) => a.userId)))];
  const leaves = await leaveMarks(ctx.deps.db, ctx.tenantKey, people, ctx.now, (d) => ctx.deps.calendar.localDate(d));
  const reads: NonNullable<CardView['reads']> = {};
  for (const [id, r] of await readsOfTasks(
    ctx.deps.db,
    tasks.map((t) => t.id),
  ))
    if (r.chase) reads[id] = { sentAt: r.chase.sentAt, readAt: r.chase.readAt };
  return { leaves, reads };
}

export interface Applied {
  task: Task;
  view: CardView;
}

/**
 * Decides `action` on `task` for the actor and commits it with the card update and the
 * announcements. Throws UserError on a refusal (nothing written).
 */
export async function applyAction(ctx: BotContext, task: Task, action: Action, via: Via): Promise<Applied> {
  const { admins } = await settingsForDecision(ctx.deps, ctx.tenantKey, task.chatId);
  const view: CardView = { ...(await cardViewFor(ctx, [task])), chatAdmins: admins };
  const result = decide(task, action, ctx.actor, ctx.now, { supervisorId: view.chatSupervisorId ?? null, admins });
  if (isRefusal(result)) throw refusalError(result, action, task, view);
  const text = announcement(result.task, task, action, ctx.actor, view);
  // A typed command or reply gets its answer threaded onto it; a click answers with a toast,
  // and only news others must see (submitted, returned, decisions) goes to the chat.
  // A 催办 goes to the task's chat, where the assignees are, however it was given; on a 紧急
  // task it also buzzes the lead (加急, SPEC §4).
  if (text && action.kind === 'chase') {
    const lead = leadOf(result.task);
    const urgentTo = result.task.priority === 'urgent' && lead ? { urgentTo: [lead] } : {};
    const reminds = lead ? { reminds: [{ taskId: task.id, kind: 'chase' as const, recipients: [lead] }] } : {};
    ctx.send({ kind: 'send', to: { type: 'chat_id', id: task.chatId }, msgType: 'text', content: { text }, taskId: task.id, ...urgentTo, ...reminds });
    if (via === 'command' && ctx.chatId !== task.chatId) ctx.reply(ctx.t('task.toast.chase', { n: task.number }));
  } else if (text && via !== 'reaction') {
    if (via !== 'card') ctx.reply(text);
    else if (action.kind !== 'accept' && action.kind !== 'progress') {
      ctx.send({ kind: 'send', to: { type: 'chat_id', id: task.chatId }, msgType: 'text', content: { text }, taskId: task.id });
    }
  }
  const saved = await ctx.commit({
    task: { value: result.task, expectedVersion: task.version },
    events: result.events,
    messages: (s) => {
      if (!s) return [];
      // Someone new to the task gets their own card (editMessages) rather than an update of none.
      const { joined } = movedPeople(s, task);
      const updates = cardUpdates(s, view).filter((m) => !(m.kind === 'card_update' && m.assignee && joined.includes(m.assignee)));
      return [...updates, ...notices(s, task, action, view), ...editMessages(s, task, action, ctx.actor, view)];
    },
  });
  return { task: saved ?? result.task, view };
}
