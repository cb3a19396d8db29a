/**
 * An imported holiday schedule takes effect: run at the start of every chase job (every five
 * minutes on Node, in the sandbox and on Workers, and by `npm run job -- chase`). It loads the
 * overrides into `deps.calendar`, and for each imported year not applied before (claimed once,
 * by the year and the content of its days) recounts the open tasks whose deadline was given in
 * working days across that year: each changed deadline moves, is logged, and is announced on
 * its card and in its chat. Deadlines given as dates never move; neither does one an extension set.
 */
import { cardUpdates } from '../bot/cards/task.js';
import { WorkCalendar } from '../bot/domain/calendar.js';
import type { Deps } from '../bot/deps.js';
import { t } from '../bot/i18n.js';
import { localDateTime } from '../bot/cards/time.js';
import { loadOverrides, openTasksWithDueRules } from '../db/calendar.js';
import { commitChange } from '../db/commit.js';
import { claimedKeys, settingsForChats } from '../db/reminders.js';

export async function applyCalendarImports(deps: Deps, now: Date): Promise<{ recounted: number }> {
  const overrides = await loadOverrides(deps.db);
  const before = deps.calendar;
  const calendar = new WorkCalendar({ tz: deps.config.DUBAN_TZ, overrides });
  deps.calendar = calendar;
  const byYear = new Map<number, string[]>();
  for (const o of overrides) {
    const y = Number(o.date.slice(0, 4));
    byYear.set(y, [...(byYear.get(y) ?? []), `${o.date}:${o.kind}`]);
  }
  const keyOf = (year: number) => `calendar-import:${year}:${fnv1a(byYear.get(year)!.sort().join(','))}`;
  const taken = await claimedKeys(deps.db, [...byYear.keys()].map(keyOf));
  const fresh = [...byYear.keys()].filter((y) => !taken.has(keyOf(y))).sort();
  if (fresh.length === 0) return { recounted: 0 };

  const lang = deps.config.DUBAN_LANG;
  const candidates = await openTasksWithDueRules(deps.db, now);
  const settings = await settingsForChats(
    deps.db,
    candidates.map((c) => c.task.chatId),
  );
  let recounted = 0;
  for (const { task, rule } of candidates) {
    const fromYear = Number(rule.from.slice(0, 4));
    const dueYear = Number(calendar.localDate(task.dueAt!).slice(0, 4));
    const year = fresh.find((y) => y >= fromYear && y <= Math.max(dueYear, fromYear + 1));
    if (year === undefined) continue;
    const due = calendar.at(calendar.addWorkdays(rule.from, rule.workdays), rule.time);
    if (due.getTime() === task.dueAt!.getTime()) continue;
    const s = settings.get(task.chatId);
    if (!s) continue;
    const moved = { ...task, dueAt: due, originalDueAt: due };
    const text = t(lang, 'calendar.due_recounted', { year, number: task.number, from: localDateTime(task.dueAt!, calendar), to: localDateTime(due, calendar) });
    const done = await commitChange(deps.db, {
      tenantKey: task.tenantKey,
      now,
      claims: [{ key: `due-recounted:${task.id}:${due.toISOString()}`, kind: 'due_recounted', taskId: task.id }],
      task: { value: moved, expectedVersion: task.version },
      events: [{ kind: 'due_recounted', actorId: 'bot', at: now, payload: { year, from: task.dueAt!, dueAt: due } }],
      messages: (saved) => [
        { kind: 'send', to: { type: 'chat_id', id: task.chatId }, msgType: 'text', content: { text }, taskId: task.id },
        ...(saved?.cardMessageId || task.cardMessageId
          ? cardUpdates(saved ?? moved, { lang, now, tz: calendar.tz, calendar, settings: s, chatSupervisorId: s.supervisorId })
          : []),
      ],
    }).catch((err) => {
      deps.log.warn({ err, task_id: task.id }, 'deadline recount failed; retried on the next tick');
      return undefined;
    });
    if (done) {
      recounted++;
      deps.log.info({ task_id: task.id, year, from: task.dueAt, to: due }, 'deadline recounted after a calendar import');
    }
  }
  if (recounted) deps.kickOutbox();
  // Applied: the next ticks skip these years until their days change again.
  for (const year of fresh) {
    await commitChange(deps.db, { tenantKey: '-', now, claims: [{ key: keyOf(year), kind: 'calendar_import' }] });
    if (before.isProvisional(year)) deps.log.info({ year }, 'holiday schedule imported; the year is no longer provisional');
  }
  return { recounted };
}

/** A short stable digest of a year's imported days. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16);
}
