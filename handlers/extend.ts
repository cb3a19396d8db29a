/**
 * 延期: /延期 /extend #N <新时限> 理由 asked by an assignee; /同意延期 and /驳回延期 (or the
 * card buttons) decided by the creator or supervisor. The original deadline is kept.
 */
import type { CommandHandler } from '../bot/router.js';
import { applyAction, loadTask } from './act.js';

export const extend: CommandHandler<'extend'> = async (ctx, cmd) => {
  const task = await loadTask(ctx, { number: cmd.taskNumber });
  await applyAction(ctx, task, { kind: 'request_extension', dueAt: cmd.dueAt, reason: cmd.reason }, 'command');
};

export const approveExtension: CommandHandler<'approve_extension'> = async (ctx, cmd) => {
  await applyAction(ctx, await loadTask(ctx, { number: cmd.taskNumber }), { kind: 'approve_extension' }, 'command');
};

export const rejectExtension: CommandHandler<'reject_extension'> = async (ctx, cmd) => {
  await applyAction(ctx, await loadTask(ctx, { number: cmd.taskNumber }), { kind: 'reject_extension', reason: cmd.reason }, 'command');
};
