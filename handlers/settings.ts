/**
 * /设置 /settings — chat admins (the chat owner and managers from Lark's chat info, plus anyone
 * made admin with /设置) set 督办领导, who may assign, working hours, 免打扰 and the digest time.
 * Without arguments it shows the current settings to anyone.
 */
import type { BotContext } from '../bot/context.js';
import { escapeText } from '../bot/cards/escape.js';
import { mayConfigureChat } from '../bot/domain/roles.js';
import type { ChatSettings } from '../bot/domain/types.js';
import { UserError } from '../bot/errors.js';
import type { KeyTail } from '../bot/i18n.js';
import type { CommandHandler } from '../bot/router.js';
import type { SettingsChange } from '../bot/parse/command.js';
import { getChat, saveChatSettings, settingsOf } from '../db/chats.js';
import { forgetChatAdmins, settingsForDecision } from '../bot/chat-admins.js';
import { lookupUsers } from '../bot/directory.js';

/** May the actor change the chat's settings (domain/roles.ts)? Always on a fresh answer from Lark about its owner and managers. */
export async function isChatAdmin(ctx: BotContext, chatId: string): Promise<boolean> {
  forgetChatAdmins(chatId);
  const decided = await settingsForDecision(ctx.deps, ctx.tenantKey, chatId);
  return mayConfigureChat(ctx.actor, decided, null);
}

export const settings: CommandHandler<'settings'> = async (ctx, cmd, event) => {
  if (event.chatType !== 'group') throw new UserError('task.settings.group_only');
  const current = settingsOf(await getChat(ctx.deps.db, event.chatId));
  if (!cmd.changes) {
    ctx.reply(await describe(ctx, current));
    return;
  }
  if (!(await isChatAdmin(ctx, event.chatId))) throw new UserError('task.settings.not_admin');
  const patch: Partial<ChatSettings> = { ...cmd.changes } as SettingsChange;
  const next: ChatSettings = { ...current, ...patch };
  ctx.reply(ctx.t('task.settings.saved', { changes: await describe(ctx, next, Object.keys(patch) as Array<keyof ChatSettings>) }));
  await ctx.commit({ also: (tx) => saveChatSettings(tx, event.chatId, patch, ctx.now) });
  forgetChatAdmins(event.chatId);
};

/** The settings in one sentence; `only` limits it to what just changed. */
async function describe(ctx: BotContext, s: ChatSettings, only?: Array<keyof ChatSettings>): Promise<string> {
  const ids = [...(s.supervisorId ? [s.supervisorId] : []), ...(s.assigners ?? [])];
  const dir = await lookupUsers(ctx.deps, ctx.tenantKey, ids);
  // Display names are typed by people: defanged for the text reply like any user text.
  const name = (id: string) => escapeText(dir.get(id)?.name ?? id);
  const none = ctx.t('task.settings.none');
  const parts = {
    supervisor: s.supervisorId ? name(s.supervisorId) : none,
    assigners: s.assigners ? s.assigners.map(name).join(ctx.t('task.settings.name_separator')) : ctx.t('task.settings.anyone'),
    work: `${s.workStart}-${s.workEnd}`,
    quiet: s.quiet ? `${s.quiet.start}-${s.quiet.end}` : ctx.t('task.settings.off'),
    digest: `${s.digestWeekday >= 1 && s.digestWeekday <= 7 ? ctx.t(`task.settings.weekday.${String(s.digestWeekday) as KeyTail<'task.settings.weekday.'>}`) : ''} ${s.digestTime}`,
  };
  if (!only) return ctx.t('task.settings.current', parts);
  const item = (key: KeyTail<'task.settings.item.'>, value: string | number) => ctx.t(`task.settings.item.${key}`, { value });
  const out: string[] = [];
  if (only.includes('supervisorId')) out.push(item('supervisor', parts.supervisor));
  if (only.includes('assigners')) out.push(item('assigners', parts.assigners));
  if (only.includes('admins')) out.push(item('admins', s.admins.length));
  if (only.includes('workStart') || only.includes('workEnd')) out.push(item('work', parts.work));
  if (only.includes('quiet')) out.push(item('quiet', parts.quiet));
  if (only.includes('digestWeekday') || only.includes('digestTime')) out.push(item('digest', parts.digest));
  if (only.includes('urgentPriority') || only.includes('urgentOverdueWorkdays')) {
    const on = [
      ...(s.urgentPriority ? [ctx.t('task.settings.urgent.priority')] : []),
      ...(s.urgentOverdueWorkdays > 0 ? [ctx.t('task.settings.urgent.overdue', { days: s.urgentOverdueWorkdays })] : []),
    ];
    out.push(item('urgent', on.length ? on.join(ctx.t('task.settings.name_separator')) : ctx.t('task.settings.off')));
  }
  return out.join(ctx.t('task.settings.separator'));
}
