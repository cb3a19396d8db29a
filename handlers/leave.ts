/**
 * 请假 / 销假 / 代理人 / 请假审批, and the leave events of Lark's approval app (SPEC §4: a person
 * on leave is not chased — their deputy is, if one is set — and gets one briefing when back).
 * Leave changes who the chase reaches (bot/domain/policy.ts `routeAroundLeave`); it never moves
 * a deadline.
 */
import type { BotContext } from '../bot/context.js';
import { escapeText } from '../bot/cards/escape.js';
import { shortDate } from '../bot/cards/time.js';
import { addDays } from '../bot/domain/calendar.js';
import { approvalLeaveRange } from '../bot/domain/leave.js';
import { UserError } from '../bot/errors.js';
import { lookupUsers } from '../bot/directory.js';
import type { CommandHandler, SystemHandler } from '../bot/router.js';
import { addLeaveApproval, endLeavesOf, isLeaveApproval, leaveOfInstance, recordLeave, revertLeave, setDeputies, standingDeputies } from '../db/leave.js';
import { isChatAdmin } from './settings.js';
import { subscribeOne } from '../bot/approvals.js';
import { forgetChatAdmins, settingsForDecision } from '../bot/chat-admins.js';
import { mayManageLeaveOf } from '../bot/domain/roles.js';
import type { ChatSettings } from '../bot/domain/types.js';

async function namesOf(ctx: BotContext, ids: readonly string[]): Promise<Map<string, string>> {
  const dir = await lookupUsers(ctx.deps, ctx.tenantKey, [...ids]);
  return new Map([...ids].map((id) => [id, escapeText(dir.get(id)?.name ?? id)]));
}

/** "提醒转给代理人 赵六" or "未设代理人，提醒暂停". */
function routeText(ctx: BotContext, deputies: readonly string[], names: Map<string, string>): string {
  return deputies.length
    ? ctx.t('leave.route.deputies', { deputies: deputies.map((d) => names.get(d) ?? d).join(ctx.t('task.settings.name_separator')) })
    : ctx.t('leave.route.none');
}

/** Leave, 销假 and deputies of `person`: the person, or an admin of the group asked in (roles.ts mayManageLeaveOf). */
async function mayActFor(ctx: BotContext, person: string): Promise<void> {
  let chat: ChatSettings | null = null;
  if (person !== ctx.actor && ctx.chatType === 'group' && ctx.chatId) {
    forgetChatAdmins(ctx.chatId);
    chat = await settingsForDecision(ctx.deps, ctx.tenantKey, ctx.chatId);
  }
  if (!mayManageLeaveOf(ctx.actor, person, chat)) throw new UserError('leave.not_admin');
}

const dateView = (ctx: BotContext) => ({ lang: ctx.lang, tz: ctx.deps.config.DUBAN_TZ });

export const leaveCommand: CommandHandler<'leave'> = async (ctx, cmd) => {
  const person = cmd.person ?? ctx.actor;
  await mayActFor(ctx, person);
  const cal = ctx.deps.calendar;
  const startAt = cal.at(cmd.from, '00:00');
  const endAt = cal.at(addDays(cmd.to, 1), '00:00');
  const standing = (await standingDeputies(ctx.deps.db, ctx.tenantKey, [person])).get(person) ?? [];
  const deputies = cmd.deputies.length ? cmd.deputies : standing;
  const names = await namesOf(ctx, [person, ...deputies]);
  ctx.reply(
    ctx.t('leave.recorded', {
      who: names.get(person)!,
      from: shortDate(startAt, dateView(ctx)),
      to: shortDate(cal.at(cmd.to, '12:00'), dateView(ctx)),
      route: routeText(ctx, deputies, names),
    }),
  );
  await ctx.commit({
    also: async (tx) => {
      await recordLeave(
        tx,
        { tenantKey: ctx.tenantKey, userId: person, startAt, endAt, deputies: cmd.deputies, source: 'command', createdBy: ctx.actor },
        ctx.now,
      );
    },
  });
};

export const backCommand: CommandHandler<'back'> = async (ctx, cmd) => {
  const person = cmd.person ?? ctx.actor;
  await mayActFor(ctx, person);
  const names = await namesOf(ctx, [person]);
  let ended = 0;
  await ctx.commit({
    also: async (tx) => {
      ended = await endLeavesOf(tx, ctx.tenantKey, person, ctx.now);
    },
  });
  // The answer follows from what was found: the commit above carries no message, so it goes now.
  ctx.reply(ctx.t(ended ? 'leave.back' : 'leave.back_none', { who: names.get(person)! }));
};

/** /设置 代理人: the sender's own standing deputies, or (a chat admin, said explicitly) someone else's. */
export const deputiesCommand: CommandHandler<'deputies'> = async (ctx, cmd) => {
  const person = cmd.person ?? ctx.actor;
  await mayActFor(ctx, person);
  const ids = cmd.ids.filter((d) => d !== person);
  const names = await namesOf(ctx, [person, ...ids]);
  const who = names.get(person)!;
  ctx.reply(
    ids.length
      ? ctx.t('leave.deputies_set', { who, deputies: ids.map((d) => names.get(d)!).join(ctx.t('task.settings.name_separator')) })
      : ctx.t('leave.deputies_cleared', { who }),
  );
  await ctx.commit({ also: (tx) => setDeputies(tx, ctx.tenantKey, person, ids, ctx.now) });
};

/** `/设置 请假审批 <code>`: a chat admin names a leave approval definition; the bot subscribes at once (and again later if that fails). */
export const leaveApprovalCommand: CommandHandler<'leave_approval'> = async (ctx, cmd, event) => {
  if (event.chatType !== 'group') throw new UserError('leave.approval_group_only');
  if (!(await isChatAdmin(ctx, event.chatId))) throw new UserError('task.settings.not_admin');
  await addLeaveApproval(ctx.deps.db, ctx.tenantKey, cmd.code, ctx.now);
  const error = await subscribeOne(ctx.deps, ctx.tenantKey, cmd.code, ctx.now);
  ctx.reply(error ? ctx.t('leave.approval_failed', { code: cmd.code, reason: escapeText(error) }) : ctx.t('leave.approval_subscribed', { code: cmd.code }));
};

/** Whether an approval event is about a definition this office named (or any, when it named none). */
async function isOurs(ctx: BotContext, code: string | null): Promise<boolean> {
  const fromEnv = ctx.deps.config.LARK_LEAVE_APPROVALS.split(',')
    .map((c) => c.trim().toUpperCase())
    .filter(Boolean);
  if (!code) return true;
  return fromEnv.includes(code.toUpperCase()) || (await isLeaveApproval(ctx.deps.db, ctx.tenantKey, code.toUpperCase()));
}

/** leave_approvalV2: the leave is recorded once per approval instance; the person hears it once. */
export const leaveApproved: SystemHandler = async (ctx, event) => {
  if (event.kind !== 'leaveApproved') return;
  if (!(await isOurs(ctx, event.approvalCode))) {
    ctx.deps.log.info({ approval_code: event.approvalCode }, 'leave event of an approval this office did not name; ignored');
    return;
  }
  const cal = ctx.deps.calendar;
  const range = approvalLeaveRange(event.start, event.end, (ymd, hhmm) => cal.at(ymd, hhmm));
  if (!range) {
    ctx.deps.log.warn({ instance_code: event.instanceCode }, 'leave event with unreadable times; ignored');
    return;
  }
  const standing = (await standingDeputies(ctx.deps.db, ctx.tenantKey, [event.userId])).get(event.userId) ?? [];
  const names = await namesOf(ctx, standing);
  let id: number | null = null;
  await ctx.commit({
    also: async (tx) => {
      id = await recordLeave(
        tx,
        { tenantKey: ctx.tenantKey, userId: event.userId, ...range, deputies: [], source: 'approval', instanceCode: event.instanceCode, createdBy: 'approval' },
        ctx.now,
      );
    },
    messages: [],
  });
  if (id === null) return;
  const last = new Date(range.endAt.getTime() - 1);
  ctx.send({
    kind: 'send',
    to: { type: 'open_id', id: event.userId },
    msgType: 'text',
    content: {
      text: ctx.t('leave.notice.approved', {
        from: shortDate(range.startAt, dateView(ctx)),
        to: shortDate(last, dateView(ctx)),
        route: routeText(ctx, standing, names),
      }),
    },
  });
};

/** leave_approval_revert: the leave ends (or never starts); reminders resume. */
export const leaveReverted: SystemHandler = async (ctx, event) => {
  if (event.kind !== 'leaveReverted') return;
  const row = await leaveOfInstance(ctx.deps.db, ctx.tenantKey, event.instanceCode);
  let person: string | null = null;
  await ctx.commit({
    also: async (tx) => {
      person = await revertLeave(tx, ctx.tenantKey, event.instanceCode, ctx.now);
    },
  });
  if (!person || !row) return;
  ctx.send({
    kind: 'send',
    to: { type: 'open_id', id: person },
    msgType: 'text',
    content: {
      text: ctx.t('leave.notice.reverted', { from: shortDate(row.startAt, dateView(ctx)), to: shortDate(new Date(row.endAt.getTime() - 1), dateView(ctx)) }),
    },
  });
};
