/**
 * 提醒 / 催办 / 督办 policy (SPEC §4): which reminders a task is due for at `now`. Pure: the task,
 * what its log says about progress, the chat's settings, the working calendar and `now` in;
 * reminders out, each with a slot key the caller claims once in the `sends` table.
 *
 * Default table (every number is a ChatSettings field):
 *
 * | kind           | when (office time zone)                                         | to / channel                 |
 * | -------------- | --------------------------------------------------------------- | ---------------------------- |
 * | `unsigned`     | state 待签收 for `unsignedReminderWorkHours` (2) working hours   | unsigned assignees, p2p      |
 * | `due_tomorrow` | the working day before the due day, `dueTomorrowTime` (09:30)   | assignees, p2p               |
 * | `due_soon`     | `dueSoonHours` (2) before a due time that lies in working hours | assignees, p2p               |
 * | `overdue`      | each working day after the due day, `overdueChaseTime` (09:30) | the chat, @ladder (below)    |
 * | `escalate`     | overdue ≥ `escalateAfterWorkdays` (2) working days              | 督办领导, p2p card (below)    |
 * | `stale`        | no progress for `staleProgressWorkdays` (3) working days, on a  | assignees who have not       |
 * |                | task longer than `staleMinTaskWorkdays` (5) working days        | reported today, p2p          |
 * | `revisit`      | a done task's 回头看 time                                        | 交办人, p2p card              |
 *
 * The 督办 ladder, with N = overdue working days and E = `escalateAfterWorkdays`:
 *
 * | N          | 催办 in the chat (every working day)     | 督办 card to the 督办领导 (p2p)                  |
 * | ---------- | ---------------------------------------- | ------------------------------------------------ |
 * | 1 … E−1    | @承办人 (lead assignee), chat            | —                                                |
 * | E … 2E−1   | @承办人 @交办人, chat                    | at N = E                                         |
 * | ≥ 2E       | @承办人 @交办人, chat                    | again at N = 2E, 3E …                            |
 *
 * So the recipient steps up 承办人 → 交办人 → 督办领导 as days pass; the channel steps up to
 * 加急 under `buzzWorthy` (紧急, or overdue ≥ `urgentOverdueWorkdays`), which the chase job
 * applies once per person per day. A submitted task (待审核) and a pending extension request
 * wait on the 交办人: `review` / `extension` ask them each working morning after the request,
 * and from E working days of waiting the 督办领导 sees it (`review_escalate`, `extension_escalate`).
 * The 督办领导 is the task's own, else the chat's configured leader, else the 交办人.
 *
 * Gate: nothing at all unless `now` is working time (working day incl. 调休 make-up days,
 * working hours, outside 免打扰). A slot whose time passed while the gate was shut is simply
 * still due when it opens — sent once, at the next allowed moment. Recurring kinds have one
 * slot per working day (or per E working days) and only the newest is ever planned: after a
 * 7-day holiday the chat gets today's "逾期第 N 天", not seven of them. The day-based slots
 * (`due_tomorrow`, `overdue`) expire with their day's successor: a "due tomorrow" missed
 * entirely is not sent on the due day itself (it would be false; `due_soon` covers it).
 *
 * Keys are `t:<task id>:<kind>:<slot>`; slots that depend on the deadline carry it, so an
 * approved extension re-arms them. Submitted tasks (待审核) are waiting on the reviewer, not
 * the assignees: no due, overdue or progress reminders for them, only the reviewer's.
 *
 * @example planReminders(task, [], DEFAULT_SETTINGS, calendar, new Date('2026-12-02T09:30:00+08:00'))
 * // → [{ kind: 'overdue', slot: 'overdue:1:2026-12-01T18:00', key: 't:12:overdue:1:2026-12-01T18:00', to: 'chat', … }]
 */
import type { Absence } from './leave.js';
import { leadOf, supervisorOf } from './roles.js';
import type { ChatSettings, Task, TaskEvent } from './types.js';

export type ReminderKind =
  | 'unsigned'
  | 'due_tomorrow'
  | 'due_soon'
  | 'overdue'
  | 'escalate'
  | 'stale'
  | 'revisit'
  | 'review'
  | 'review_escalate'
  | 'extension'
  | 'extension_escalate'
  /** 反馈周期: the lead's progress ask on a cadence day (planned by schedules/series.ts, not here). */
  | 'feedback';
export type ReminderTo = 'assignee' | 'lead' | 'creator' | 'supervisor' | 'chat';

/** Kinds that wait on a decision of the reviewer (a submission, an extension request). */
export const DECISION_KINDS: ReadonlySet<ReminderKind> = new Set(['review', 'review_escalate', 'extension', 'extension_escalate']);
export type ReminderChannel = 'chat' | 'p2p' | 'urgent';

export interface Reminder {
  kind: ReminderKind;
  /** The slot within the task, e.g. 'overdue:3:2026-12-01T18:00'. */
  slot: string;
  /** Unique across tenants (task ids are global): the claim key in `sends`. */
  key: string;
  to: ReminderTo;
  /** chat: a message in the task's chat; p2p: to each user; urgent: like the other, plus 加急. */
  channel: ReminderChannel;
  /** open_ids: the p2p recipients, or the people @-mentioned in the chat. */
  userIds: string[];
  /** open_ids to buzz with 加急 (urgent_app) once sent. */
  urgentTo: string[];
  /** When the slot fell due (≤ now). */
  slotAt: Date;
  overdueDays?: number;
  /** Working days a decision (review, extension) has waited. */
  waitedDays?: number;
  /** People on leave this reminder was meant for; its recipients act for them (routeAroundLeave). */
  actingFor?: Array<{ userId: string; lastDay: string }>;
}

/**
 * The read receipt of a task's latest 催办 (db/reads.ts), given only while receipts reach the
 * bot at all (some read of the tenant's messages recorded lately): without them nothing can be
 * said about reading, and the ladder keeps its plain schedule.
 */
export interface LatestChaseRead {
  sentAt: Date;
  /** First read by whom it was for; null: unread. */
  readAt: Date | null;
}

/**
 * Where the read receipt puts the ladder today (SPEC §4, "who read each 催办 is recorded"):
 * - 'unread': the latest 催办 went out on an earlier day and its lead has not read it — today's
 *   催办 steps up the channel (加急, within the chat's 加急 setting) before the recipient: a 督办
 *   due today waits one working day;
 * - 'read_stale': it was read on an earlier working day and nothing was reported since — the
 *   recipient steps up (督办) at once, even before `escalateAfterWorkdays`;
 * - 'plain': anything else (read today, progress since, no receipts).
 */
export function readLadder(
  task: Pick<Task, 'lastProgressAt'>,
  read: LatestChaseRead | null,
  _settings: Pick<ChatSettings, 'escalateAfterWorkdays'>,
  calendar: PolicyCalendar,
  now: Date,
): 'unread' | 'read_stale' | 'plain' {
  if (!read) return 'plain';
  const today = calendar.localDate(now);
  if (!read.readAt) return calendar.localDate(read.sentAt) < today ? 'unread' : 'plain';
  const progressed = task.lastProgressAt !== null && task.lastProgressAt.getTime() >= read.readAt.getTime();
  if (progressed) return 'plain';
  return calendar.workdaysBetween(calendar.localDate(read.readAt), today) >= 1 ? 'read_stale' : 'plain';
}

/** Whether the chat's 加急 setting allows any 加急 at all (/设置 加急 关闭 turns every one off). */
function urgentAllowed(settings: Pick<ChatSettings, 'urgentPriority' | 'urgentOverdueWorkdays'>): boolean {
  return settings.urgentPriority || settings.urgentOverdueWorkdays > 0;
}

/** What the policy needs from a task's log: when each person last reported progress. */
export interface ProgressLog {
  lastProgressByUser: Record<string, Date>;
}

/** The part of WorkCalendar (bot/domain/calendar.ts) the policy uses. */
export interface PolicyCalendar {
  localDate(d: Date): string;
  localTime(d: Date): string;
  at(ymd: string, hhmm: string): Date;
  isWorkday(ymd: string): boolean;
  hasData(year: number): boolean;
  prevWorkday(ymd: string): string;
  addWorkdays(ymd: string, n: number): string;
  workdaysBetween(fromYmd: string, toYmd: string): number;
  isWorkingTime(d: Date, hours: { start: string; end: string }, quiet?: { start: string; end: string } | null): boolean;
  addWorkingMinutes(d: Date, minutes: number, hours: { start: string; end: string }): Date;
}

const PROGRESS_KINDS = new Set<TaskEvent['kind']>(['progress', 'submitted']);

/** Builds the ProgressLog from a task's events. */
export function progressLogOf(events: readonly TaskEvent[]): ProgressLog {
  const lastProgressByUser: Record<string, Date> = {};
  for (const e of events) {
    if (!PROGRESS_KINDS.has(e.kind)) continue;
    const prev = lastProgressByUser[e.actorId];
    if (!prev || prev.getTime() < e.at.getTime()) lastProgressByUser[e.actorId] = e.at;
  }
  return { lastProgressByUser };
}

/** 'HH:MM' → minutes after midnight. */
function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * The escalation step for N overdue working days: the 督办 card's slot (a multiple of E, or
 * null before E) and whether the chat 催办 mentions the 交办人.
 * @example escalationStep(5, 2) // → { cardAt: 4, mentionCreator: true }
 */
export function escalationStep(overdueDays: number, escalateAfterWorkdays: number): { cardAt: number | null; mentionCreator: boolean } {
  const e = Math.max(1, Math.floor(escalateAfterWorkdays));
  const cardAt = overdueDays >= e ? Math.floor(overdueDays / e) * e : null;
  return { cardAt, mentionCreator: overdueDays >= e };
}

/** The local minute of a Date as 'YYYY-MM-DDTHH:MM', used in slot names. */
function localStamp(cal: PolicyCalendar, d: Date): string {
  return `${cal.localDate(d)}T${cal.localTime(d)}`;
}

/**
 * The reminders due for `task` at `now` (see the module comment for the table and ladder).
 * The caller claims each `key` once; planning again with the same inputs yields the same keys.
 */
export function planReminders(
  task: Task,
  log: ProgressLog | readonly TaskEvent[],
  settings: ChatSettings,
  calendar: PolicyCalendar,
  now: Date,
  read: LatestChaseRead | null = null,
): Reminder[] {
  const hours = { start: settings.workStart, end: settings.workEnd };
  if (!calendar.isWorkingTime(now, hours, settings.quiet)) return [];
  const progress = Array.isArray(log) ? progressLogOf(log as readonly TaskEvent[]) : (log as ProgressLog);
  const today = calendar.localDate(now);
  const out: Reminder[] = [];
  const t = now.getTime();
  const push = (r: Omit<Reminder, 'key'>) => out.push({ ...r, key: `t:${task.id}:${r.slot}` });

  if (task.state === 'done') {
    if (task.revisitAt && task.revisitAt.getTime() <= t) {
      push({
        kind: 'revisit',
        slot: `revisit:${localStamp(calendar, task.revisitAt)}`,
        to: 'creator',
        channel: 'p2p',
        userIds: [task.creatorId],
        urgentTo: [],
        slotAt: task.revisitAt,
      });
    }
    return out;
  }
  if (task.state === 'submitted') {
    // The reviewer's clock: the next working morning after the submission, then daily.
    if (task.submittedAt) planDecision(out, push, task, 'review', task.submittedAt, settings, calendar, now);
    return out;
  }
  if (task.state !== 'assigned' && task.state !== 'in_progress') return out;
  if (task.pendingExtension) planDecision(out, push, task, 'extension', task.pendingExtension.requestedAt, settings, calendar, now);

  const lead = leadOf(task);
  const assigneeIds = task.assignees.map((a) => a.userId);

  // 待签收: nobody has signed for `unsignedReminderWorkHours` working hours.
  if (task.state === 'assigned' && settings.unsignedReminderWorkHours > 0) {
    const pending = task.assignees.filter((a) => !a.acceptedAt).map((a) => a.userId);
    const need = Math.round(settings.unsignedReminderWorkHours * 60);
    // Walks forward from creation only as far as the budget: cheap however old the task is.
    if (pending.length && calendar.addWorkingMinutes(task.createdAt, need, hours).getTime() <= t) {
      push({ kind: 'unsigned', slot: 'unsigned', to: 'assignee', channel: 'p2p', userIds: pending, urgentTo: [], slotAt: now });
    }
  }

  const due = task.dueAt;
  if (due && assigneeIds.length) {
    const dueYmd = calendar.localDate(due);
    const dueStamp = localStamp(calendar, due);
    if (t < due.getTime()) {
      // The working day before the due day, in the morning.
      const dayBefore = calendar.prevWorkday(dueYmd);
      const slotAt = calendar.at(dayBefore, settings.dueTomorrowTime);
      if (today === dayBefore && t >= slotAt.getTime() && task.createdAt.getTime() < slotAt.getTime()) {
        push({ kind: 'due_tomorrow', slot: `due_tomorrow:${dueStamp}`, to: 'assignee', channel: 'p2p', userIds: assigneeIds, urgentTo: [], slotAt });
      }
      // A due time inside working hours (the end of the working day included: 18:00 is the default deadline).
      const dueMin = minutes(calendar.localTime(due));
      const inHours = calendar.isWorkday(dueYmd) && dueMin >= minutes(hours.start) && dueMin <= minutes(hours.end);
      const soonAt = new Date(due.getTime() - settings.dueSoonHours * 3_600_000);
      if (settings.dueSoonHours > 0 && inHours && t >= soonAt.getTime() && task.createdAt.getTime() < soonAt.getTime()) {
        push({ kind: 'due_soon', slot: `due_soon:${dueStamp}`, to: 'assignee', channel: 'p2p', userIds: assigneeIds, urgentTo: [], slotAt: soonAt });
      }
    } else if (today > dueYmd) {
      // Overdue: today's slot only (the gate means today is a working day).
      const chaseAt = calendar.at(today, settings.overdueChaseTime);
      if (t >= chaseAt.getTime()) {
        const n = calendar.workdaysBetween(dueYmd, today);
        const step = escalationStep(n, settings.escalateAfterWorkdays);
        const mentioned = [lead ?? assigneeIds[0]!];
        if (step.mentionCreator && !mentioned.includes(task.creatorId)) mentioned.push(task.creatorId);
        const ladder = readLadder(task, read, settings, calendar, now);
        push({
          kind: 'overdue',
          slot: `overdue:${n}:${dueStamp}`,
          to: 'chat',
          channel: ladder === 'unread' && urgentAllowed(settings) ? 'urgent' : 'chat',
          userIds: mentioned,
          urgentTo: ladder === 'unread' && urgentAllowed(settings) ? [mentioned[0]!] : [],
          slotAt: chaseAt,
          overdueDays: n,
        });
        // Read, and nothing reported since for a working day: the 督办 comes now, not at E.
        if (step.cardAt === null && ladder === 'read_stale') {
          push({
            kind: 'escalate',
            slot: `escalate:${Math.max(1, Math.floor(settings.escalateAfterWorkdays))}:${dueStamp}`,
            to: 'supervisor',
            channel: 'p2p',
            userIds: [supervisorOf(task, settings)],
            urgentTo: [],
            slotAt: chaseAt,
            overdueDays: n,
          });
        }
        // Unread: the channel steps up (加急 above) before the recipient; the 督办 due today waits a working day.
        if (step.cardAt !== null && !(ladder === 'unread' && step.cardAt === n)) {
          const supervisor = supervisorOf(task, settings);
          push({
            kind: 'escalate',
            slot: `escalate:${step.cardAt}:${dueStamp}`,
            to: 'supervisor',
            channel: 'p2p',
            userIds: [supervisor],
            urgentTo: [],
            slotAt: step.cardAt === n ? chaseAt : calendar.at(calendar.addWorkdays(dueYmd, step.cardAt), settings.overdueChaseTime),
            overdueDays: n,
          });
        }
      }
    }
  }

  // No progress for S working days on a long task (not once it is overdue: 催办 takes over).
  const s = settings.staleProgressWorkdays;
  if (s > 0 && assigneeIds.length && (!due || t < due.getTime())) {
    // "Longer than M working days" and "S working days since", as bounded forward walks.
    const long = !due || calendar.addWorkdays(calendar.localDate(task.createdAt), settings.staleMinTaskWorkdays + 1) <= calendar.localDate(due);
    const since = task.lastProgressAt ?? task.acceptedAt ?? task.createdAt;
    const sinceYmd = calendar.localDate(since);
    const askAt = calendar.at(today, settings.dueTomorrowTime);
    if (long && t >= askAt.getTime() && calendar.addWorkdays(sinceYmd, s) <= today) {
      const silent = assigneeIds.filter((u) => {
        const last = progress.lastProgressByUser[u];
        return !last || calendar.localDate(last) !== today;
      });
      if (silent.length) {
        push({ kind: 'stale', slot: `stale:${sinceYmd}`, to: 'assignee', channel: 'p2p', userIds: silent, urgentTo: [], slotAt: askAt });
      }
    }
  }
  return out;
}

/**
 * A decision waiting on the 交办人 (a submission to review, an extension request): asked on
 * each working morning after the day it was asked for; from `escalateAfterWorkdays` working days
 * of waiting the 督办领导 sees it too (at E, 2E … as with 督办).
 */
function planDecision(
  out: Reminder[],
  push: (r: Omit<Reminder, 'key'>) => void,
  task: Task,
  kind: 'review' | 'extension',
  since: Date,
  settings: ChatSettings,
  calendar: PolicyCalendar,
  now: Date,
): void {
  void out;
  const today = calendar.localDate(now);
  const askAt = calendar.at(today, settings.dueTomorrowTime);
  if (now.getTime() < askAt.getTime()) return;
  const n = calendar.workdaysBetween(calendar.localDate(since), today);
  if (n < 1) return;
  const stamp = localStamp(calendar, since);
  push({ kind, slot: `${kind}:${stamp}:${n}`, to: 'creator', channel: 'p2p', userIds: [task.creatorId], urgentTo: [], slotAt: askAt, waitedDays: n });
  const step = escalationStep(n, settings.escalateAfterWorkdays);
  const supervisor = supervisorOf(task, settings);
  if (step.cardAt !== null && step.cardAt === n && supervisor !== task.creatorId) {
    push({
      kind: kind === 'review' ? 'review_escalate' : 'extension_escalate',
      slot: `${kind}_escalate:${stamp}:${n}`,
      to: 'supervisor',
      channel: 'p2p',
      userIds: [supervisor],
      urgentTo: [],
      slotAt: askAt,
      waitedDays: n,
    });
  }
}

/**
 * Whether a reminder justifies 加急 under the chat's policy (SPEC §4: by default 紧急 tasks and
 * tasks overdue `urgentOverdueWorkdays` (5) working days or more). Decisions, progress asks and
 * 回头看 never buzz. The caller buzzes a person at most once a day, on their message of the slot.
 */
export function buzzWorthy(
  task: Pick<Task, 'priority'>,
  r: Pick<Reminder, 'kind' | 'overdueDays'> & Partial<Pick<Reminder, 'channel'>>,
  settings: Pick<ChatSettings, 'urgentPriority' | 'urgentOverdueWorkdays'>,
): boolean {
  if (r.kind === 'stale' || r.kind === 'feedback' || r.kind === 'revisit' || DECISION_KINDS.has(r.kind)) return false;
  // The ladder's channel step: an unread 催办 (readLadder).
  if (r.channel === 'urgent') return true;
  if (settings.urgentPriority && task.priority === 'urgent') return true;
  const n = settings.urgentOverdueWorkdays;
  return n > 0 && (r.kind === 'overdue' || r.kind === 'escalate') && (r.overdueDays ?? 0) >= n;
}

/**
 * Years a plan for `task` at `now` reads the calendar in that have no data (neither the
 * package's nor an imported override): the caller warns about them instead of guessing.
 */
export function missingCalendarYears(task: Pick<Task, 'dueAt' | 'revisitAt' | 'createdAt'>, calendar: PolicyCalendar, now: Date): number[] {
  const years = new Set<number>([Number(calendar.localDate(now).slice(0, 4))]);
  for (const d of [task.dueAt, task.revisitAt]) if (d) years.add(Number(calendar.localDate(d).slice(0, 4)));
  return [...years].filter((y) => !calendar.hasData(y)).sort();
}

/**
 * Leave (SPEC §4: "a person on leave is not chased — their deputy is, if one is set"). Each
 * recipient who is away is replaced by their deputies, who act for them (`actingFor`); the task
 * stays the absent person's. A reminder left with nobody to receive it is not sent, and its slot
 * stays unclaimed. The key does not change: a slot reaches the deputy or nobody, never both.
 * @example routeAroundLeave(r, new Map([['ou_zhang', { userId: 'ou_zhang', deputies: ['ou_zhao'], … }]]))
 * // → { …r, userIds: ['ou_zhao'], actingFor: [{ userId: 'ou_zhang', lastDay: '2026-12-25' }] }
 */
export function routeAroundLeave(r: Reminder, away: ReadonlyMap<string, Absence>): Reminder | null {
  if (away.size === 0 || !r.userIds.some((u) => away.has(u))) return r;
  const userIds: string[] = [];
  const actingFor: Array<{ userId: string; lastDay: string }> = [];
  for (const u of r.userIds) {
    const a = away.get(u);
    if (!a) {
      if (!userIds.includes(u)) userIds.push(u);
      continue;
    }
    actingFor.push({ userId: u, lastDay: a.lastDay });
    for (const d of a.deputies) if (!userIds.includes(d)) userIds.push(d);
  }
  if (!userIds.length) return null;
  return { ...r, userIds, urgentTo: r.urgentTo.filter((u) => !away.has(u)), actingFor };
}

/**
 * When the one end-of-leave briefing goes out: the first working morning (`dueTomorrowTime`,
 * 09:30) at or after the moment the person is back, and only inside working time.
 * @example leaveBriefingDue(new Date('2026-12-26T00:00:00+08:00'), now, settings, calendar) // → true on Mon 28 Dec from 09:30
 */
export function leaveBriefingAt(backAt: Date, settings: Pick<ChatSettings, 'dueTomorrowTime'>, calendar: PolicyCalendar): Date {
  let ymd = calendar.localDate(backAt);
  if (!calendar.isWorkday(ymd) || calendar.at(ymd, settings.dueTomorrowTime).getTime() < backAt.getTime()) ymd = calendar.addWorkdays(ymd, 1);
  return calendar.at(ymd, settings.dueTomorrowTime);
}

export function leaveBriefingDue(
  backAt: Date,
  now: Date,
  settings: Pick<ChatSettings, 'dueTomorrowTime' | 'workStart' | 'workEnd' | 'quiet'>,
  calendar: PolicyCalendar,
): boolean {
  if (!calendar.isWorkingTime(now, { start: settings.workStart, end: settings.workEnd }, settings.quiet)) return false;
  return now.getTime() >= leaveBriefingAt(backAt, settings, calendar).getTime();
}

/** Whether a deadline fell while the person was away: the briefing and the card suggest 延期 for it. */
export function dueFellDuringLeave(dueAt: Date | null, leave: { startAt: Date; backAt: Date }): boolean {
  return dueAt !== null && dueAt.getTime() >= leave.startAt.getTime() && dueAt.getTime() < leave.backAt.getTime();
}
