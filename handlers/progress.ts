/**
 * /进展 /progress #N 文字 — and a plain reply to any message the bot sent about a task: the
 * reply is progress on that task, and a reply that is just 完成 / 办结 / done submits it.
 */
import type { CommandHandler, ReplyHandler } from '../bot/router.js';
import { parseReply } from '../bot/parse/command.js';
import { getTaskByMessageId } from '../db/tasks.js';
import { applyAction, loadTask } from './act.js';

export const progress: CommandHandler<'progress'> = async (ctx, cmd) => {
  const task = await loadTask(ctx, { number: cmd.taskNumber });
  await applyAction(ctx, task, { kind: 'progress', text: cmd.text, percent: cmd.percent }, 'command');
};

/** Returns false when the replied-to message is not about a task (the router then hints). */
export const progressByReply: ReplyHandler = async (ctx, event) => {
  const { db } = ctx.deps;
  let task = null;
  for (const id of [event.parentId, event.rootId]) {
    if (id && !task) task = await getTaskByMessageId(db, ctx.tenantKey, id);
  }
  if (!task) return false;
  const intent = parseReply(event.text, event.mentions, ctx.deps.botOpenId);
  const action =
    intent.kind === 'done' ? ({ kind: 'submit', note: null } as const) : ({ kind: 'progress', text: intent.text, percent: intent.percent } as const);
  await applyAction(ctx, task, action, 'reply');
  return true;
};
