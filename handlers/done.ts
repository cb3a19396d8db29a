/**
 * /办结 /done #N [说明] — the lead assignee submits the task for review. Sent with a file — a
 * rich-text message holding an image, or a reply to the file or image the same person just
 * sent — it keeps that as evidence on the task.
 */
import type { CommandHandler } from '../bot/router.js';
import { receivedMessage } from '../db/inbox.js';
import { applyAction, loadTask } from './act.js';
import { evidenceOf, VERB_ACTIONS } from './actions.js';

export const done: CommandHandler<'done'> = async (ctx, cmd, event) => {
  const task = await loadTask(ctx, { number: cmd.taskNumber });
  let evidence = event.attachment ? evidenceOf(event) : null;
  if (!evidence && event.parentId) {
    const parent = await receivedMessage(ctx.deps.db, event.parentId);
    if (parent?.attachment && parent.sender === event.sender) evidence = evidenceOf(parent);
  }
  await applyAction(ctx, task, { ...VERB_ACTIONS.done(cmd), ...(evidence ? { evidence } : {}) }, 'command');
};
