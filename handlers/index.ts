/**
 * Every verb, reply and button the bot understands, registered in one list (zh and en verbs
 * map to the same canonical verb in bot/parse/command.ts). Duplicates throw at start.
 */
import { Router } from '../bot/router.js';
import { progressByReply, TASK_BUTTONS, verbHandler } from './actions.js';
import { assign } from './assign.js';
import { assignFormCommand, assignFormSubmit, newTaskButton } from './assign-form.js';
import { registerMenu } from './menu.js';
import { approve } from './approve.js';
import { done } from './done.js';
import { listButton, showButton, taskButton } from './card-actions.js';
import { help, hint, welcome } from './help.js';
import { signByReaction } from './reaction.js';
import { EDIT_SUBMITS, editMenu, editSubmit } from './edit-card.js';
import { revisitButton } from './revisit.js';
import { settings } from './settings.js';
import { list, show } from './show.js';
import { digest } from './digest.js';
import { ledger } from './ledger.js';
import { cancelImport, confirmImport, fileMessage, importCommand } from './intake.js';
import { stats } from './stats.js';
import { messageRead } from './reads.js';
import { backCommand, deputiesCommand, leaveApprovalCommand, leaveApproved, leaveCommand, leaveReverted } from './leave.js';
import { feedback } from './feedback.js';
import { cancel, seriesCancelButton } from './series.js';

/** The router with every handler registered; the entries build it once and pass it in. */
export function createRouter(): Router {
  const r = new Router();
  registerHandlers(r);
  return r;
}

export function registerHandlers(r: Router): void {
  // 交办 → 签收 → 进展 → 办结 → 通过/退回, 延期, 催办, 撤销 (SPEC §2–§3)
  r.command('assign', assign); // 交办
  r.command('assign_form', assignFormCommand); // /交办 without 主办 or 事项: the 交办 form
  r.cardAction('assign_form', assignFormSubmit); // the 交办 form submitted
  r.cardAction('new_task', newTaskButton); // 新建 on a /任务 card: the 交办 form
  r.command('accept', verbHandler('accept')); // 签收
  r.command('progress', verbHandler('progress')); // 进展
  r.command('done', done); // 办结
  r.command('approve', approve); // 通过
  r.command('reject', verbHandler('reject')); // 退回
  r.command('extend', verbHandler('extend')); // 延期
  r.command('approve_extension', verbHandler('approve_extension')); // 同意延期
  r.command('reject_extension', verbHandler('reject_extension')); // 驳回延期
  r.command('chase', verbHandler('chase')); // 催办
  r.command('cancel', cancel); // 撤销 (an instance of a series asks: this one or the series)
  // Edits, each a hash-chained event shown on the cards and in the 台账
  r.command('due', verbHandler('due')); // 改期
  r.command('reassign', verbHandler('reassign')); // 转办
  r.command('add_co', verbHandler('add_co')); // 加协办
  r.command('remove_co', verbHandler('remove_co')); // 减协办
  r.command('edit', verbHandler('edit')); // 修改
  r.cardAction('edit_menu', editMenu); // 调整: the edit card, to whoever decides on the task
  r.cardAction([...EDIT_SUBMITS], editSubmit); // its forms: 改期 / 转办 / 加协办 / 减协办 / 修改
  r.command('show', show); // 查看
  r.command('list', list); // 任务 (任务 周期: handlers/series.ts)
  r.command('settings', settings); // 设置
  r.command('help', help); // 帮助
  r.command('feedback', feedback); // 设置 反馈 #N 每周五
  r.reply(progressByReply);
  r.cardAction([...TASK_BUTTONS], taskButton);
  r.cardAction('show', showButton);
  r.cardAction('list', listButton);
  r.cardAction('series_cancel', seriesCancelButton); // 撤销: 仅撤销本期 / 撤销整个周期
  r.cardAction(['revisit_ok', 'revisit_redo'], revisitButton); // 回头看: 成效巩固 / 需要整改
  // 台账, 统计, 周报 (SPEC §5–§6)
  r.command('ledger', ledger); // 台账
  r.command('stats', stats); // 统计
  r.command('digest', digest); // 周报
  // 导入: a sheet of tasks (分解立项) → preview → one transaction
  r.command('import', importCommand); // 导入
  r.file(fileMessage);
  r.cardAction('import_confirm', confirmImport);
  r.cardAction('import_cancel', cancelImport);
  // 请假 / 销假 / 代理人 / 请假审批, and Lark's leave approvals (SPEC §4)
  r.command('leave', leaveCommand); // 请假
  r.command('back', backCommand); // 销假
  r.command('deputies', deputiesCommand); // 代理人
  r.command('leave_approval', leaveApprovalCommand); // 请假审批
  r.system('leaveApproved', leaveApproved);
  r.system('leaveReverted', leaveReverted);
  registerMenu(r); // the p2p menu: 新建督办, 我的任务, 待我审批, 本周统计, 帮助
  r.system('messageRead', messageRead); // 已读: evidence for the 督办 card, /查看, the 台账 and the ladder
  r.otherwise(hint);
  r.reaction(signByReaction); // 签收 by an OK / DONE / 👍 on the task card
  r.botAdded(welcome); // joined a group: 欢迎 with the commands used most
}
