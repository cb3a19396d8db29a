/**
 * The chase job (SPEC §4): load the tasks that may be due for a reminder (index ranges only,
 * db/reminders.ts), plan with bot/domain/policy.ts per chat's settings, and for each reminder
 * claim its slot, log it and enqueue its messages in ONE transaction (db/commit.ts). A slot
 * another process (or an earlier run before a crash) claimed is skipped, so each reminder is
 * sent at most once however many instances tick; the outbox then delivers it exactly once.
 *
 * It also warns — in the log and once per (year, chat) to the chat's admins — when the plan
 * reads a year the working calendar has no data for.
 *
 * @example await runChase(deps, new Date('2026-12-02T09:30:00+08:00')) // → { planned: 3, claimed: 3 }
 */
import { eq, sql } from 'drizzle-orm';
import type { Deps } from '../bot/deps.js';
import { addDays } from '../bot/domain/calendar.js';
import { missingCalendarYears, planReminders, type Reminder } from '../bot/domain/policy.js';
import type { ChatSettings, OutMessage, Task, TaskEvent } from '../bot/domain/types.js';
import { calendarMissingMessages, reminderMessages } from '../bot/cards/chase.js';
import { cardUpdates } from '../bot/cards/task.js';
import { commitChange } from '../db/commit.js';
import { appendEvents } from '../db/events.js';
import { claimedKeys, loadChaseCandidates, loosestSettings, progressSince, settingsForChats, type ChaseWindows } from '../db/reminders.js';
import { tasks } from '../db/schema.js';
import { lookupUsers } from '../bot/directory.js';

export interface ChaseResult {
  /** Reminders the policy planned (already claimed ones included). */
  planned: number;
  /** Slots this run claimed (and so messages it enqueued). */
  claimed: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** An unsigned task is reminded within 2 working hours; the longest run of days off (春节, 国庆) is 9. */
const UNSIGNED_LOOKBACK_DAYS = 15;
/** A silent stretch is asked about once; a bot down longer than this after it began does not ask late. */
const SILENT_LOOKBACK_DAYS = 30;

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

export async function runChase(deps: Deps, now: Date): Promise<ChaseResult> {
  const windows = chaseWindows(deps, now, await loosestSettings(deps.db));
  const candidates = await loadChaseCandidates(deps.db, windows);
  return sendReminders(deps, candidates, now);
}

/** Display names for the people on these tasks' cards (directory cache). */
async function namesFor(deps: Deps, list: readonly Task[]): Promise<Record<string, string>> {
  const byTenant = new Map<string, Set<string>>();
  for (const t of list) {
    const ids = byTenant.get(t.tenantKey) ?? new Set<string>();
    ids.add(t.creatorId);
    if (t.supervisorId) ids.add(t.supervisorId);
    for (const a of t.assignees) ids.add(a.userId);
    byTenant.set(t.tenantKey, ids);
  }
  const names: Record<string, string> = {};
  for (const [tenantKey, ids] of byTenant) {
    for (const [id, e] of await lookupUsers(deps, tenantKey, [...ids])) if (e.name && e.name !== id) names[id] = e.name;
  }
  return names;
}

/** The chat's owner and managers from Lark, when no admin is known yet; [] (→ the chat itself) on failure. */
async function chatAdmins(deps: Deps, chatId: string): Promise<string[]> {
  try {
    const chat = await deps.lark.getChat(chatId);
    return [...new Set([...(chat.ownerId ? [chat.ownerId] : []), ...chat.managerIds])];
  } catch (err) {
    deps.log.warn({ err, chat_id: chatId }, 'chat info lookup failed; warning the chat itself');
    return [];
  }
}

/** The log line of a reminder: 催办 as 'chased', 督办 as 'escalated', 回头看 as 'revisit_asked'. */
function eventOf(r: Reminder, now: Date): Omit<TaskEvent, 'taskId'> {
  const payload = { auto: true, reminder: r.kind, slot: r.slot, to: r.userIds, channel: r.channel, ...(r.overdueDays ? { overdueDays: r.overdueDays } : {}) };
  const kind: TaskEvent['kind'] = r.kind === 'overdue' ? 'chased' : r.kind === 'escalate' ? 'escalated' : r.kind === 'revisit' ? 'revisit_asked' : 'reminded';
  return { kind, actorId: 'bot', payload, at: now };
}

/**
 * Plans reminders for the given tasks and sends every unclaimed one: one transaction per
 * reminder (claim + event + chase count + outbox rows). Shared by the chase and revisit jobs.
 */
export async function sendReminders(deps: Deps, candidates: readonly Task[], now: Date): Promise<ChaseResult> {
  const cal = deps.calendar;
  const log = deps.log.child({ job: 'chase' });
  const lang = deps.config.DUBAN_LANG;
  const view = { lang, calendar: cal };
  const settingsByChat = await settingsForChats(
    deps.db,
    candidates.map((t) => t.chatId),
  );
  const settingsOfTask = (t: Task) => settingsByChat.get(t.chatId)!;

  let plans: Array<{ task: Task; r: Reminder }> = [];
  for (const task of candidates) for (const r of planReminders(task, [], settingsOfTask(task), cal, now)) plans.push({ task, r });

  // Progress asks: drop whoever already reported today (read only for the tasks concerned).
  const asking = [...new Set(plans.filter((p) => p.r.kind === 'stale').map((p) => p.task.id))];
  if (asking.length) {
    const reported = await progressSince(deps.db, asking, cal.at(cal.localDate(now), '00:00'));
    plans = plans.flatMap((p) => {
      if (p.r.kind !== 'stale' || !reported.has(p.task.id)) return [p];
      const again = planReminders(p.task, { lastProgressByUser: reported.get(p.task.id)! }, settingsOfTask(p.task), cal, now).find((r) => r.kind === 'stale');
      return again ? [{ task: p.task, r: again }] : [];
    });
  }

  // Years without calendar data, per chat: a one-time notice to the admins.
  const notices = new Map<string, { tenantKey: string; chatId: string; year: number; admins: string[] }>();
  for (const task of candidates) {
    const s = settingsOfTask(task);
    if (!cal.isWorkingTime(now, { start: s.workStart, end: s.workEnd }, s.quiet)) continue;
    for (const year of missingCalendarYears(task, cal, now)) {
      notices.set(`calendar-missing:${year}:${task.chatId}`, { tenantKey: task.tenantKey, chatId: task.chatId, year, admins: s.admins });
    }
  }

  const taken = await claimedKeys(deps.db, [...plans.map((p) => p.r.key), ...notices.keys()]);
  let claimed = 0;

  for (const [key, n] of notices) {
    if (taken.has(key)) continue;
    log.warn({ year: n.year, chat_id: n.chatId }, 'no working calendar for this year; counting Monday to Friday until one is imported');
    const admins = n.admins.length ? n.admins : await chatAdmins(deps, n.chatId);
    const done = await commitChange(deps.db, {
      tenantKey: n.tenantKey,
      now,
      claims: [{ key, kind: 'calendar_missing' }],
      messages: calendarMissingMessages(n.chatId, admins, n.year, lang),
    });
    if (done) claimed++;
  }

  // A reminder usually marks a change of light (due tomorrow → yellow, overdue → red) and of the
  // "还剩 / 已逾期 N 个工作日" line: the task's cards are brought up to date with it.
  const sending = plans.filter((p) => !taken.has(p.r.key));
  const names = await namesFor(
    deps,
    sending.map((p) => p.task),
  );
  const cardsOf = (task: Task): OutMessage[] => {
    // Only cards that exist are refreshed (a task whose card never went out gets none here).
    if (task.state === 'done' || task.state === 'cancelled' || !task.cardMessageId) return [];
    const s = settingsOfTask(task);
    return cardUpdates(task, { lang, now, tz: cal.tz, calendar: cal, settings: s, chatSupervisorId: s.supervisorId, names });
  };
  const refreshed = new Set<number>();

  for (const { task, r } of plans) {
    if (taken.has(r.key)) continue;
    const s = settingsOfTask(task);
    const cards = refreshed.has(task.id) ? [] : cardsOf(task);
    const done = await commitChange(deps.db, {
      tenantKey: task.tenantKey,
      now,
      claims: [{ key: r.key, kind: r.kind, taskId: task.id }],
      messages: [
        ...reminderMessages(task, r, view, {
          unsignedHours: s.unsignedReminderWorkHours,
          dueSoonHours: s.dueSoonHours,
          staleDays: s.staleProgressWorkdays,
        }),
        ...cards,
      ],
      also: async (tx) => {
        await appendEvents(tx, task.tenantKey, task.id, [eventOf(r, now)]);
        // Bumping the version makes a handler holding the old row reload (ingest retries).
        if (r.kind === 'overdue') {
          await tx
            .update(tasks)
            .set({ chaseCount: sql`${tasks.chaseCount} + 1`, version: sql`${tasks.version} + 1` })
            .where(eq(tasks.id, task.id));
        }
      },
    });
    if (done) {
      claimed++;
      refreshed.add(task.id);
      log.info({ task_id: task.id, kind: r.kind, slot: r.slot }, 'reminder claimed');
    }
  }
  if (claimed) deps.kickOutbox();
  return { planned: plans.length, claimed };
}
