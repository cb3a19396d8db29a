/**
 * Weekly digests (SPEC §5): `runDigest(deps, now)` runs on every tick and sends what is due.
 *
 * - Weekly summary: into each group whose digest time (ChatSettings.digestWeekday/digestTime,
 *   default Friday 16:00) has come this week, when the group had tasks during the week (a task
 *   open at some moment of it); nothing to a chat without any. Claimed once per chat and ISO
 *   week with the `sends` key `digest:<chat>:<week>`.
 * - Leader digest: p2p to each subscriber (/周报 订阅) at the office default (Friday 16:00),
 *   claimed with `leader:<user>:<week>`.
 *
 * The claim and its outbox row are one transaction (db/commit.ts), so two instances or a rerun
 * send each digest once, and a crash leaves either both or neither.
 *
 * When the digest day is not a working day (a holiday week), the digest goes out at the same
 * time on the last working day before it in that week; a week without any working day up to
 * then keeps the configured day.
 *
 * A leader's chats are the chats where they are the configured 督办领导 or an admin (owner), and
 * the chats of tasks they created or supervise. Subscribing does not open the whole office to
 * anyone who asks: the card shows only what the leader already oversees.
 */
import type { Deps } from '../bot/deps.js';
import {
  addDaysYmd,
  computeFigures,
  isActiveIn,
  isOpenTask,
  isoWeekKey,
  leadOf,
  onTimeTrend,
  weekStartYmd,
  type FigureEvent,
  type Period,
} from '../bot/domain/figures.js';
import { DEFAULT_SETTINGS, type ChatSettings, type OutMessage, type Task } from '../bot/domain/types.js';
import { leaderDigestCard, weeklySummaryCard, type DigestView, type LeaderDigestInput } from '../bot/cards/digest.js';
import { settingsOf, type ChatRow } from '../db/chats.js';
import { commitChange } from '../db/commit.js';
import { claimedKeys, listChats, listSubscribers, listTenants, loadDirectory, loadFigureEvents, loadFigureTasks, type Directory } from '../db/figures.js';

const TREND_WEEKS = 8;

export interface DigestRun {
  groups: number;
  leaders: number;
}

type DigestCalendar = Deps['calendar'];

/** The moment this week's digest is due for a weekday (1 = Monday) and time, shifted off holidays. */
export function digestMoment(calendar: DigestCalendar, now: Date, weekday: number, time: string): Date {
  const monday = weekStartYmd(calendar.localDate(now));
  const target = addDaysYmd(monday, Math.min(7, Math.max(1, weekday)) - 1);
  let day = target;
  while (!calendar.isWorkday(day) && day > monday) day = addDaysYmd(day, -1);
  return calendar.at(calendar.isWorkday(day) ? day : target, time);
}

export interface TenantDigestData {
  tasks: Task[];
  events: FigureEvent[];
  directory: Directory;
  chats: ChatRow[];
}

/** The leader's chats: configured supervisor or admin there, or creator/supervisor of a task in it. */
export function leaderChatIds(leaderId: string, chats: readonly ChatRow[], tasks: readonly Task[]): Set<string> {
  const ids = new Set<string>();
  for (const c of chats) {
    const s = settingsOf(c);
    if (s.supervisorId === leaderId || s.admins.includes(leaderId)) ids.add(c.chatId);
  }
  for (const t of tasks) if (t.creatorId === leaderId || t.supervisorId === leaderId) ids.add(t.chatId);
  return ids;
}

/** Builds a leader's card input from the tenant's data (pure given the loaded data). */
export function leaderDigestInput(
  leaderId: string,
  data: TenantDigestData,
  period: Period,
  now: Date,
  calendar: DigestCalendar,
): LeaderDigestInput {
  const chatIds = leaderChatIds(leaderId, data.chats, data.tasks);
  const chatSupervisor = new Map(data.chats.map((c) => [c.chatId, settingsOf(c).supervisorId]));
  const tasks = data.tasks.filter((t) => chatIds.has(t.chatId));
  const active = tasks.filter((t) => isActiveIn(t, period));
  const ids = new Set(active.map((t) => t.id));
  const figures = computeFigures({
    tasks: active,
    events: data.events.filter((e) => ids.has(e.taskId)),
    period,
    now,
    calendar,
    departmentOf: (u) => data.directory.departmentOf[u],
  });
  const decides = (t: Task) =>
    t.creatorId === leaderId || (t.supervisorId ?? chatSupervisor.get(t.chatId) ?? null) === leaderId;
  const ref = (t: Task) => ({ taskId: t.id, number: t.number, title: t.title, chatId: t.chatId, leadId: leadOf(t) });
  const open = active.filter(isOpenTask);
  return {
    figures,
    newlyRed: open
      .filter((t) => t.dueAt && t.dueAt.getTime() >= period.from.getTime() && t.dueAt.getTime() < now.getTime())
      .sort((a, b) => a.dueAt!.getTime() - b.dueAt!.getTime())
      .map((t) => ({ ...ref(t), dueAt: t.dueAt! })),
    waiting: open.filter((t) => t.state === 'submitted' && decides(t)).map(ref),
    extensionRequests: open
      .filter((t) => t.pendingExtension && decides(t))
      .map((t) => ({ ...ref(t), dueAt: t.pendingExtension!.dueAt, reason: t.pendingExtension!.reason, requestedBy: t.pendingExtension!.requestedBy })),
    trend: onTimeTrend(tasks, now, calendar, TREND_WEEKS),
    hasChats: chatIds.size > 0,
  };
}

function viewOf(deps: Deps, now: Date, data: TenantDigestData): DigestView {
  return {
    lang: deps.config.DUBAN_LANG,
    tz: deps.config.DUBAN_TZ,
    now,
    names: data.directory.names,
    chatNames: Object.fromEntries(data.chats.filter((c) => c.name).map((c) => [c.chatId, c.name!])),
    departmentNames: data.directory.departmentNames,
  };
}

/** Sends every weekly summary and leader card due at `now` that was not sent yet. */
export async function runDigest(deps: Deps, now: Date): Promise<DigestRun> {
  const log = deps.log.child({ job: 'digest' });
  const cal = deps.calendar;
  const today = cal.localDate(now);
  const week = isoWeekKey(today);
  const monday = weekStartYmd(today);
  const period: Period = { from: cal.at(monday, '00:00'), to: now };
  const since = cal.at(addDaysYmd(monday, -7 * (TREND_WEEKS - 1)), '00:00');
  const run: DigestRun = { groups: 0, leaders: 0 };

  for (const tenantKey of await listTenants(deps.db)) {
    const chats = await listChats(deps.db, tenantKey);
    const isDue = (s: Pick<ChatSettings, 'digestWeekday' | 'digestTime'>) =>
      digestMoment(cal, now, s.digestWeekday, s.digestTime).getTime() <= now.getTime();
    const chatKey = (chatId: string) => `digest:${chatId}:${week}`;
    const leaderKey = (userId: string) => `leader:${userId}:${week}`;
    let dueChats = chats.filter((c) => c.chatType !== 'p2p' && isDue(settingsOf(c)));
    let leaders = isDue(DEFAULT_SETTINGS) ? await listSubscribers(deps.db, tenantKey) : [];
    // Every tick after the digest time lands here: skip the heavy load once all went out.
    const taken = await claimedKeys(deps.db, [...dueChats.map((c) => chatKey(c.chatId)), ...leaders.map(leaderKey)]);
    dueChats = dueChats.filter((c) => !taken.has(chatKey(c.chatId)));
    leaders = leaders.filter((u) => !taken.has(leaderKey(u)));
    if (dueChats.length === 0 && leaders.length === 0) continue;

    const data: TenantDigestData = {
      tasks: await loadFigureTasks(deps.db, tenantKey, since),
      events: await loadFigureEvents(deps.db, tenantKey, period.from, now),
      directory: await loadDirectory(deps.db, tenantKey),
      chats,
    };
    const view = viewOf(deps, now, data);
    const byChat = new Map<string, Task[]>();
    for (const t of data.tasks) {
      if (!isActiveIn(t, period)) continue;
      const list = byChat.get(t.chatId);
      if (list) list.push(t);
      else byChat.set(t.chatId, [t]);
    }

    for (const chat of dueChats) {
      const tasks = byChat.get(chat.chatId);
      if (!tasks?.length) {
        // Claimed without a message, so later ticks this week need not load the tenant for it.
        await commitChange(deps.db, { tenantKey, now, claims: [{ key: chatKey(chat.chatId), kind: 'digest_empty' }], messages: [] });
        continue;
      }
      const ids = new Set(tasks.map((t) => t.id));
      const figures = computeFigures({
        tasks,
        events: data.events.filter((e) => ids.has(e.taskId)),
        period,
        now,
        calendar: cal,
        departmentOf: (u) => data.directory.departmentOf[u],
      });
      const message: OutMessage = {
        kind: 'send',
        to: { type: 'chat_id', id: chat.chatId },
        msgType: 'interactive',
        content: weeklySummaryCard(figures, chat.chatId, view),
      };
      const done = await commitChange(deps.db, {
        tenantKey,
        now,
        claims: [{ key: chatKey(chat.chatId), kind: 'digest' }],
        messages: [message],
      });
      if (done) run.groups++;
    }

    for (const leaderId of leaders) {
      const card = leaderDigestCard(leaderDigestInput(leaderId, data, period, now, cal), view);
      const done = await commitChange(deps.db, {
        tenantKey,
        now,
        claims: [{ key: leaderKey(leaderId), kind: 'leader_digest' }],
        messages: [{ kind: 'send', to: { type: 'open_id', id: leaderId }, msgType: 'interactive', content: card }],
      });
      if (done) run.leaders++;
    }
  }
  if (run.groups || run.leaders) {
    log.info({ week, groups: run.groups, leaders: run.leaders }, 'weekly digests queued');
    deps.kickOutbox();
  }
  return run;
}
