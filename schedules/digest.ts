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
 * A missed slot (SPEC §4): until this week's moment comes, last week's digests that never went
 * out (nothing ran between their moment and the week's end) are sent at the first tick in the
 * chat's working time, once, covering last week (Monday–Sunday, as it stood at its end). Once
 * this week's moment has come, last week's is no longer sent.
 *
 * The claim and its outbox row are one transaction (db/commit.ts), so two instances or a rerun
 * send each digest once, and a crash leaves either both or neither.
 *
 * When the digest day is not a working day (a holiday week), the digest goes out at the same
 * time on the last working day before it in that week; a week without any working day up to
 * then keeps the configured day.
 *
 * A leader's chats are the chats where /设置 made them 督办领导 or admin, the chats Lark says
 * they own or manage now (bot/chat-admins.ts chatsOwnedNow: a former owner's chat is not theirs
 * any more, whatever was stored), and the chats of tasks they created or supervise. Subscribing
 * does not open the whole office to anyone who asks: the card shows only what the leader
 * already oversees.
 */
import type { Deps } from '../bot/deps.js';
import { chatsOwnedNow } from '../bot/chat-admins.js';
import { awayUntil } from '../bot/cards/leave.js';
import { absencesIn } from '../db/leave.js';
import {
  addDaysYmd,
  FigureTally,
  FirstItems,
  isActiveIn,
  isoWeekKey,
  reviewWaitedWorkdaysOf,
  TrendTally,
  weekStartYmd,
  type FigureCalendar,
  type FigureEvent,
  type FigureTaskCore,
  type Period,
} from '../bot/domain/figures.js';
import { decidesOn, isOpen, LEADER_CARD_ROLES, oversees } from '../bot/domain/roles.js';
import { extensionIsLive } from '../bot/domain/task.js';
import { DEFAULT_SETTINGS, type ChatSettings, type OutMessage } from '../bot/domain/types.js';
import { DIGEST_SHOWN, leaderDigestCard, weeklySummaryCard, type DigestView, type ExceptionTask, type LeaderDigestInput } from '../bot/cards/digest.js';
import { settingsOf, type ChatRow } from '../db/chats.js';
import { commitChange } from '../db/commit.js';
import {
  chatsOfTasksBy,
  claimedKeys,
  figureTaskPages,
  listChats,
  listTenants,
  loadDirectory,
  progressOfTasks,
  FIGURE_PAGE_SIZE,
  type Directory,
} from '../db/figures.js';
import { listSubscribers } from '../db/subscriptions.js';

const TREND_WEEKS = 8;

export interface DigestRun {
  groups: number;
  leaders: number;
}

export interface DigestOptions {
  /** Tasks read at a time (db/figures.ts figureTaskPages); tests make it small. */
  pageSize?: number;
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

/** Chats where /设置 made the leader 督办领导 or admin (the owner Lark names is chatsOwnedNow's). */
export function configuredChatIds(leaderId: string, chats: readonly ChatRow[]): Set<string> {
  const ids = new Set<string>();
  for (const c of chats) if (oversees(leaderId, settingsOf(c))) ids.add(c.chatId);
  return ids;
}

/**
 * A leader's card input, one task at a time: the tasks of the leader's chats go in as they are
 * read (with their events, before `release`), and only counts and the first few items of each
 * list the card shows stay (DIGEST_SHOWN); `result()` gives the same card as the whole lists.
 */
export class LeaderTally {
  private readonly figures: FigureTally;
  private readonly trend: TrendTally;
  private readonly newlyRed = new FirstItems<ExceptionTask & { dueAt: Date }>(
    (a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.number - b.number,
    DIGEST_SHOWN.exceptions,
  );
  private readonly waiting = new FirstItems<ExceptionTask>((a, b) => a.number - b.number, DIGEST_SHOWN.exceptions);
  private readonly extensionRequests = new FirstItems<LeaderDigestInput['extensionRequests'][number]>((a, b) => a.number - b.number, DIGEST_SHOWN.exceptions);

  constructor(
    readonly leaderId: string,
    private readonly period: Period,
    private readonly now: Date,
    private readonly calendar: FigureCalendar,
    departmentOf: (userId: string) => string | null | undefined,
    /** chat id → its configured supervisor, for "the leader decides". */
    private readonly chatSupervisor: ReadonlyMap<string, string | null>,
    private readonly hasChats: boolean,
  ) {
    this.figures = new FigureTally(period, now, calendar, departmentOf, { red: DIGEST_SHOWN.red, dueNextWeek: 0 });
    this.trend = new TrendTally(now, calendar, TREND_WEEKS);
  }

  /** A task of one of the leader's chats, with its lead assignee. */
  addTask(t: FigureTaskCore, lead: string | null): void {
    const { period, now, leaderId } = this;
    this.trend.add(t);
    if (!isActiveIn(t, period)) return;
    this.figures.addTask(t, lead);
    if (!isOpen(t)) return;
    const ref = (): ExceptionTask => ({ taskId: t.id, number: t.number, title: t.title, chatId: t.chatId, leadId: lead });
    // A submitted task is nobody's overdue item: it waits for its reviewer, never offered for 催办.
    if (t.state !== 'submitted' && t.dueAt && t.dueAt.getTime() >= period.from.getTime() && t.dueAt.getTime() < now.getTime()) {
      this.newlyRed.add({ ...ref(), dueAt: t.dueAt });
    }
    if (!decidesOn(t, leaderId, { supervisorId: this.chatSupervisor.get(t.chatId) ?? null })) return;
    if (t.state === 'submitted') this.waiting.add({ ...ref(), waitedWorkdays: reviewWaitedWorkdaysOf(t, now, this.calendar) ?? 0 });
    const p = t.pendingExtension;
    if (p && extensionIsLive(t, now)) this.extensionRequests.add({ ...ref(), dueAt: p.dueAt, reason: p.reason, requestedBy: p.requestedBy });
  }

  addEvent(e: FigureEvent): void {
    this.figures.addEvent(e);
  }

  /** Forgets the tasks added so far (their events must have been added). */
  release(): void {
    this.figures.release();
  }

  result(): LeaderDigestInput {
    return {
      figures: this.figures.result(),
      newlyRed: this.newlyRed.list(),
      waiting: this.waiting.list(),
      extensionRequests: this.extensionRequests.list(),
      trend: this.trend.result(),
      hasChats: this.hasChats,
      exceptionTotal: this.newlyRed.count + this.waiting.count + this.extensionRequests.count,
    };
  }
}

export const supervisorsOf = (chats: readonly ChatRow[]) => new Map(chats.map((c) => [c.chatId, settingsOf(c).supervisorId]));

function viewOf(deps: Deps, now: Date, directory: Directory, chats: readonly ChatRow[]): DigestView {
  return {
    lang: deps.config.DUBAN_LANG,
    tz: deps.config.DUBAN_TZ,
    now,
    names: directory.names,
    chatNames: Object.fromEntries(chats.filter((c) => c.name).map((c) => [c.chatId, c.name!])),
    departmentNames: directory.departmentNames,
  };
}

/**
 * Sends every weekly summary and leader card due at `now` that was not sent yet.
 *
 * A tenant is read in pages of tasks (db/figures.ts figureTaskPages), never whole: each chat's
 * summary is tallied as its tasks come in and sent once its last page is read; each leader's
 * card keeps counts per chat, department and person and the first items of its lists.
 */
export async function runDigest(deps: Deps, now: Date, opts: DigestOptions = {}): Promise<DigestRun> {
  const log = deps.log.child({ job: 'digest' });
  const cal = deps.calendar;
  const today = cal.localDate(now);
  const week = isoWeekKey(today);
  const monday = weekStartYmd(today);
  const lastMonday = addDaysYmd(monday, -7);
  const thisWeekStart = cal.at(monday, '00:00');
  const current: WeekSlot = { week, asOf: now, period: { from: thisWeekStart, to: now } };
  // Last week's slot, for a digest whose moment passed while nothing ran (SPEC §4): the whole
  // of that week, as it stood at its end.
  const previous: WeekSlot = { week: isoWeekKey(lastMonday), asOf: thisWeekStart, period: { from: cal.at(lastMonday, '00:00'), to: thisWeekStart } };
  const run: DigestRun = { groups: 0, leaders: 0 };

  for (const tenantKey of await listTenants(deps.db)) {
    const chats = await listChats(deps.db, tenantKey);
    const isDue = (s: Pick<ChatSettings, 'digestWeekday' | 'digestTime'>) => digestMoment(cal, now, s.digestWeekday, s.digestTime).getTime() <= now.getTime();
    // Before this week's moment, last week's digest is still owed if it never went out: it goes
    // at the first tick in working time. Once this week's moment has come, last week's is dropped.
    const owesPrevious = (s: ChatSettings) => !isDue(s) && cal.isWorkingTime(now, { start: s.workStart, end: s.workEnd }, s.quiet);
    const groups = chats.filter((c) => c.chatType !== 'p2p');
    const subscribers = await listSubscribers(deps.db, tenantKey);
    const owedChats = groups.filter((c) => owesPrevious(settingsOf(c)));
    await sendWeek(deps, tenantKey, chats, previous, owedChats, owesPrevious(DEFAULT_SETTINGS) ? subscribers : [], run, opts, now);
    await sendWeek(
      deps,
      tenantKey,
      chats,
      current,
      groups.filter((c) => isDue(settingsOf(c))),
      isDue(DEFAULT_SETTINGS) ? subscribers : [],
      run,
      opts,
      now,
    );
  }
  if (run.groups || run.leaders) {
    log.info({ week, groups: run.groups, leaders: run.leaders }, 'weekly digests queued');
    deps.kickOutbox();
  }
  return run;
}

/** One ISO week's digests; `asOf` is the moment its figures are read at. */
interface WeekSlot {
  week: string;
  asOf: Date;
  period: Period;
}

/** Sends the week's summary to each of `dueChats` and its card to each of `dueLeaders`, each once (its claim). */
async function sendWeek(
  deps: Deps,
  tenantKey: string,
  chats: readonly ChatRow[],
  slot: WeekSlot,
  dueChats: ChatRow[],
  dueLeaders: string[],
  run: DigestRun,
  opts: DigestOptions,
  sentAt: Date,
): Promise<void> {
  const cal = deps.calendar;
  const { week, period, asOf: now } = slot;
  const since = cal.at(addDaysYmd(cal.localDate(period.from), -7 * (TREND_WEEKS - 1)), '00:00');
  const chatKey = (chatId: string) => `digest:${chatId}:${week}`;
  const leaderKey = (userId: string) => `leader:${userId}:${week}`;
  // Every tick after the digest time lands here: skip the heavy load once all went out.
  const taken = await claimedKeys(deps.db, [...dueChats.map((c) => chatKey(c.chatId)), ...dueLeaders.map(leaderKey)]);
  dueChats = dueChats.filter((c) => !taken.has(chatKey(c.chatId)));
  const leaders = dueLeaders.filter((u) => !taken.has(leaderKey(u)));
  if (dueChats.length === 0 && leaders.length === 0) return;

  const directory = await loadDirectory(deps.db, tenantKey);
  const departmentOf = (u: string) => directory.departmentOf[u];
  const view = viewOf(deps, now, directory, chats);
  // Whoever is away reads "张三（请假至 12月25日）" wherever the digest names them.
  const away = await absencesIn(deps.db, tenantKey, now, (d) => deps.calendar.localDate(d));
  if (away.size) {
    const names = { ...(view.names ?? {}) };
    for (const a of away.values()) names[a.userId] = `${names[a.userId] ?? a.userId}（${awayUntil(a.lastDay, deps.config.DUBAN_LANG)}）`;
    view.names = names;
  }

  // Each leader's chats, and so which tallies each chat's tasks go to.
  const byTasks = leaders.length ? await chatsOfTasksBy(deps.db, tenantKey, since, leaders, LEADER_CARD_ROLES) : new Map<string, Set<string>>();
  const owned = leaders.length ? await chatsOwnedNow(deps, tenantKey, leaders) : new Map<string, Set<string>>();
  const chatSupervisor = supervisorsOf(chats);
  const leaderTallies: LeaderTally[] = [];
  const leadersOfChat = new Map<string, LeaderTally[]>();
  for (const leaderId of leaders) {
    const chatIds = configuredChatIds(leaderId, chats);
    for (const id of owned.get(leaderId) ?? []) chatIds.add(id);
    for (const id of byTasks.get(leaderId) ?? []) chatIds.add(id);
    const tally = new LeaderTally(leaderId, period, now, cal, departmentOf, chatSupervisor, chatIds.size > 0);
    leaderTallies.push(tally);
    for (const id of chatIds) {
      const list = leadersOfChat.get(id);
      if (list) list.push(tally);
      else leadersOfChat.set(id, [tally]);
    }
  }

  const dueIds = new Set(dueChats.map((c) => c.chatId));
  const read = [...new Set([...dueIds, ...leadersOfChat.keys()])];
  const summaries = new Map<string, FigureTally>();
  const pages = figureTaskPages(deps.db, tenantKey, since, read, period, opts.pageSize ?? FIGURE_PAGE_SIZE);
  for await (const page of pages) {
    const chatOf = new Map<number, string>();
    for (const t of page.tasks) {
      chatOf.set(t.id, t.chatId);
      if (dueIds.has(t.chatId) && isActiveIn(t, period)) {
        let tally = summaries.get(t.chatId);
        if (!tally)
          summaries.set(t.chatId, (tally = new FigureTally(period, now, cal, departmentOf, { red: DIGEST_SHOWN.red, dueNextWeek: DIGEST_SHOWN.dueNextWeek })));
        tally.addTask(t, t.leadId);
      }
      for (const l of leadersOfChat.get(t.chatId) ?? []) l.addTask(t, t.leadId);
    }
    for (const e of page.events) {
      const chatId = chatOf.get(e.taskId);
      if (chatId === undefined) continue;
      summaries.get(chatId)?.addEvent(e);
      for (const l of leadersOfChat.get(chatId) ?? []) l.addEvent(e);
    }
    for (const tally of summaries.values()) tally.release();
    for (const l of leaderTallies) l.release();
    // Done with the page's rows: let them go before the commits below wait on the database.
    page.tasks = [];
    page.events = [];

    for (const chatId of page.complete) {
      if (!dueIds.has(chatId)) continue;
      const tally = summaries.get(chatId);
      summaries.delete(chatId);
      if (!tally?.tasks) {
        // Claimed without a message, so later ticks this week need not load the tenant for it.
        await commitChange(deps.db, { tenantKey, now: sentAt, claims: [{ key: chatKey(chatId), kind: 'digest_empty' }], messages: [] });
        continue;
      }
      const figures = tally.result();
      const progress = await progressOfTasks(
        deps.db,
        [...figures.red, ...figures.review].map((x) => x.taskId),
      );
      const message: OutMessage = {
        kind: 'send',
        to: { type: 'chat_id', id: chatId },
        msgType: 'interactive',
        content: weeklySummaryCard(figures, chatId, { ...view, progress }),
      };
      const done = await commitChange(deps.db, {
        tenantKey,
        now: sentAt,
        claims: [{ key: chatKey(chatId), kind: 'digest' }],
        messages: [message],
      });
      if (done) run.groups++;
    }
  }

  for (const tally of leaderTallies) {
    const input = tally.result();
    const listed = [...input.newlyRed, ...input.waiting, ...input.extensionRequests, ...input.figures.red];
    const progress = await progressOfTasks(
      deps.db,
      listed.map((x) => x.taskId),
    );
    const card = leaderDigestCard(input, { ...view, progress });
    const done = await commitChange(deps.db, {
      tenantKey,
      now: sentAt,
      claims: [{ key: leaderKey(tally.leaderId), kind: 'leader_digest' }],
      messages: [{ kind: 'send', to: { type: 'open_id', id: tally.leaderId }, msgType: 'interactive', content: card }],
    });
    if (done) run.leaders++;
  }
}
