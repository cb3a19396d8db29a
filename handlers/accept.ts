/** /签收 /accept #N — an assignee signs for the task. */
import type { CommandHandler } from '../bot/router.js';
import { applyAction, loadTask } from './act.js';

export const accept: CommandHandler<'accept'> = async (ctx, cmd) => {
  await applyAction(ctx, await loadTask(ctx, { number: cmd.taskNumber }), { kind: 'accept' }, 'command');
};
