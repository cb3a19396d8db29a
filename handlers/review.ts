/** /通过 /approve #N [回头看 <时间>] and /退回 /reject #N 原因 — the creator or supervisor decides. */
import type { CommandHandler } from '../bot/router.js';
import { applyAction, loadTask } from './act.js';

export const approve: CommandHandler<'approve'> = async (ctx, cmd) => {
  await applyAction(ctx, await loadTask(ctx, { number: cmd.taskNumber }), { kind: 'approve', revisitAt: cmd.revisitAt }, 'command');
};

export const reject: CommandHandler<'reject'> = async (ctx, cmd) => {
  await applyAction(ctx, await loadTask(ctx, { number: cmd.taskNumber }), { kind: 'reject', reason: cmd.reason }, 'command');
};
