/** /办结 /done #N [说明] — the lead assignee submits the task for review. */
import type { CommandHandler } from '../bot/router.js';
import { applyAction, loadTask } from './act.js';

export const done: CommandHandler<'done'> = async (ctx, cmd) => {
  await applyAction(ctx, await loadTask(ctx, { number: cmd.taskNumber }), { kind: 'submit', note: cmd.note }, 'command');
};
