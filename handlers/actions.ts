/**
 * The one table from what people do to the domain Action it means (bot/domain/task.ts): each
 * typed verb, a reply to a bot message, and each card button. /办结 has its own handler
 * (handlers/done.ts) only to pick up a file sent with it as evidence, /通过 (handlers/approve.ts)
 * only to move a 回头看 time outside working time to the next working morning. Every entry goes through
 * applyAction (handlers/act.ts), so a reply or a button cannot do what the command would refuse.
 */
import { FORM_FIELDS } from '../bot/cards/task.js';
import type { Action, Evidence } from '../bot/domain/task.js';
import { UserError } from '../bot/errors.js';
import { FormFieldError, formOf, pickedDeadlineText } from '../bot/lark/form.js';
import { t } from '../bot/i18n.js';
import { parseTime, type TimeContext } from '../bot/parse/time.js';
import { extractPercent, MAX_NOTE_CHARS, normalizeText, parseReply, replyTaskRefs, type Command } from '../bot/parse/command.js';
import { ParseError } from '../bot/parse/errors.js';
import type { CardActionEvent, CommandHandler, MessageEvent, ReplyHandler } from '../bot/router.js';
import { leadOf } from '../bot/domain/roles.js';
import type { Task } from '../bot/domain/types.js';
import { getTaskByMessageId, tasksOfBatchMessage } from '../db/tasks.js';
import { applyAction, loadTask } from './act.js';

type ActionVerb =
  | 'accept'
  | 'progress'
  | 'done'
  | 'approve'
  | 'reject'
  | 'extend'
  | 'approve_extension'
  | 'reject_extension'
  | 'chase'
  | 'cancel'
  | 'due'
  | 'reassign'
  | 'add_co'
  | 'remove_co'
  | 'edit';
type VerbCommand<V extends ActionVerb> = Extract<Command, { verb: V }>;

/** Typed commands: /签收 /进展 /办结 /通过 /退回 /延期 /同意延期 /驳回延期 /催办 /撤销, the edits /改期 /转办 /加协办 /减协办 /修改 (and their English verbs). */
export const VERB_ACTIONS: { [V in ActionVerb]: (cmd: VerbCommand<V>) => Action } = {
  accept: () => ({ kind: 'accept' }),
  progress: (cmd) => ({ kind: 'progress', text: cmd.text, percent: cmd.percent }),
  done: (cmd) => ({ kind: 'submit', note: cmd.note }),
  approve: (cmd) => ({ kind: 'approve', revisitAt: cmd.revisitAt }),
  reject: (cmd) => ({ kind: 'reject', reason: cmd.reason }),
  extend: (cmd) => ({ kind: 'request_extension', dueAt: cmd.dueAt, reason: cmd.reason }),
  approve_extension: () => ({ kind: 'approve_extension' }),
  reject_extension: (cmd) => ({ kind: 'reject_extension', reason: cmd.reason }),
  chase: (cmd) => ({ kind: 'chase', note: cmd.note }),
  cancel: (cmd) => ({ kind: 'cancel', reason: cmd.reason }),
  // Edits (/改期 /转办 /加协办 /减协办 /修改): whoever decides on the task (domain/roles.ts).
  due: (cmd) => ({ kind: 'change_due', dueAt: cmd.dueAt, reason: cmd.reason }),
  reassign: (cmd) => ({ kind: 'reassign', lead: cmd.lead, reason: cmd.reason }),
  add_co: (cmd) => ({ kind: 'add_co', ids: cmd.ids }),
  remove_co: (cmd) => ({ kind: 'remove_co', ids: cmd.ids }),
  edit: (cmd) => ({ kind: 'edit', field: cmd.field, text: cmd.text }),
};

export const ACTION_VERBS = Object.keys(VERB_ACTIONS) as ActionVerb[];

/** The handler of a verb of the table: the task by its number, then its Action. */
export function verbHandler<V extends ActionVerb>(verb: V): CommandHandler<V> {
  const actionOf = VERB_ACTIONS[verb] as (cmd: VerbCommand<V>) => Action;
  return async (ctx, cmd) => {
    // Every verb of the table names a task by its number (bot/parse/command.ts).
    const { taskNumber } = cmd as unknown as { taskNumber: number };
    await applyAction(ctx, await loadTask(ctx, { number: taskNumber }), actionOf(cmd as VerbCommand<V>), 'command');
  };
}

/**
 * A file or image, or a message that is nothing but a link, replied to a task card: evidence.
 * The link opens the chat it was sent in (AppLink 打开会话:
 * https://open.feishu.cn/document/uAjLw4CM/uYjL24iN/applink-protocol/supported-protocol/open-a-chat-page).
 */
export function evidenceOf(event: MessageEvent): Evidence | null {
  const link = `https://applink.feishu.cn/client/chat/open?openChatId=${encodeURIComponent(event.chatId)}`;
  if (event.attachment) return { type: event.attachment.type, name: event.attachment.name, messageId: event.messageId, link };
  const words = event.text
    .replace(/@_user_\d+/g, '')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 1 && /^https?:\/\/\S+$/.test(words[0]!)) return { type: 'link', name: words[0]!.slice(0, 500), messageId: event.messageId, link };
  return null;
}

/** A reply to a bot message about a task: evidence (a file, an image, a link), progress, or 完成 / 办结 / done submits it. */
export function replyAction(event: MessageEvent, botOpenId: string): Action {
  const evidence = evidenceOf(event);
  if (evidence) return { kind: 'attach', evidence };
  const intent = parseReply(event.text, event.mentions, botOpenId);
  return intent.kind === 'done' ? { kind: 'submit', note: null } : { kind: 'progress', text: intent.text, percent: intent.percent };
}

/**
 * Which of the tasks a message lists a reply is about: the one it names (`#N`), else the only one
 * the sender leads, else the only one they are on; null when that leaves none or several.
 */
export function replyTarget(listed: readonly Task[], named: readonly number[], sender: string): Task | null {
  if (named.length) {
    const hits = listed.filter((t) => named.includes(t.number));
    return hits.length === 1 && named.length === 1 ? hits[0]! : null;
  }
  const leads = listed.filter((t) => leadOf(t) === sender);
  if (leads.length) return leads.length === 1 ? leads[0]! : null;
  const on = listed.filter((t) => t.assignees.some((a) => a.userId === sender));
  return on.length === 1 ? on[0]! : null;
}

/** Tasks an "which one?" answer offers: the sender's own among the listed, else all of them. */
const ASK_SHOWN = 5;

/** Returns false when the replied-to message is not about a task (the router then hints). */
export const progressByReply: ReplyHandler = async (ctx, event) => {
  const { db } = ctx.deps;
  let task = null;
  for (const id of [event.parentId, event.rootId]) {
    if (id && !task) task = await getTaskByMessageId(db, ctx.tenantKey, id);
  }
  if (task) {
    await applyAction(ctx, task, replyAction(event, ctx.deps.botOpenId), 'reply');
    return true;
  }
  // A message about several tasks (the group 催办, a briefing): the reply says which.
  let listed: Task[] = [];
  for (const id of [event.parentId, event.rootId]) {
    if (id && !listed.length) listed = await tasksOfBatchMessage(db, ctx.tenantKey, id);
  }
  if (!listed.length) return false;
  const refs = replyTaskRefs(event.text);
  const target = replyTarget(listed, refs.numbers, ctx.actor);
  if (!target) {
    const own = listed.filter((t) => t.assignees.some((a) => a.userId === ctx.actor));
    const offer = (own.length ? own : listed).slice(0, ASK_SHOWN);
    ctx.reply(ctx.t('task.reply.which_task', { list: offer.map((t) => `#${t.number}`).join(ctx.lang === 'zh' ? '、' : ', '), n: offer[0]!.number }));
    return true;
  }
  await applyAction(ctx, target, replyAction({ ...event, text: refs.text }, ctx.deps.botOpenId), 'reply');
  return true;
};

/**
 * Reactions that sign for a task when its lead (or a co-assignee) puts one on the task card:
 * OK, DONE and THUMBSUP of Lark's emoji list (表情文案说明,
 * https://open.feishu.cn/document/server-docs/im-v1/message-reaction/emojis-introduce). Any other
 * reaction means nothing.
 */
export const SIGN_REACTIONS: ReadonlySet<string> = new Set(['OK', 'DONE', 'THUMBSUP']);
/** The bot's own reaction confirming a 签收 by reaction. */
export const SIGNED_REACTION = 'DONE';

/** A reaction on a task card → its Action, or null when it means nothing. */
export function reactionAction(emoji: string): Action | null {
  return SIGN_REACTIONS.has(emoji) ? { kind: 'accept', reaction: emoji } : null;
}

/** Button names that change a task; each maps to a domain Action. */
export const TASK_BUTTONS = ['accept', 'progress', 'submit', 'approve', 'reject', 'extend', 'approve_extension', 'reject_extension', 'chase'] as const;
export type TaskButton = (typeof TASK_BUTTONS)[number];

function formText(event: CardActionEvent, field: string): string {
  const text = normalizeText(formOf(event).text(field));
  if ([...text].length > MAX_NOTE_CHARS) throw new ParseError('note_too_long', { max: MAX_NOTE_CHARS, length: [...text].length });
  return text;
}

/**
 * A card button (with its form, for 进展, 延期 and 退回) → its Action. `time` reads a picked
 * date as the typed command would (the chat's end of day when no time is picked).
 */
export function buttonAction(a: TaskButton, event: CardActionEvent, time: TimeContext): Action {
  const form = formOf(event);
  switch (a) {
    case 'accept':
      return { kind: 'accept' };
    case 'progress': {
      // The percent picked wins over one written in the text; a percent alone is a report too.
      const picked = form.option(FORM_FIELDS.progressPercent);
      const percent = picked === null ? null : Number(picked);
      if (percent !== null && !(Number.isInteger(percent) && percent >= 0 && percent <= 100)) throw new FormFieldError(FORM_FIELDS.progressPercent);
      const text = formText(event, FORM_FIELDS.progressText) || (percent !== null ? t(time.lang ?? 'zh', 'form.progress.percent_only', { p: percent }) : '');
      if (!text) throw new UserError('task.form_empty');
      return { kind: 'progress', text, percent: percent ?? extractPercent(text) };
    }
    case 'extend': {
      const date = form.date(FORM_FIELDS.extendDate);
      if (!date) throw new UserError('form.extend.missing_date');
      const reason = formText(event, FORM_FIELDS.extendReason);
      if (!reason) throw new UserError('form.extend.missing_reason');
      return { kind: 'request_extension', dueAt: parseTime(pickedDeadlineText(date, form.time(FORM_FIELDS.extendTime)), time), reason };
    }
    case 'submit':
      return { kind: 'submit', note: null };
    case 'approve':
      return { kind: 'approve', revisitAt: null };
    case 'reject':
      return { kind: 'reject', reason: formText(event, FORM_FIELDS.rejectReason) };
    case 'approve_extension':
      return { kind: 'approve_extension' };
    case 'reject_extension':
      return { kind: 'reject_extension', reason: null };
    case 'chase':
      return { kind: 'chase', note: null };
  }
}
