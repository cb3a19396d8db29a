/**
 * 周期任务 (series): `/交办 @张三 报送督查工作月报 每月5日前` sets up a series, and the first
 * instance goes out at once when its creation day has come (the job makes the later ones,
 * schedules/series.ts); `/撤销 #N` on an instance asks whether to cancel that instance or the
 * whole series (card buttons); `/任务 周期` lists the chat's series. Each instance is an
 * ordinary task: its own #N, its own on-time figure, announced like any task.
 */
import { readTaskValue } from '../bot/cards/payload.js';
import type { BotContext, CardAnswer } from '../bot/context.js';
import { refusalError } from '../bot/cards/announce.js';
import {
  cancelChoiceCard,
  endText,
  instanceOf,
  ruleText,
  SERIES_LIST_MAX,
  seriesCreatedText,
  seriesListText,
  timeOf,
  upcomingDeadlines,
} from '../bot/cards/series.js';
import type { CardView } from '../bot/cards/primitives.js';
import { settingsForDecision } from '../bot/chat-admins.js';
import { lookupUsers } from '../bot/directory.js';
import { rolesOf } from '../bot/domain/roles.js';
import { dayWithWeekday } from '../bot/cards/time.js';
import { latestAllowedDate } from '../bot/domain/calendar.js';
import { creationDay, feedbackListTime, nthPeriod, type Deadline, type SeriesSpec } from '../bot/domain/series.js';
import { decide, isRefusal, type Action } from '../bot/domain/task.js';
import type { ChatSettings, OutMessage } from '../bot/domain/types.js';
import { UserError } from '../bot/errors.js';
import type { Command } from '../bot/parse/command.js';
import type { CardActionHandler, CommandHandler, MessageEvent } from '../bot/router.js';
import { getChatSettings } from '../db/chats.js';
import { settingsForChats } from '../db/reminders.js';
import {
  cancelSeries,
  insertSeries,
  instanceCounts,
  linkInstance,
  openInstanceIds,
  seriesOfChat,
  seriesOfPerson,
  seriesOfTask,
  setCadence,
  type NewSeries,
} from '../db/series.js';
import { applyAction, cardViewFor, loadTask } from './act.js';
import { verbHandler } from './actions.js';
import { newTaskMessages } from '../bot/cards/new-task.js';

type AssignCommand = Extract<Command, { verb: 'assign' }>;

/** How many deadlines the creating reply shows. */
const SHOWN_DEADLINES = 3;

export async function assignSeries(ctx: BotContext, cmd: AssignCommand & { series: SeriesSpec }, event: MessageEvent, settings: ChatSettings): Promise<void> {
  const cal = ctx.deps.calendar;
  const { rule, leadWorkdays } = cmd.series;
  const today = cal.localDate(ctx.now);
  const upcoming = upcomingDeadlines({ rule }, settings, cal, ctx.now, SHOWN_DEADLINES);
  const first = upcoming[0]!;
  // The end (至2027年6月, 共12次): not before the first deadline, not past ten years ahead.
  const spec = cmd.series.end ?? null;
  let last: Deadline | null = null;
  if (spec) {
    const latest = latestAllowedDate(today);
    if (spec.kind === 'until') {
      if (spec.ymd < first.period)
        throw new UserError('series.end_before_first', { end: endText(spec, ctx.lang), first: dayWithWeekday(first.due, ctx.lang, today.slice(0, 4)) });
      if (spec.ymd > latest)
        throw new UserError('series.end_too_far', { end: endText(spec, ctx.lang), latest: dayWithWeekday(latest, ctx.lang, today.slice(0, 4)) });
      last = nthPeriod(rule, first, Number.POSITIVE_INFINITY, spec.ymd, cal);
    } else {
      last = nthPeriod(rule, first, spec.count, latest, cal);
      if (!last) throw new UserError('series.end_too_far', { end: endText(spec, ctx.lang), latest: dayWithWeekday(latest, ctx.lang, today.slice(0, 4)) });
    }
  }
  const endYmd = spec ? (spec.kind === 'until' ? spec.ymd : last!.period) : null;
  const next = endYmd ? upcoming.filter((d) => d.period <= endYmd) : upcoming;
  const firstDay = creationDay(first.due, leadWorkdays, cal);
  const record: NewSeries = {
    tenantKey: ctx.tenantKey,
    chatId: event.chatId,
    creatorId: ctx.actor,
    leadId: cmd.lead,
    coIds: cmd.co.filter((c) => c !== cmd.lead),
    title: cmd.title,
    category: cmd.category,
    source: cmd.source,
    priority: cmd.priority,
    rule,
    leadWorkdays,
    feedback: cmd.feedback ?? null,
    startYmd: first.due,
    endYmd,
    endCount: spec?.kind === 'count' ? spec.count : null,
    createdAt: ctx.now,
  };
  const instance = firstDay <= today ? instanceOf(record, first, settings, cal, ctx.lang, ctx.now) : null;
  const view = instance ? await cardViewFor(ctx, [instance.task], settings) : null;
  const names: Record<string, string> = { ...(view?.names ?? {}) };
  for (const [id, e] of await lookupUsers(ctx.deps, ctx.tenantKey, [cmd.lead, ...record.coIds])) if (e.name && e.name !== id) names[id] = e.name;
  const replyText = (n: number | null) =>
    seriesCreatedText(
      {
        title: cmd.title,
        rule,
        leadWorkdays,
        lead: cmd.lead,
        co: record.coIds,
        next,
        time: timeOf({ rule }, settings),
        firstNumber: n,
        firstDay,
        feedback: record.feedback,
        feedbackAt: feedbackListTime(settings),
        today,
        end: spec,
        last,
      },
      ctx.lang,
      names,
    );
  const answer = (text: string): OutMessage =>
    ctx.messageId
      ? { kind: 'reply', messageId: ctx.messageId, chatId: event.chatId, msgType: 'text', content: { text } }
      : { kind: 'send', to: { type: 'chat_id', id: event.chatId }, msgType: 'text', content: { text } };
  await ctx.commit({
    ...(instance ? { task: { value: instance.task, expectedVersion: null }, events: instance.events } : {}),
    messages: (saved) => [answer(replyText(saved?.number ?? null)), ...(saved && view ? newTaskMessages(saved, view) : [])],
    also: async (tx, saved) => {
      const id = await insertSeries(tx, record);
      if (saved) {
        await linkInstance(tx, id, first.period, saved.id);
        if (record.feedback) {
          await setCadence(tx, { taskId: saved.id, tenantKey: ctx.tenantKey, chatId: saved.chatId, rule: record.feedback, setBy: ctx.actor, setAt: ctx.now });
        }
      }
    },
  });
}

/** /撤销 #N: an instance of an active series asks first (only this one, or the whole series); any other task is cancelled at once. */
export const cancel: CommandHandler<'cancel'> = async (ctx, cmd, event) => {
  const task = await loadTask(ctx, { number: cmd.taskNumber });
  const link = await seriesOfTask(ctx.deps.db, ctx.tenantKey, task.id);
  if (link?.series.state !== 'active') return verbHandler('cancel')(ctx, cmd, event);
  // The same refusals as the cancel itself: who may, and whether the task can still be cancelled.
  const { admins } = await settingsForDecision(ctx.deps, ctx.tenantKey, task.chatId);
  const view: CardView = { ...(await cardViewFor(ctx, [task])), chatAdmins: admins };
  const action: Action = { kind: 'cancel', reason: cmd.reason };
  const r = decide(task, action, ctx.actor, ctx.now, { supervisorId: view.chatSupervisorId ?? null, admins });
  if (isRefusal(r)) throw refusalError(r, action, task, view);
  const card = cancelChoiceCard(task, link.series.id, link.series.rule, cmd.reason, ctx.lang);
  ctx.send(
    ctx.messageId
      ? { kind: 'reply', messageId: ctx.messageId, chatId: event.chatId, msgType: 'interactive', content: card }
      : { kind: 'send', to: { type: 'chat_id', id: event.chatId }, msgType: 'interactive', content: card },
  );
};

const raw = (card: Record<string, unknown>) => ({ type: 'raw', data: card }) as unknown as Record<string, unknown>;

function idIn(v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new UserError('card_unknown_action');
  return v;
}

/** The answer to the /撤销 choice card: 仅撤销本期 cancels the instance; 撤销整个周期 stops the series and cancels its open instances. */
export const seriesCancelButton: CardActionHandler = async (ctx, event): Promise<CardAnswer> => {
  const press = readTaskValue(event.value, ['series_cancel']);
  if (!press) throw new UserError('card_unknown_action');
  const task = await loadTask(ctx, { id: press.taskId });
  const seriesId = idIn(event.value.s);
  const which = event.value.w === 'all' ? 'all' : event.value.w === 'one' ? 'one' : null;
  if (!which) throw new UserError('card_unknown_action');
  const reason = typeof event.value.r === 'string' && event.value.r ? event.value.r.slice(0, 200) : null;
  const link = await seriesOfTask(ctx.deps.db, ctx.tenantKey, task.id);
  if (!link || link.series.id !== seriesId) throw new UserError('card_unknown_action');
  const s = link.series;
  const action: Action = { kind: 'cancel', reason };
  if (which === 'one') {
    const { task: saved } = await applyAction(ctx, task, action, 'card');
    return {
      toast: { type: 'success', content: ctx.t('task.toast.cancel', { n: saved.number }) },
      card: raw(cancelChoiceCard(task, s.id, s.rule, reason, ctx.lang, 'one')),
    };
  }
  const settings = await settingsForDecision(ctx.deps, ctx.tenantKey, task.chatId);
  if (!rolesOf(task, ctx.actor, settings).isManager) {
    const view = await cardViewFor(ctx, [task]);
    throw refusalError({ refused: 'not_creator_or_supervisor' }, action, task, view);
  }
  if (s.state !== 'active') throw new UserError('series.already_cancelled');
  // Each open instance is cancelled as /撤销 would, after the series is stopped (one commit each).
  const open = await openInstanceIds(ctx.deps.db, s.id);
  const openTasks = [];
  for (const id of open) openTasks.push(await loadTask(ctx, { id }));
  const chatSettings = await getChatSettings(ctx.deps.db, s.chatId);
  for (const t of openTasks) {
    const r = decide(t, action, ctx.actor, ctx.now, { supervisorId: chatSettings.supervisorId ?? null, admins: settings.admins });
    if (isRefusal(r)) throw refusalError(r, action, t, await cardViewFor(ctx, [t]));
  }
  const list = openTasks.map((t) => `#${t.number}`).join('、');
  const text = ctx.t('series.cancelled', {
    title: s.title,
    rule: ruleText(s.rule, ctx.lang),
    open: openTasks.length ? ctx.t('series.cancelled_open', { list }) : '',
  });
  let stopped = false;
  await ctx.commit({
    messages: () => (stopped ? [{ kind: 'send', to: { type: 'chat_id', id: s.chatId }, msgType: 'text', content: { text } }] : []),
    also: async (tx) => {
      stopped = await cancelSeries(tx, s.id, ctx.actor, ctx.now);
      if (!stopped) throw new UserError('series.already_cancelled');
    },
  });
  for (const t of openTasks) await applyAction(ctx, t, action, 'card');
  return { toast: { type: 'success', content: text }, card: raw(cancelChoiceCard(task, s.id, s.rule, reason, ctx.lang, 'all')) };
};

/** /任务 周期: the chat's active series; in p2p, those the asker set up or leads. */
function seriesEndOf(r: { endYmd: string | null; endCount: number | null }) {
  return r.endCount
    ? ({ kind: 'count', count: r.endCount } as const)
    : ({ kind: 'until', ymd: r.endYmd!, month: r.endYmd!.endsWith(lastDayOf(r.endYmd!)) } as const);
}

function lastDayOf(ymd: string): string {
  return String(new Date(Date.UTC(Number(ymd.slice(0, 4)), Number(ymd.slice(5, 7)), 0)).getUTCDate()).padStart(2, '0');
}

export async function listSeries(ctx: BotContext): Promise<void> {
  const chatId = ctx.chatType === 'group' ? ctx.chatId : null;
  const cal = ctx.deps.calendar;
  const { rows, total } = chatId
    ? await seriesOfChat(ctx.deps.db, ctx.tenantKey, chatId, SERIES_LIST_MAX)
    : await seriesOfPerson(ctx.deps.db, ctx.tenantKey, ctx.actor, SERIES_LIST_MAX);
  const settingsByChat = await settingsForChats(
    ctx.deps.db,
    rows.map((r) => r.chatId),
  );
  const counts = await instanceCounts(
    ctx.deps.db,
    rows.map((r) => r.id),
  );
  const names: Record<string, string> = {};
  for (const [id, e] of await lookupUsers(ctx.deps, ctx.tenantKey, [...new Set(rows.map((r) => r.leadId))])) if (e.name && e.name !== id) names[id] = e.name;
  const list = rows.map((r) => ({
    title: r.title,
    rule: r.rule,
    leadId: r.leadId,
    next: upcomingDeadlines(r, settingsByChat.get(r.chatId)!, cal, ctx.now, 1).filter((d) => !r.endYmd || d.period <= r.endYmd)[0] ?? null,
    end: r.endYmd ? seriesEndOf(r) : null,
    time: timeOf(r, settingsByChat.get(r.chatId)!),
    made: counts.get(r.id)?.made ?? 0,
    lastNumber: counts.get(r.id)?.lastNumber ?? null,
  }));
  ctx.reply(seriesListText(list, total, ctx.lang, names, cal.localDate(ctx.now)));
}
