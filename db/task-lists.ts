/** Open-task lists for /任务 (mine, this chat, overdue, all), bounded and tenant-scoped. */
import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { Task } from '../bot/domain/types.js';
import type { Db, Tx } from './client.js';
import { taskAssignees, tasks } from './schema.js';
import { hydrate } from './tasks.js';

/** A list shows at most this many tasks (pages of 10); beyond that the office needs /台账. */
export const LIST_LIMIT = 500;

export type ListScope =
  | { kind: 'mine'; userId: string }
  | { kind: 'chat'; chatId: string }
  | { kind: 'overdue'; chatId: string | null; userId: string; now: Date }
  | { kind: 'all' };

export async function listOpenTasks(db: Db | Tx, tenantKey: string, scope: ListScope): Promise<Task[]> {
  const open = and(eq(tasks.tenantKey, tenantKey), eq(tasks.isOpen, 1));
  const involving = (userId: string) =>
    or(
      eq(tasks.creatorId, userId),
      eq(tasks.supervisorId, userId),
      inArray(tasks.id, db.select({ id: taskAssignees.taskId }).from(taskAssignees).where(eq(taskAssignees.userId, userId))),
    );
  let where;
  switch (scope.kind) {
    case 'mine':
      where = and(open, involving(scope.userId));
      break;
    case 'chat':
      where = and(open, eq(tasks.chatId, scope.chatId));
      break;
    case 'overdue':
      where = and(open, lt(tasks.dueAt, scope.now), scope.chatId ? eq(tasks.chatId, scope.chatId) : involving(scope.userId));
      break;
    case 'all':
      where = open;
      break;
  }
  const rows = await db
    .select()
    .from(tasks)
    .where(where)
    .orderBy(sql`${tasks.dueAt} IS NULL`, tasks.dueAt, tasks.number)
    .limit(LIST_LIMIT);
  return hydrate(db, rows);
}
