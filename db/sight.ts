/**
 * "Who may see a task" in SQL: bot/domain/roles.ts holds the rule (Sight, SEEING_ROLES,
 * holdsRole, inSight) and this translates it term by term. The database filters by the chats
 * and the person it is given; it decides nothing itself.
 */
import { inArray, or, type SQL } from 'drizzle-orm';
import { SEEING_ROLES, type SeeingRole, type Sight } from '../bot/domain/roles.js';
import type { Db, Tx } from './client.js';
import { taskAssignees, tasks } from './schema.js';

/** The column naming each role's holder (the 主办 and 协办 are rows of task_assignees). */
export const HOLDER = { creator: tasks.creatorId, supervisor: tasks.supervisorId, assignee: taskAssignees.userId } as const satisfies Record<
  SeeingRole,
  unknown
>;

/** A task where one of `userIds` holds the role (roles.ts holdsRole). */
export function holdsRoleSql(db: Db | Tx, role: SeeingRole, userIds: readonly string[]): SQL {
  switch (role) {
    case 'creator':
    case 'supervisor':
      return inArray(HOLDER[role], [...userIds]);
    case 'assignee':
      return inArray(
        tasks.id,
        db
          .select({ id: taskAssignees.taskId })
          .from(taskAssignees)
          .where(inArray(taskAssignees.userId, [...userIds])),
      );
  }
}

/** A task where the person holds one of the roles that let them see it (SEEING_ROLES): "their" tasks. */
export function namesPersonSql(db: Db | Tx, userId: string): SQL {
  return or(...SEEING_ROLES.map((role) => holdsRoleSql(db, role, [userId])))!;
}

/** A task within the sight (roles.ts inSight): of one of its chats, or naming its person. */
export function inSightSql(db: Db | Tx, sight: Sight): SQL {
  const person = namesPersonSql(db, sight.userId);
  return sight.chatIds.length ? or(inArray(tasks.chatId, [...sight.chatIds]), person)! : person;
}
