/**
 * The series part of each chase tick (schedules/jobs.ts; `npm run job -- chase`, the Node cron
 * and the Workers Cron Trigger alike):
 *
 * - **instances**: each active series gets the task of every period whose creation day (its
 *   deadline day less the series' lead time in working days) has come, once — the claim
 *   `series:<id>:<period>` and the (series, period) key are taken in the task's transaction —
 *   and only in the chat's working time; the task is announced like any task.
 * - **feedback asks** (`feedbackAsks`, used by the chase for the morning briefing): on a cadence
 *   day, the lead of each open task with a cadence who has not reported in the cadence's window
 *   is asked for progress in their one p2p message of the slot.
 * - **未反馈 list**: from half an hour before the end of working hours on a cadence day, one
 *   text message per chat lists the tasks whose lead has still not reported — once per chat and
 *   day (claim `fbl:<tenant>:<chat>:<day>`), not one per task.
 *
 * The feedback window of a cadence day runs from the previous cadence day's list time (or the
 * task's creation, if later) to this day's list time.
 * @example await runSeries(deps, new Date('2027-02-01T09:00:00+08:00')) // → { created: 1, feedbackLists: 0 }
 */
import type { Deps } from '../bot/deps.js';
import { instanceOf, missingFeedbackText } from '../bot/cards/series.js';
import { newTaskMessages } from '../bot/cards/new-task.js';
import type { CardView } from '../bot/cards/primitives.js';
import { lookupUsers } from '../bot/directory.js';
import { addDays } from '../bot/domain/calendar.js';
import type { Reminder } from '../bot/domain/policy.js';
import { leadOf } from '../bot/domain/roles.js';
import { creationDay, deadlinesFrom, feedbackListTime, isCadenceDay, previousCadenceDay, type Deadline, type Recurrence } from '../bot/domain/series.js';
import type { ChatSettings, Task } from '../bot/domain/types.js';
import { commitChange } from '../db/commit.js';
import { stableUuid } from '../db/outbox.js';
import { settingsForChats } from '../db/reminders.js';
import { activeSeriesPage, linkInstance, openCadencesPage, periodsMade, setCadence, type SeriesRecord } from '../db/series.js';
import { getTasksByIds } from '../db/task-lists.js';

const PAGE = 200;
/** A series whose creation days passed while nothing ran catches up this far back, no further. */
const CATCH_UP_DAYS = 31;
/** Periods looked at per series per tick (a weekly series catching up a month has five). */
const PERIODS_PER_TICK = 8;

export interface SeriesResult {
  /** Instances this tick created. */
  created: number;
  /** 未反馈 lists this tick posted. */
  feedbackLists: number;
}

const hoursOf = (s: ChatSettings) => ({ start: s.workStart, end: s.workEnd });

export async function runSeries(deps: Deps, now: Date): Promise<SeriesResult> {
  const created = await createInstances(deps, now);
  const feedbackLists = await postMissingFeedback(deps, now);
  if (created || feedbackLists) deps.kickOutbox();
  return { created, feedbackLists };
}

/** The periods of a series due to be created at `today` and not yet made. */
export function periodsToCreate(
  s: Pick<SeriesRecord, 'rule' | 'startYmd' | 'leadWorkdays' | 'endYmd'>,
  today: string,
  deps: Pick<Deps, 'calendar'>,
): Deadline[] {
  const cal = deps.calendar;
  const back = addDays(today, -CATCH_UP_DAYS);
  const [, from] = [s.startYmd, back].sort();
  return deadlinesFrom(s.rule, from!, PERIODS_PER_TICK, cal).filter(
    (d) => d.due >= s.startYmd && (!s.endYmd || d.period <= s.endYmd) && creationDay(d.due, s.leadWorkdays, cal) <= today,
  );
}

async function createInstances(deps: Deps, now: Date): Promise<number> {
  const cal = deps.calendar;
  const today = cal.localDate(now);
  const lang = deps.config.DUBAN_LANG;
  let created = 0;
  for (let after = 0; ; ) {
    const page = await activeSeriesPage(deps.db, after, PAGE);
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    const settingsByChat = await settingsForChats(
      deps.db,
      page.map((s) => s.chatId),
    );
    for (const s of page) {
      const settings = settingsByChat.get(s.chatId)!;
      // Announced like any task: in the chat's working time, never at night or on a day off.
      if (!cal.isWorkingTime(now, hoursOf(settings), settings.quiet)) continue;
      const due = periodsToCreate(s, today, deps);
      if (due.length === 0) continue;
      const made = await periodsMade(
        deps.db,
        s.id,
        due.map((d) => d.period),
      );
      for (const d of due) {
        if (made.has(d.period)) continue;
        const { task, events } = instanceOf(s, d, settings, cal, lang, now);
        const names: Record<string, string> = {};
        for (const [id, e] of await lookupUsers(deps, s.tenantKey, [
          s.creatorId,
          s.leadId,
          ...s.coIds,
          ...(settings.supervisorId ? [settings.supervisorId] : []),
        ])) {
          if (e.name && e.name !== id) names[id] = e.name;
        }
        const view: CardView = { lang, now, tz: cal.tz, calendar: cal, settings, chatSupervisorId: settings.supervisorId, names };
        const done = await commitChange(deps.db, {
          tenantKey: s.tenantKey,
          now,
          claims: [{ key: `series:${s.id}:${d.period}`, kind: 'series_instance' }],
          task: { value: task, expectedVersion: null },
          events,
          buzzDay: today,
          messages: (saved) => (saved ? newTaskMessages(saved, view) : []),
          also: async (tx, saved) => {
            if (!saved) return;
            if (!(await linkInstance(tx, s.id, d.period, saved.id))) throw new Error(`series ${s.id} period ${d.period} made twice`);
            if (s.feedback)
              await setCadence(tx, { taskId: saved.id, tenantKey: s.tenantKey, chatId: s.chatId, rule: s.feedback, setBy: s.creatorId, setAt: now });
          },
        });
        if (done) {
          created++;
          deps.log.info({ series: s.id, period: d.period, task: done.task?.number }, 'series instance created');
        }
      }
    }
  }
  return created;
}

interface CadenceDue {
  task: Task;
  rule: Recurrence;
  settings: ChatSettings;
  /** Reports after this moment count for the day. */
  windowStart: Date;
  listAt: Date;
}

/** Open tasks (not waiting for their reviewer) whose cadence day is today, with their window, in their chat's working time. */
async function cadencesDueToday(deps: Deps, now: Date): Promise<CadenceDue[]> {
  const cal = deps.calendar;
  const today = cal.localDate(now);
  if (!cal.isWorkday(today)) return [];
  const out: CadenceDue[] = [];
  for (let after = 0; ; ) {
    const page = await openCadencesPage(deps.db, after, PAGE);
    if (page.length === 0) break;
    after = page[page.length - 1]!.taskId;
    const todays = page.filter((c) => isCadenceDay(c.rule, today, cal));
    if (todays.length === 0) continue;
    const tasks = new Map(
      (
        await getTasksByIds(
          deps.db,
          todays.map((c) => c.taskId),
        )
      ).map((t) => [t.id, t]),
    );
    const settingsByChat = await settingsForChats(
      deps.db,
      [...tasks.values()].map((t) => t.chatId),
    );
    for (const c of todays) {
      const task = tasks.get(c.taskId);
      if (!task || (task.state !== 'assigned' && task.state !== 'in_progress')) continue;
      const settings = settingsByChat.get(task.chatId)!;
      if (!cal.isWorkingTime(now, hoursOf(settings), settings.quiet)) continue;
      const listTime = feedbackListTime(settings);
      const prev = previousCadenceDay(c.rule, today, cal);
      const prevAt = prev ? cal.at(prev, listTime) : task.createdAt;
      const windowStart = prevAt.getTime() > task.createdAt.getTime() ? prevAt : task.createdAt;
      out.push({ task, rule: c.rule, settings, windowStart, listAt: cal.at(today, listTime) });
    }
  }
  return out;
}

/** Whether the task's lead reported progress after `since`. */
function leadReportedSince(task: Task, since: Date): boolean {
  const lead = task.assignees.find((a) => a.role === 'lead');
  return Boolean(lead?.progress && lead.progress.at.getTime() > since.getTime());
}

/**
 * The feedback asks of `now` for the chase's briefings: one `feedback` reminder per task whose
 * cadence day is today and whose lead has not reported in the window, until the list time.
 */
export async function feedbackAsks(deps: Deps, now: Date): Promise<Array<{ task: Task; r: Reminder }>> {
  const today = deps.calendar.localDate(now);
  const out: Array<{ task: Task; r: Reminder }> = [];
  for (const c of await cadencesDueToday(deps, now)) {
    if (now.getTime() >= c.listAt.getTime() || leadReportedSince(c.task, c.windowStart)) continue;
    const lead = leadOf(c.task);
    if (!lead) continue;
    const slot = `feedback:${today}`;
    out.push({
      task: c.task,
      r: {
        kind: 'feedback',
        slot,
        key: `t:${c.task.id}:${slot}`,
        to: 'lead',
        channel: 'p2p',
        userIds: [lead],
        urgentTo: [],
        slotAt: deps.calendar.at(today, c.settings.workStart),
      },
    });
  }
  return out;
}

/** The one 未反馈 list per chat of a cadence day (see the module comment). */
async function postMissingFeedback(deps: Deps, now: Date): Promise<number> {
  const today = deps.calendar.localDate(now);
  const lang = deps.config.DUBAN_LANG;
  const byChat = new Map<string, { tenantKey: string; chatId: string; tasks: Task[] }>();
  for (const c of await cadencesDueToday(deps, now)) {
    if (now.getTime() < c.listAt.getTime() || leadReportedSince(c.task, c.windowStart)) continue;
    const key = `fbl:${c.task.tenantKey}:${c.task.chatId}:${today}`;
    const g = byChat.get(key) ?? { tenantKey: c.task.tenantKey, chatId: c.task.chatId, tasks: [] };
    g.tasks.push(c.task);
    byChat.set(key, g);
  }
  let posted = 0;
  for (const [key, g] of byChat) {
    g.tasks.sort((a, b) => a.number - b.number);
    const done = await commitChange(deps.db, {
      tenantKey: g.tenantKey,
      now,
      claims: [{ key, kind: 'feedback_list' }],
      messages: [
        {
          kind: 'send',
          to: { type: 'chat_id', id: g.chatId },
          msgType: 'text',
          content: { text: missingFeedbackText(g.tasks, today, lang) },
          uuid: stableUuid(key),
        },
      ],
    });
    if (done) posted++;
  }
  return posted;
}
