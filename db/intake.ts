/**
 * What a batch intake needs to know of the tasks already there (bot/domain/intake.ts says what
 * identifies a row): tasks by 编号, and the 事项 + 来源 + 主办 of tasks with the sheet's titles.
 * Read in pages of ids, so a sheet of 2,000 rows costs a few short queries.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { normalizeCell, rowIdentity, type PresentTasks } from '../bot/domain/intake.js';
import type { Db, Tx } from './client.js';
import { sends, taskAssignees, tasks } from './schema.js';

const PAGE = 400;

function pages<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += PAGE) out.push(items.slice(i, i + PAGE));
  return out;
}

export async function presentTasks(db: Db | Tx, tenantKey: string, want: { numbers: readonly number[]; titles: readonly string[] }): Promise<PresentTasks> {
  const byNumber = new Map<number, { title: string }>();
  for (const page of pages([...new Set(want.numbers)])) {
    const rows = await db
      .select({ number: tasks.number, title: tasks.title })
      .from(tasks)
      .where(and(eq(tasks.tenantKey, tenantKey), inArray(tasks.number, page)));
    for (const r of rows) byNumber.set(r.number, { title: normalizeCell(r.title) });
  }
  const byIdentity = new Map<string, number>();
  for (const page of pages([...new Set(want.titles)])) {
    const rows = await db
      .select({ number: tasks.number, title: tasks.title, source: tasks.source, leadId: taskAssignees.userId })
      .from(tasks)
      .innerJoin(taskAssignees, and(eq(taskAssignees.taskId, tasks.id), eq(taskAssignees.role, 'lead')))
      .where(and(eq(tasks.tenantKey, tenantKey), inArray(tasks.title, page)));
    for (const r of rows) {
      const key = rowIdentity({ title: r.title, source: r.source, leadId: r.leadId });
      if (!byIdentity.has(key)) byIdentity.set(key, r.number);
    }
  }
  return { byNumber, byIdentity };
}

/** Whether an import's claim (handlers/intake.ts importKey) is taken: that file was imported. */
export async function importClaimed(db: Db | Tx, key: string): Promise<boolean> {
  const rows = await db.select({ key: sends.key }).from(sends).where(eq(sends.key, key)).limit(1);
  return rows.length > 0;
}
