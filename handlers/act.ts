/**
 * The one path every task change takes, whether it came as a typed command, a reply to a bot
 * message or a card button: load the task within the event's tenant, decide with
 * domain/task.ts, and commit the new state, its ledger events, the in-place updates of the
 * group card and the assignees' p2p cards, and the announcements in one transaction. A refusal becomes a UserError: the router answers
 * with the sentence (or a toast) and nothing is written.
 */
import type { BotContext } from '../bot/context.js';
import { escapeText, truncate } from '../bot/cards/escape.js';
import { cardUpdates, formatDateTime, type CardView } from '../bot/cards/task.js';
import { leadOf, reviewersOf } from '../bot/domain/roles.js';
import { decide, isRefusal, type Action, type Refusal } from '../bot/domain/task.js';
import type { ChatSettings, OutMessage, Task } from '../bot/domain/types.js';
import { UserError } from '../bot/errors.js';
import { t as translate } from '../bot/i18n.js';
import { getChatSettings } from '../db/chats.js';
import { settingsForDecision } from '../bot/chat-admins.js';
import { getTaskById, getTaskByNumber } from '../db/tasks.js';
import { lookupUsers } from '../bot/directory.js';

export type Via = 'command' | 'reply' | 'card';

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
  };
}

/** A mention inside a text message (not a card): `<at user_id="ou_…">name</at>`. */
export function atText(openId: string, view: Pick<CardView, 'names'>): string {
  if (!/^[A-Za-z0-9_-]+$/.test(openId) || openId === 'all') return '';
  return `<at user_id="${openId}">${escapeText(view.names?.[openId] ?? '')}</at>`;
}

/** A task title for a text message: short and with no tag in it. */
export function titleText(task: Task): string {
  return escapeText(truncate(task.title, 60));
}

/** The refusal as a specific sentence about this task. */
export function refusalError(r: Refusal, action: Action, task: Task, view: CardView): UserError {
  const n = task.number;
  const verb = tVerb(view, action);
  switch (r.refused) {
    case 'not_assignee':
    case 'not_creator_or_supervisor':
    case 'own_submission':
    case 'already_done':
    case 'cancelled':
      return new UserError(`task.refuse.${r.refused}`, { n, verb });
    case 'not_lead': {
      const lead = leadOf(task) ?? '';
      return new UserError('task.refuse.not_lead', { n, lead: view.names?.[lead] ?? lead });
    }
    case 'wrong_state': {
      const state = r.params?.state ?? task.state;
      if (state === 'submitted') return new UserError('task.refuse.wrong_state.submitted', { n, verb });
      return new UserError('task.refuse.wrong_state.not_submitted', { n, verb, state: stateName(view, state) });
    }
    case 'extension_pending':
    case 'extension_not_later':
      return new UserError(`task.refuse.${r.refused}`, { n, due: r.params?.dueAt ? formatDateTime(r.params.dueAt, view) : '' });
    case 'reason_required':
      return new UserError('task.refuse.reason_required', { n, usage: reasonUsage(view, action, n) });
    default:
      return new UserError(`task.refuse.${r.refused}`, { n });
  }
}

function tVerb(view: CardView, action: Action): string {
  return ctxT(view, `task.verb.${action.kind}`);
}
function stateName(view: CardView, state: string): string {
  return ctxT(view, `task.state.${state}`);
}
function reasonUsage(view: CardView, action: Action, n: number): string {
  const zh = view.lang === 'zh';
  if (action.kind === 'request_extension') return zh ? `/延期 #${n} 下周五 材料未齐` : `/extend #${n} next friday waiting for data`;
  return zh ? `/退回 #${n} 数据需要核实` : `/reject #${n} the figures need checking`;
}

function ctxT(view: Pick<CardView, 'lang'>, key: string, params?: Record<string, string | number>): string {
  return translate(view.lang, key, params);
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
  const view = await cardViewFor(ctx, [task]);
  const { admins } = await settingsForDecision(ctx.deps, ctx.tenantKey, task.chatId);
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
    ctx.send({ kind: 'send', to: { type: 'chat_id', id: task.chatId }, msgType: 'text', content: { text }, taskId: task.id, ...urgentTo });
    if (via === 'command' && ctx.chatId !== task.chatId) ctx.reply(ctxT(view, 'task.toast.chase', { n: task.number }));
  } else if (text) {
    if (via !== 'card') ctx.reply(text);
    else if (action.kind !== 'accept' && action.kind !== 'progress') {
      ctx.send({ kind: 'send', to: { type: 'chat_id', id: task.chatId }, msgType: 'text', content: { text }, taskId: task.id });
    }
  }
  const saved = await ctx.commit({
    task: { value: result.task, expectedVersion: task.version },
    events: result.events,
    messages: (s) => (s ? [...cardUpdates(s, view), ...notices(s, task, action, view)] : []),
  });
  return { task: saved ?? result.task, view };
}

/** Whether an 同意延期 found the request lapsed (its date passed): dropped, the deadline unchanged. */
export function extensionLapsed(before: Task, next: Task): boolean {
  return Boolean(before.pendingExtension && !next.pendingExtension && next.dueAt?.getTime() === before.dueAt?.getTime());
}

/** p2p notices to whoever must act next: the reviewer of a submission or an extension request. */
function notices(next: Task, before: Task, action: Action, view: CardView): OutMessage[] {
  const reviewers = reviewersOf(next, { supervisorId: view.chatSupervisorId ?? null });
  const p2p = (to: string, text: string): OutMessage => ({
    kind: 'send',
    to: { type: 'open_id', id: to },
    msgType: 'text',
    content: { text },
    taskId: next.id,
  });
  if (action.kind === 'submit' && before.state !== 'submitted') {
    return reviewers.map((r) => p2p(r, ctxT(view, 'task.notice.review', { n: next.number, title: titleText(next) })));
  }
  if (action.kind === 'request_extension' && next.pendingExtension) {
    const due = formatDateTime(next.pendingExtension.dueAt, view);
    return reviewers.map((r) => p2p(r, ctxT(view, 'task.notice.extension', { n: next.number, title: titleText(next), due })));
  }
  return [];
}

/** The chat text that tells everyone what happened; null when the card update says enough. */
function announcement(next: Task, before: Task, action: Action, actor: string, view: CardView): string | null {
  const n = next.number;
  const title = titleText(next);
  const due = next.dueAt ? formatDateTime(next.dueAt, view) : ctxT(view, 'task.due.none');
  const who = atText(actor, view);
  const lead = leadOf(next) ?? '';
  const reviewers = reviewersOf(next, { supervisorId: view.chatSupervisorId ?? null });
  const reviewerText = reviewers.map((r) => atText(r, view)).join(' ');
  const safe = (s: string | null | undefined) => (s ? escapeText(truncate(s, 300)) : '');
  switch (action.kind) {
    case 'accept':
      return ctxT(view, 'task.reply.accepted', { who, n, title });
    case 'progress':
      return ctxT(view, 'task.reply.progress', {
        n,
        percent: action.percent !== null ? ctxT(view, 'task.reply.percent_suffix', { percent: next.percent ?? 0 }) : '',
      });
    case 'submit':
      return ctxT(view, 'task.reply.submitted', { n, title, reviewer: reviewerText });
    case 'approve':
      return ctxT(view, 'task.reply.approved', {
        n,
        title,
        revisit: next.revisitAt ? ctxT(view, 'task.reply.approved_revisit', { at: formatDateTime(next.revisitAt, view) }) : '',
      });
    case 'reject':
      return ctxT(view, 'task.reply.returned', { n, lead: atText(lead, view), reason: safe(action.reason) });
    case 'request_extension':
      return ctxT(view, 'task.reply.extension_requested', {
        who,
        n,
        due: formatDateTime(action.dueAt, view),
        reason: safe(action.reason),
        reviewer: reviewerText,
      });
    case 'approve_extension':
      if (extensionLapsed(before, next)) {
        const requested = before.pendingExtension!;
        return ctxT(view, 'task.reply.extension_expired', {
          n,
          requested: formatDateTime(requested.dueAt, view),
          due,
          who: atText(requested.requestedBy, view),
        });
      }
      return ctxT(view, 'task.reply.extension_approved', {
        n,
        due,
        original: next.originalDueAt ? formatDateTime(next.originalDueAt, view) : due,
      });
    case 'reject_extension':
      return ctxT(view, 'task.reply.extension_rejected', {
        n,
        due,
        reason: action.reason ? ctxT(view, 'task.reply.reason_suffix', { reason: safe(action.reason) }) : '',
      });
    case 'chase':
      return ctxT(view, 'task.reply.chased', {
        n,
        title,
        lead: next.assignees.map((a) => atText(a.userId, view)).join(' '),
        due,
        note: action.note ? ctxT(view, 'task.reply.note_suffix', { note: safe(action.note) }) : '',
      });
    case 'cancel':
      return ctxT(view, 'task.reply.cancelled', {
        n,
        title,
        reason: action.reason ? ctxT(view, 'task.reply.reason_suffix', { reason: safe(action.reason) }) : '',
      });
    case 'attach':
      return ctxT(view, `task.reply.evidence_${action.evidence.type}`, { n, name: safe(action.evidence.name) });
  }
}
