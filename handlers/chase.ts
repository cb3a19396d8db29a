/** /催办 /chase #N [附言] — a manual 催办 by the creator or supervisor, @-mentioning the assignees. */
import type { CommandHandler } from '../bot/router.js';
import { applyAction, loadTask } from './act.js';

export const chase: CommandHandler<'chase'> = async (ctx, cmd) => {
  await applyAction(ctx, await loadTask(ctx, { number: cmd.taskNumber }), { kind: 'chase', note: cmd.note }, 'command');
};
