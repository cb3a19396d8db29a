/**
 * /统计 /stats [本周|本月]: the figures of SPEC §5 on demand, with per-person and per-department
 * scores and the formula under them. In a group it counts that group's tasks (what its members
 * see there); in p2p, the tasks the asker created, supervises or is assigned to.
 */
import { statsCard, type DigestView } from '../bot/cards/digest.js';
import { computeFigures, isActiveIn, periodOf } from '../bot/domain/figures.js';
import type { CommandHandler } from '../bot/router.js';
import { getChat } from '../db/chats.js';
import { loadDirectory, loadFigureEvents, loadFigureTasks, loadTasksInvolving } from '../db/figures.js';
import { lookupUsers } from '../bot/directory.js';

export const stats: CommandHandler<'stats'> = async (ctx, cmd) => {
  const { deps, tenantKey, now, lang } = ctx;
  const period = periodOf(cmd.period, now, deps.calendar);
  const inGroup = ctx.chatType === 'group' && ctx.chatId !== null;
  const loaded = inGroup
    ? await loadFigureTasks(deps.db, tenantKey, period.from, [ctx.chatId!])
    : await loadTasksInvolving(deps.db, tenantKey, ctx.actor, period.from);
  const tasks = loaded.filter((t) => isActiveIn(t, period));
  const periodLabel = ctx.t(cmd.period === 'week' ? 'stats_week' : 'stats_month');
  if (tasks.length === 0) {
    ctx.reply(ctx.t('stats_nothing', { period: periodLabel }));
    return;
  }
  const ids = new Set(tasks.map((t) => t.id));
  const events = (await loadFigureEvents(deps.db, tenantKey, period.from, period.to)).filter((e) => ids.has(e.taskId));
  const directory = await loadDirectory(deps.db, tenantKey);
  const people = [...new Set(tasks.flatMap((t) => t.assignees.map((a) => a.userId)))];
  const missing = people.filter((u) => !(u in directory.names));
  if (missing.length) {
    for (const [id, u] of await lookupUsers(deps, tenantKey, missing)) {
      directory.names[id] = u.name;
      directory.departmentOf[id] = u.departmentId;
      if (u.departmentId && u.departmentName) directory.departmentNames[u.departmentId] = u.departmentName;
    }
  }
  const figures = computeFigures({
    tasks,
    events,
    period,
    now,
    calendar: deps.calendar,
    departmentOf: (u) => directory.departmentOf[u],
  });
  const chat = inGroup ? await getChat(deps.db, ctx.chatId!) : null;
  const view: DigestView = {
    lang,
    tz: deps.config.DUBAN_TZ,
    now,
    names: directory.names,
    chatNames: chat?.name ? { [chat.chatId]: chat.name } : {},
    departmentNames: directory.departmentNames,
    // Each person's latest word under the tasks listed (the tasks come with their assignees).
    progress: new Map(tasks.map((t) => [t.id, t.assignees.filter((a) => a.progress)])),
  };
  const scope = inGroup ? (chat?.name ?? ctx.t('digest_this_chat')) : ctx.t('stats_mine');
  const card = statsCard(figures, scope, periodLabel, view);
  if (ctx.messageId) {
    ctx.send({ kind: 'reply', messageId: ctx.messageId, chatId: ctx.chatId ?? undefined, msgType: 'interactive', content: card });
  } else if (ctx.chatId) {
    ctx.send({ kind: 'send', to: { type: 'chat_id', id: ctx.chatId }, msgType: 'interactive', content: card });
  } else {
    ctx.send({ kind: 'send', to: { type: 'open_id', id: ctx.actor }, msgType: 'interactive', content: card });
  }
};
