/** The working-day calendar with the database's overrides (imported holidays and 调休 days). */
import { and, eq, gt, isNotNull, like, sql } from 'drizzle-orm';
import { type CalendarOverride, WorkCalendar } from '../bot/domain/calendar.js';
import type { DueRule } from '../bot/domain/task.js';
import type { Task } from '../bot/domain/types.js';
import type { Db, DbHandle } from './client.js';
import { calendarOverrides, taskEvents, tasks } from './schema.js';
import { hydrate } from './tasks.js';

export async function loadOverrides(db: Db): Promise<CalendarOverride[]> {
  const rows = await db.select().from(calendarOverrides);
  return rows.map((r) => ({ date: r.date, kind: r.kind as 'holiday' | 'workday', name: r.name }));
}

/** `calendar import`: each day stored in one transaction, a day already there replaced. */
export async function saveOverrides(db: Db, days: readonly CalendarOverride[]): Promise<void> {
  await db.transaction(async (tx) => {
    for (const d of days) {
      const row = { date: d.date, year: Number(d.date.slice(0, 4)), kind: d.kind, name: d.name ?? null };
      await tx
        .insert(calendarOverrides)
        .values(row)
        .onConflictDoUpdate({ target: calendarOverrides.date, set: { kind: row.kind, name: row.name, year: row.year } });
    }
  });
}

/** How many holidays and 调休 days are imported for `year`. */
export async function countOverridesOf(db: Db, year: number): Promise<number> {
  const [r] = await db.select({ n: sql<number>`count(*)` }).from(calendarOverrides).where(eq(calendarOverrides.year, year));
  return Number(r?.n ?? 0);
}

export async function loadCalendar(handle: DbHandle, tz: string): Promise<WorkCalendar> {
  return new WorkCalendar({ tz, overrides: await loadOverrides(handle.db) });
}

/**
 * Open tasks whose deadline was given in working days and never moved by an extension or a /改期, with
 * the rule it was counted by, due after `after`: what an imported schedule may recount.
 */
export async function openTasksWithDueRules(db: Db, after: Date): Promise<Array<{ task: Task; rule: DueRule }>> {
  const rows = await db
    .select({ task: tasks, payload: taskEvents.payload })
    .from(tasks)
    .innerJoin(taskEvents, and(eq(taskEvents.taskId, tasks.id), eq(taskEvents.kind, 'assigned')))
    .where(
      and(
        eq(tasks.isOpen, 1),
        eq(tasks.extensionCount, 0),
        isNotNull(tasks.dueAt),
        gt(tasks.dueAt, after),
        like(taskEvents.payload, '%"dueRule"%'),
        // A deadline someone set again with /改期 is theirs, not the rule's.
        sql`NOT EXISTS (SELECT 1 FROM task_events d WHERE d.task_id = ${tasks.id} AND d.kind = 'due_changed')`,
      ),
    );
  const hydrated = await hydrate(
    db,
    rows.map((r) => r.task),
  );
  const out: Array<{ task: Task; rule: DueRule }> = [];
  hydrated.forEach((task, i) => {
    const rule = (JSON.parse(rows[i]!.payload) as { dueRule?: DueRule }).dueRule;
    if (rule && Number.isInteger(rule.workdays) && rule.workdays > 0) out.push({ task, rule });
  });
  return out;
}
