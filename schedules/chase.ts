/**
 * The chase job (SPEC §4): load the tasks that may be due for a reminder (index ranges only,
 * db/reminders.ts), plan with bot/domain/policy.ts per chat's settings, and send ONE message
 * per recipient per slot: a group 催办 per chat listing its overdue tasks by lead, and one p2p
 * card per person (督办, decisions waiting for them, 回头看, their own reminders) — see
 * bot/cards/chase.ts. Per tenant, one transaction claims every (task, kind, slot) key, every
 * batch key `b:<tenant>:<recipient>:<slot>` and every 加急 key `u:<tenant>:<person>:<day>`, logs
 * the events and enqueues the messages (db/commit.ts). A claim another process (or an earlier
 * run before a crash) took rolls the whole batch back and the plan is made again without it:
 * a reminder whose batch was taken waits for the next slot. Each batch message's Lark uuid is
 * derived from its batch key, so even a doubled row could not reach anyone twice.
 *
 * 加急 buzzes a person at most once a day, on their message of the slot (their p2p card, or
 * the group 催办 that mentions them), and only for items `buzzWorthy` under the chat's policy.
 * The day's budget is the one an urgent assignment or a /催办 spends too (db/commit.ts
 * `spendBuzzes`): someone already buzzed today is mentioned without a second 加急.
 *
 * Cards turn red within one tick of their deadline: a task whose deadline passed since the
 * last run gets its cards refreshed (claim `t:<id>:red:<deadline>`), with no message to anyone.
 *
 * It also warns — in the log and once per (year, chat) to the chat's admins — when the plan
 * reads a year the working calendar has no data for.
 *
 * @example await runChase(deps, new Date('2026-12-02T09:30:00+08:00')) // → { planned: 3, claimed: 3, messages: 2 }
 */
import type { Deps } from '../bot/deps.js';
import { larkAdminsOf } from '../bot/chat-admins.js';
import { batchRef, briefingCard, calendarMissingMessages, chatChaseText, itemOf, type BatchItem, type ChaseView } from '../bot/cards/chase.js';
import { addDays } from '../bot/domain/calendar.js';
import { buzzWorthy, missingCalendarYears, planReminders, routeAroundLeave, type LatestChaseRead, type Reminder } from '../bot/domain/policy.js';
import { readsOfTasks, receiptsFlowing, recordPins } from '../db/reads.js';
import { leaveNote, readMarkLine } from '../bot/cards/leave.js';
import { leadOf } from '../bot/domain/roles.js';
import { absencesIn } from '../db/leave.js';
import { runLeaveDuties } from './leave.js';
import { pollReads } from './reads.js';
import type { ChatSettings, OutMessage, Task, TaskEvent } from '../bot/domain/types.js';
import { buzzKey, commitChange } from '../db/commit.js';
import { appendEvents } from '../db/events.js';
import { stableUuid } from '../db/outbox.js';
import {
  bumpChaseCounts,
  claimedKeys,
  loadChaseCandidates,
  loadRevisitCandidates,
  loosestSettings,
  progressSince,
  settingsForChats,
  type ChaseWindows,
} from '../db/reminders.js';
import { cardUpdates } from '../bot/cards/task.js';
import { lookupUsers } from '../bot/directory.js';
import { feedbackAsks } from './series.js';

export interface ChaseResult {
  /** Reminders the policy planned (already claimed ones included). */
  planned: number;
  /** Reminder slots this run claimed. */
  claimed: number;
  /** Batch messages (group 催办, p2p cards, notices) this run enqueued. */
  messages: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** An unsigned task is reminded within 2 working hours; the longest run of days off (春节, 国庆) is 9. */
const UNSIGNED_LOOKBACK_DAYS = 15;
/** A silent stretch is asked about once; a bot down longer than this after it began does not ask late. */
const SILENT_LOOKBACK_DAYS = 30;
/** A 回头看 the bot could not ask for this long (downtime) is dropped rather than asked stale. */
export const REVISIT_LOOKBACK_DAYS = 30;
/** A deadline that passed this long ago without a run has its cards turned red by the next run. */
const RED_LOOKBACK_DAYS = 3;
/** Cards older than this are not refreshed by the chase (Lark's update window is 14 days). */
const CARD_REFRESH_DAYS = 13;
/** Batch slots are the 5-minute ticks of the office's clock. */
const SLOT_MINUTES = 5;
/** Tries per tenant when another process took one of the claims. */
const CLAIM_ATTEMPTS = 3;

/**
 * The scan windows at `now`: everything overdue plus what is due up to the end of the next
 * working day (due tomorrow, due soon); unsigned assignments of the last days; open tasks
 * silent for at least the smallest per-chat threshold.
 */
export function chaseWindows(
  deps: Pick<Deps, 'calendar'>,
  now: Date,
  loose: Pick<ChatSettings, 'unsignedReminderWorkHours' | 'dueSoonHours' | 'staleProgressWorkdays'>,
): ChaseWindows {
  const cal = deps.calendar;
  const t = now.getTime();
  const afterNextWorkday = cal.at(addDays(cal.nextWorkday(cal.localDate(now)), 1), '00:00');
  const dueBefore = new Date(Math.max(afterNextWorkday.getTime(), t + loose.dueSoonHours * HOUR + 1));
  const never = { from: new Date(t + DAY), to: new Date(t) }; // an empty range
  const unsigned = Number.isFinite(loose.unsignedReminderWorkHours)
    ? { from: new Date(t - UNSIGNED_LOOKBACK_DAYS * DAY), to: new Date(t - loose.unsignedReminderWorkHours * HOUR) }
    : never;
  const s = loose.staleProgressWorkdays;
  // S working days since the day of the last activity means at least S calendar days: the
  // activity was before the start of (today − S + 1), so before now − (S − 1) days.
  const silent = Number.isFinite(s) ? { from: new Date(t - (2 * s + SILENT_LOOKBACK_DAYS) * DAY), to: new Date(t - (s - 1) * DAY) } : never;
  return { dueBefore, unsignedFrom: unsigned.from, unsignedTo: unsigned.to, silentFrom: silent.from, silentTo: silent.to };
}

/** Every reminder due at `now`, 回头看 included, so a person's message of the slot holds them all. */
export async function runChase(deps: Deps, now: Date): Promise<ChaseResult> {
  // Who read the group 催办 so far: the ladder steps on it.
  await pollReads(deps, now);
  const windows = chaseWindows(deps, now, await loosestSettings(deps.db));
  const [due, revisits] = await Promise.all([
    loadChaseCandidates(deps.db, windows),
    loadRevisitCandidates(deps.db, new Date(now.getTime() - REVISIT_LOOKBACK_DAYS * DAY), now),
  ]);
  // 反馈周期: the leads asked for progress on a cadence day, in the same one message of the slot.
  const result = await sendReminders(deps, [...due, ...revisits], now, await feedbackAsks(deps, now));
  // Leave: pending approval subscriptions, and the one briefing of whoever is back.
  await runLeaveDuties(deps, now);
  return result;
}

/** Display names for the people on these tasks' cards (directory cache). */
async function namesFor(deps: Deps, list: readonly Task[], chatSupervisorOf: (t: Task) => string | null = () => null): Promise<Record<string, string>> {
  const byTenant = new Map<string, Set<string>>();
  for (const t of list) {
    const ids = byTenant.get(t.tenantKey) ?? new Set<string>();
    ids.add(t.creatorId);
    if (t.supervisorId) ids.add(t.supervisorId);
    // The card names the chat's 督办领导 too: unknown, it would show as an @-mention.
    const chatSupervisor = chatSupervisorOf(t);
    if (chatSupervisor) ids.add(chatSupervisor);
    if (t.pendingExtension) ids.add(t.pendingExtension.requestedBy);
    if (t.returned) ids.add(t.returned.by);
    for (const a of t.assignees) ids.add(a.userId);
    byTenant.set(t.tenantKey, ids);
  }
  const names: Record<string, string> = {};
  for (const [tenantKey, ids] of byTenant) {
    for (const [id, e] of await lookupUsers(deps, tenantKey, [...ids])) if (e.name && e.name !== id) names[id] = e.name;
  }
  return names;
}

/** Provisional years the log was told about: once per process each. */
const warnedYears = new Set<number>();
function warnProvisionalOnce(log: Deps['log'], year: number): void {
  if (warnedYears.has(year)) return;
  warnedYears.add(year);
  log.warn({ year }, 'no State Council holiday schedule for this year; counting statutory holidays and weekends until one is imported');
}

/** The log line of a reminder: 催办 as 'chased', 督办 as 'escalated', 回头看 as 'revisit_asked'. */
function eventOf(r: Reminder, now: Date, slot: string): Omit<TaskEvent, 'taskId'> {
  const payload = {
    auto: true,
    reminder: r.kind,
    slot: r.slot,
    batch: slot,
    to: r.userIds,
    channel: r.channel,
    ...(r.overdueDays ? { overdueDays: r.overdueDays } : {}),
    ...(r.waitedDays ? { waitedDays: r.waitedDays } : {}),
  };
  const kind: TaskEvent['kind'] = r.kind === 'overdue' ? 'chased' : r.kind === 'escalate' ? 'escalated' : r.kind === 'revisit' ? 'revisit_asked' : 'reminded';
  return { kind, actorId: 'bot', payload, at: now };
}

/** The local 5-minute tick `now` falls in: 'YYYY-MM-DDTHH:MM'. */
export function slotOf(deps: Pick<Deps, 'calendar'>, now: Date): string {
  const [h, m] = deps.calendar.localTime(now).split(':').map(Number);
  const floored = Math.floor((m ?? 0) / SLOT_MINUTES) * SLOT_MINUTES;
  return `${deps.calendar.localDate(now)}T${String(h).padStart(2, '0')}:${String(floored).padStart(2, '0')}`;
}

interface Planned {
  task: Task;
  r: Reminder;
}

/** One message of the slot: a chat's 催办 or a person's card. */
interface Batch {
  key: string;
  to: { type: 'chat_id' | 'open_id'; id: string };
  plans: Planned[];
}

/** The read of each overdue task's latest 催办 sent before today; null where receipts do not reach the bot. */
async function latestChaseReads(deps: Deps, tasks: readonly Task[], now: Date): Promise<(t: Task) => LatestChaseRead | null> {
  const t0 = now.getTime();
  const overdue = tasks.filter((t) => (t.state === 'assigned' || t.state === 'in_progress') && t.dueAt && t.dueAt.getTime() < t0);
  if (!overdue.length) return () => null;
  const flowing = new Set<string>();
  for (const tenantKey of new Set(overdue.map((t) => t.tenantKey))) if (await receiptsFlowing(deps.db, tenantKey, now)) flowing.add(tenantKey);
  if (!flowing.size) return () => null;
  const reads = await readsOfTasks(
    deps.db,
    overdue.filter((t) => flowing.has(t.tenantKey)).map((t) => t.id),
    deps.calendar.at(deps.calendar.localDate(now), '00:00'),
  );
  return (t) => {
    const c = flowing.has(t.tenantKey) ? reads.get(t.id)?.chase : null;
    return c ? { sentAt: c.sentAt, readAt: c.readAt } : null;
  };
}

/** The 催办 (group) and 督办 (p2p card) a batch carries, for its read receipts. */
function remindsOf(b: Batch): { reminds?: NonNullable<Extract<OutMessage, { kind: 'send' }>['reminds']> } {
  type Reminds = NonNullable<Extract<OutMessage, { kind: 'send' }>['reminds']>;
  const reminds: Reminds = [];
  for (const p of b.plans) {
    if (p.r.kind === 'overdue') reminds.push({ taskId: p.task.id, kind: 'chase', recipients: [p.r.userIds[0]!] });
    else if (p.r.kind === 'escalate') reminds.push({ taskId: p.task.id, kind: 'escalate', recipients: [b.to.id] });
  }
  return reminds.length ? { reminds } : {};
}

/** Groups a tenant's reminders into one batch per recipient. */
function batchesOf(tenantKey: string, plans: readonly Planned[], slot: string): Batch[] {
  const out = new Map<string, Batch>();
  const add = (to: Batch['to'], p: Planned) => {
    const key = `b:${tenantKey}:${to.type === 'chat_id' ? 'c' : 'u'}:${to.id}:${slot}`;
    const b = out.get(key) ?? { key, to, plans: [] };
    b.plans.push(p);
    out.set(key, b);
  };
  for (const p of plans) {
    if (p.r.kind === 'overdue') add({ type: 'chat_id', id: p.task.chatId }, p);
    else for (const u of p.r.userIds) add({ type: 'open_id', id: u }, p);
  }
  return [...out.values()];
}

/**
 * Plans reminders for the given tasks and sends every unclaimed one, one message per recipient
 * (see the module comment). Shared by the chase and revisit jobs.
 */
export async function sendReminders(deps: Deps, candidates: readonly Task[], now: Date, asks: readonly Planned[] = []): Promise<ChaseResult> {
  const cal = deps.calendar;
  const log = deps.log.child({ job: 'chase' });
  const lang = deps.config.DUBAN_LANG;
  const view: ChaseView = { lang, now, calendar: cal };
  const unique = [...new Map([...candidates, ...asks.map((a) => a.task)].map((t) => [t.id, t])).values()];
  const settingsByChat = await settingsForChats(
    deps.db,
    unique.map((t) => t.chatId),
  );
  const settingsOfTask = (t: Task) => settingsByChat.get(t.chatId)!;

  // Read receipts of the latest 催办 before today, for overdue tasks of tenants whose receipts reach the bot (policy.ts readLadder).
  const readOf = await latestChaseReads(deps, unique, now);
  let plans: Planned[] = [];
  for (const task of unique) for (const r of planReminders(task, [], settingsOfTask(task), cal, now, readOf(task))) plans.push({ task, r });

  // Progress asks: drop whoever already reported today (read only for the tasks concerned).
  const asking = [...new Set(plans.filter((p) => p.r.kind === 'stale').map((p) => p.task.id))];
  if (asking.length) {
    const reported = await progressSince(deps.db, asking, cal.at(cal.localDate(now), '00:00'));
    plans = plans.flatMap((p) => {
      if (p.r.kind !== 'stale' || !reported.has(p.task.id)) return [p];
      const again = planReminders(p.task, { lastProgressByUser: reported.get(p.task.id)! }, settingsOfTask(p.task), cal, now, readOf(p.task)).find(
        (r) => r.kind === 'stale',
      );
      return again ? [{ task: p.task, r: again }] : [];
    });
  }

  plans.push(...asks);
  // Leave: nobody away is chased; their deputies receive it, acting for them (policy.ts).
  const away = new Map<string, Awaited<ReturnType<typeof absencesIn>>>();
  for (const tenantKey of new Set(plans.map((p) => p.task.tenantKey))) away.set(tenantKey, await absencesIn(deps.db, tenantKey, now, (d) => cal.localDate(d)));
  plans = plans.flatMap((p) => {
    const r = routeAroundLeave(p.r, away.get(p.task.tenantKey)!);
    return r ? [{ task: p.task, r }] : [];
  });

  // Years without calendar data, per chat: a one-time notice to the admins.
  const notices = new Map<string, { tenantKey: string; chatId: string; year: number; admins: string[] }>();
  for (const task of unique) {
    const s = settingsOfTask(task);
    if (!cal.isWorkingTime(now, { start: s.workStart, end: s.workEnd }, s.quiet)) continue;
    for (const year of missingCalendarYears(task, cal, now)) {
      notices.set(`calendar-missing:${year}:${task.chatId}`, { tenantKey: task.tenantKey, chatId: task.chatId, year, admins: s.admins });
    }
  }

  // Deadlines that passed since the last run: the cards turn red now, not at the next 催办.
  const t0 = now.getTime();
  const turningRed = new Map<string, Task>();
  for (const task of unique) {
    if (task.state !== 'assigned' && task.state !== 'in_progress') continue;
    if (!task.dueAt || !task.cardMessageId || task.dueAt.getTime() > t0 || task.dueAt.getTime() < t0 - RED_LOOKBACK_DAYS * DAY) continue;
    turningRed.set(`t:${task.id}:red:${task.dueAt.toISOString()}`, task);
  }

  const today = cal.localDate(now);
  const slot = slotOf(deps, now);
  const buzzOf = (tenantKey: string, u: string) => buzzKey(tenantKey, u, today);
  const everyone = new Set<string>();
  for (const p of plans) for (const u of p.r.userIds) everyone.add(buzzOf(p.task.tenantKey, u));
  const taken = await claimedKeys(deps.db, [...plans.map((p) => p.r.key), ...notices.keys(), ...turningRed.keys(), ...everyone]);
  // A feedback ask that a fresh progress ask of the policy already covers is left out.
  const askedAnyway = new Set(plans.filter((p) => p.r.kind === 'stale' && !taken.has(p.r.key)).map((p) => p.task.id));
  plans = plans.filter((p) => p.r.kind !== 'feedback' || !askedAnyway.has(p.task.id));
  let claimed = 0;
  let messages = 0;
  let committed = false;

  for (const [key, n] of notices) {
    if (taken.has(key)) continue;
    warnProvisionalOnce(log, n.year);
    // The chat's admins as every decision counts them (bot/chat-admins.ts settingsForDecision):
    // those set with /设置 and the owner and managers Lark names now, never a stored former
    // owner; when none is known, the notice goes to the chat alone.
    const admins = [...new Set([...n.admins, ...(await larkAdminsOf(deps, n.tenantKey, n.chatId))])];
    const done = await commitChange(deps.db, {
      tenantKey: n.tenantKey,
      now,
      claims: [{ key, kind: 'calendar_missing' }],
      messages: calendarMissingMessages(n.chatId, admins, n.year, lang),
    });
    if (done) {
      messages++;
      committed = true;
    }
  }

  // The read marks the 督办 cards show.
  const readsNow = await readsOfTasks(
    deps.db,
    plans.filter((p) => p.r.kind === 'escalate').map((p) => p.task.id),
  );
  const names = await namesFor(deps, [...plans.map((p) => p.task), ...turningRed.values()], (t) => settingsByChat.get(t.chatId)?.supervisorId ?? null);
  view.names = names;
  // A reminder usually marks a change of light (due tomorrow → yellow, overdue → red) and of the
  // "还剩 / 已逾期 N 个工作日" line: the task's cards are brought up to date with it.
  const cardsOf = (task: Task): OutMessage[] => {
    if (task.state === 'done' || task.state === 'cancelled' || !task.cardMessageId) return [];
    // Lark updates a card for 14 days; after that a refresh is a new message, and the slot's one
    // message to each person is the batch. Such cards are redrawn when someone acts on the task.
    if (!task.cardSentAt || task.cardSentAt.getTime() < t0 - CARD_REFRESH_DAYS * DAY) return [];
    const s = settingsOfTask(task);
    const leaves = Object.fromEntries(
      [...(away.get(task.tenantKey) ?? new Map()).values()].map((a) => [a.userId, { startAt: a.startAt, backAt: a.backAt, lastDay: a.lastDay, active: true }]),
    );
    return cardUpdates(task, { lang, now, tz: cal.tz, calendar: cal, settings: s, chatSupervisorId: s.supervisorId, names, leaves });
  };

  const tenants = new Set([...plans.map((p) => p.task.tenantKey), ...[...turningRed.values()].map((t) => t.tenantKey)]);
  for (const tenantKey of tenants) {
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const pending = plans.filter((p) => p.task.tenantKey === tenantKey && !taken.has(p.r.key));
      const batches = batchesOf(tenantKey, pending, slot).filter((b) => !taken.has(b.key));
      const sending = new Set(batches.flatMap((b) => b.plans));
      const red = [...turningRed].filter(([k, t]) => t.tenantKey === tenantKey && !taken.has(k));
      if (sending.size === 0 && red.length === 0) break;

      const chasedNow = new Set([...sending].filter((p) => p.r.kind === 'overdue').map((p) => p.task.id));
      // 加急: once per person per day, on their p2p card of the slot if they have one, else on
      // the group 催办 that mentions them as lead.
      const buzz = new Map<string, Batch>();
      const worthy = new Set<string>();
      for (const b of batches) {
        for (const p of b.plans) {
          if (!buzzWorthy(p.task, p.r, settingsOfTask(p.task))) continue;
          for (const u of b.to.type === 'open_id' ? [b.to.id] : [p.r.userIds[0]!]) if (!taken.has(buzzOf(tenantKey, u))) worthy.add(u);
        }
      }
      for (const b of batches) {
        if (b.to.type === 'open_id' && worthy.has(b.to.id)) buzz.set(b.to.id, b);
      }
      for (const b of batches) {
        if (b.to.type !== 'chat_id') continue;
        for (const p of b.plans) {
          const lead = p.r.userIds[0]!;
          if (worthy.has(lead) && !buzz.has(lead)) buzz.set(lead, b);
        }
      }
      const out: OutMessage[] = [];
      // Who is pinned by this run: turned off again at their first read of a 催办 there (db/reads.ts).
      const pins: Array<{ chatId: string; openIds: string[] }> = [];
      for (const b of batches) {
        const buzzed = [...buzz].filter(([, x]) => x === b).map(([u]) => u);
        const items: BatchItem[] = b.plans.map((p) => {
          const item = itemOf(p.task, p.r, chasedNow.has(p.task.id));
          const lead = leadOf(p.task);
          const leadAway = lead ? away.get(tenantKey)?.get(lead) : undefined;
          const leaveLine = leaveNote(
            p.r.actingFor ?? [],
            leadAway && !p.r.actingFor ? leadAway.lastDay : null,
            names,
            lang,
            b.to.type === 'chat_id' ? 'text' : 'md',
          );
          // The 督办 card says whether the latest 催办 was read (and when).
          const readLine =
            p.r.kind === 'escalate' ? readMarkLine(p.task.chaseCount, readsNow.get(p.task.id)?.chase ?? undefined, { lang, tz: cal.tz, now }, false) : '';
          const note = [leaveLine, readLine].filter(Boolean).join(b.to.type === 'chat_id' ? ' · ' : '\n');
          return { ...item, ...(p.r.kind === 'overdue' && p.r.actingFor ? { mention: p.r.userIds[0] } : {}), ...(note ? { note } : {}) };
        });
        const ids = new Set(b.plans.map((p) => p.task.id));
        // A message about one task is a reply target for progress on it; one about several lists
        // them, and a reply names its task (handlers/actions.ts progressByReply).
        const taskId = ids.size === 1 ? { taskId: b.plans[0]!.task.id } : { taskIds: [...ids] };
        const content = b.to.type === 'chat_id' ? { text: chatChaseText(items, view) } : briefingCard(items, view, batchRef(items));
        out.push({
          kind: 'send',
          to: b.to,
          msgType: b.to.type === 'chat_id' ? 'text' : 'interactive',
          content,
          uuid: stableUuid(b.key),
          ...taskId,
          ...(buzzed.length ? { urgentTo: buzzed } : {}),
          ...remindsOf(b),
        });
        // The ladder's first step: a lead's first 催办 pins the group at the top of their message
        // list (即时提醒, free); the channel steps up to 加急 only later (policy.ts readLadder, buzzWorthy).
        if (b.to.type === 'chat_id') {
          const first = [...new Set(b.plans.filter((p) => p.r.kind === 'overdue' && p.r.overdueDays === 1).map((p) => p.r.userIds[0]!))].filter(
            (u) => !buzzed.includes(u),
          );
          if (first.length) {
            out.push({ kind: 'pin', chatId: b.to.id, openIds: first });
            pins.push({ chatId: b.to.id, openIds: first });
          }
        }
      }
      const refreshed = new Set<number>();
      for (const p of sending) {
        if (refreshed.has(p.task.id)) continue;
        refreshed.add(p.task.id);
        out.push(...cardsOf(chasedNow.has(p.task.id) ? { ...p.task, chaseCount: p.task.chaseCount + 1 } : p.task));
      }
      for (const [, task] of red) {
        if (refreshed.has(task.id)) continue;
        refreshed.add(task.id);
        out.push(...cardsOf(task));
      }
      const claims = [
        ...[...sending].map((p) => ({ key: p.r.key, kind: p.r.kind, taskId: p.task.id })),
        ...batches.map((b) => ({ key: b.key, kind: 'batch' })),
        // No task on the claim: a claim with a task is a reminder logged on it.
        ...red.map(([key]) => ({ key, kind: 'red' })),
      ];
      const done = await commitChange(deps.db, {
        tenantKey,
        now,
        claims,
        // Each 加急 in `out` spends its person's budget of the day here (db/commit.ts).
        buzzDay: today,
        messages: out,
        also: async (tx) => {
          for (const p of pins) await recordPins(tx, tenantKey, p.chatId, p.openIds, now);
          for (const p of sending) await appendEvents(tx, tenantKey, p.task.id, [eventOf(p.r, now, slot)]);
          // Bumping the version makes a handler holding the old row reload (ingest retries).
          await bumpChaseCounts(tx, [...chasedNow]);
        },
      });
      if (done) {
        committed = true;
        claimed += sending.size;
        messages += batches.length;
        log.info({ tenant: tenantKey, slot, reminders: sending.size, messages: batches.length, red: red.length, urgent: buzz.size }, 'reminders claimed');
        break;
      }
      // Another process claimed part of this: learn what it took and plan the rest again.
      for (const k of await claimedKeys(
        deps.db,
        claims.map((c) => c.key),
      ))
        taken.add(k);
    }
  }
  if (committed) deps.kickOutbox();
  return { planned: plans.length, claimed, messages };
}
