/**
 * Open-task lists for /任务 (mine, this chat, overdue, all), tenant-scoped. A list is read in
 * two steps so any length pages properly: the light-relevant fields of every matching task
 * (to sort red first and count), then the full tasks of the one page shown.
 */
import { and, eq, inArray, isNotNull, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { LightFields } from '../bot/domain/light.js';
import type { Sight } from '../bot/domain/roles.js';
import type { Task } from '../bot/domain/types.js';
import type { Db, Tx } from './client.js';
import { tasks } from './schema.js';
import { inSightSql, namesPersonSql } from './sight.js';
import { hydrate } from './tasks.js';

export type ListScope =
  | { kind: 'mine'; userId: string; inChat?: string }
  | { kind: 'chat'; chatId: string }
  | { kind: 'overdue'; chatId: string | null; userId: string; now: Date }
  /**
   * 待我审批: across the asker's chats, submissions and extension requests they decide on — as
   * the 交办人, the task's 督办领导, or the 督办领导 of a chat whose task names none.
   */
  | { kind: 'review'; userId: string; supervisedChatIds: readonly string[]; inChat?: string }
  /**
   * 全部: what the asker may see (bot/domain/roles.ts Sight) — the tasks of the chat they ask
   * in, the tasks they are one of the people of, and every task of the chats they oversee.
   */
  | { kind: 'all'; sight: Sight; inChat?: string };

/** What a list page is sorted and paged by (bot/cards/task.ts ListEntry): the light's inputs. */
export type ListEntry = Pick<Task, 'id' | 'number'> & LightFields;

export async function listOpenEntries(db: Db | Tx, tenantKey: string, scope: ListScope): Promise<ListEntry[]> {
  const open = and(eq(tasks.tenantKey, tenantKey), eq(tasks.isOpen, 1));
  const involving = (userId: string) => namesPersonSql(db, userId);
  let where;
  switch (scope.kind) {
    case 'mine':
      where = and(open, involving(scope.userId), scope.inChat ? eq(tasks.chatId, scope.inChat) : undefined);
      break;
    case 'chat':
      where = and(open, eq(tasks.chatId, scope.chatId));
      break;
    case 'overdue':
      // A submitted task waits for its reviewer: nobody's overdue item.
      where = and(open, lt(tasks.dueAt, scope.now), ne(tasks.state, 'submitted'), scope.chatId ? eq(tasks.chatId, scope.chatId) : involving(scope.userId));
      break;
    case 'review': {
      const decides = or(
        eq(tasks.creatorId, scope.userId),
        eq(tasks.supervisorId, scope.userId),
        scope.supervisedChatIds.length ? and(isNull(tasks.supervisorId), inArray(tasks.chatId, [...scope.supervisedChatIds])) : sql`0`,
      );
      where = and(
        open,
        or(eq(tasks.state, 'submitted'), isNotNull(tasks.pendingExtension)),
        decides,
        scope.inChat ? eq(tasks.chatId, scope.inChat) : undefined,
      );
      break;
    }
    case 'all':
      where = and(open, inSightSql(db, scope.sight), scope.inChat ? eq(tasks.chatId, scope.inChat) : undefined);
      break;
  }
  return db
    .select({
      id: tasks.id,
      chatId: tasks.chatId,
      number: tasks.number,
      state: tasks.state,
      dueAt: tasks.dueAt,
      percent: tasks.percent,
      lastProgressAt: tasks.lastProgressAt,
      acceptedAt: tasks.acceptedAt,
      createdAt: tasks.createdAt,
    })
    .from(tasks)
    .where(where)
    .orderBy(sql`${tasks.dueAt} IS NULL`, tasks.dueAt, tasks.number) as Promise<ListEntry[]>;
}

/** The full tasks with these ids (one page of a list). */
export async function getTasksByIds(db: Db | Tx, ids: readonly number[]): Promise<Task[]> {
  if (ids.length === 0) return [];
  return hydrate(
    db,
    await db
      .select()
      .from(tasks)
      .where(inArray(tasks.id, [...ids])),
  );
}
