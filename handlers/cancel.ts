/** /撤销 /cancel #N [原因] — the creator or supervisor withdraws the task; it stays in the ledger. */
import type { CommandHandler } from '../bot/router.js';
import { applyAction, loadTask } from './act.js';

export const cancel: CommandHandler<'cancel'> = async (ctx, cmd) => {
  await applyAction(ctx, await loadTask(ctx, { number: cmd.taskNumber }), { kind: 'cancel', reason: cmd.reason }, 'command');
};
